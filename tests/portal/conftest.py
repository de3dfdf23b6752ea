"""Fixtures for portal tests: constituents who can sign in, signed-in portal clients, SMTP."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar

from portal.testing import Donor, PortalClient, browser, make_donor, sign_in

__all__ = ["Donor", "PortalClient", "SmtpServer", "browser", "make_donor", "sign_in"]


@pytest.fixture
async def donor(app: Litestar) -> Donor:
    """Donor A."""
    return await make_donor("ann@example.org", "Ann", "Able")


@pytest.fixture
async def other_donor(app: Litestar) -> Donor:
    """Donor B."""
    return await make_donor("bob@example.org", "Bob", "Baker")


@pytest.fixture
async def portal_client(app: Litestar, donor: Donor) -> AsyncIterator[PortalClient]:
    """Donor A signed in to the portal."""
    client = await sign_in(app, donor)
    yield client
    await client.aclose()


@pytest.fixture
async def make_portal_client(
    app: Litestar,
) -> AsyncIterator[Callable[[Donor], Awaitable[PortalClient]]]:
    """Factory: sign any donor in."""
    clients: list[PortalClient] = []

    async def make(who: Donor) -> PortalClient:
        client = await sign_in(app, who)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


class _Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@dataclass
class SmtpServer:
    """A real SMTP server on loopback and what it received."""

    port: int
    inbox: _Inbox

    @property
    def messages(self) -> list[Message]:
        """Messages received so far."""
        return self.inbox.messages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """An aiosmtpd server on a free loopback port."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, inbox)
    finally:
        controller.stop()

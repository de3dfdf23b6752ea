"""Fixtures for portal tests: constituents who can sign in, signed-in portal clients, SMTP."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar

from core.constituents.service import create_constituent
from core.testing import TEST_HOST
from portal.auth import links

CSRF_FIELD = re.compile(r'name="_csrf" value="([^"]+)"')


@dataclass
class Donor:
    """A constituent with an email address, able to sign in to the portal."""

    id: int
    email: str


class PortalClient(httpx.AsyncClient):
    """A browser-like client signed in to the portal; ``submit`` posts forms with CSRF."""

    csrf: str = ""

    async def submit(self, url: str, data: dict[str, Any] | None = None) -> httpx.Response:
        """POST a form with the session's ``_csrf`` field, without following redirects."""
        fields: dict[str, Any] = {"_csrf": self.csrf, **(data or {})}
        return await self.post(url, data=fields)


def browser(app: Litestar) -> PortalClient:
    """A cookie-keeping client for the app (same-origin headers like a browser form)."""
    return PortalClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url=f"http://{TEST_HOST}",
        headers={"Origin": f"http://{TEST_HOST}"},
    )


async def make_donor(email: str, first: str = "Ann", last: str = "Donor") -> Donor:
    """An individual with one primary email."""
    detail = await create_constituent(
        {
            "kind": "individual",
            "first_name": first,
            "last_name": last,
            "emails": [{"email": email, "is_primary": True}],
        }
    )
    return Donor(detail.id, email)


async def sign_in(app: Litestar, donor: Donor) -> PortalClient:
    """Sign a donor in through a fresh magic link (confirmation page, then POST)."""
    token = await links.create_link(donor.id, donor.email)
    client = browser(app)
    page = await client.get(f"/portal/login/confirm?token={token}")
    assert page.status_code == 200, page.text
    response = await client.post("/portal/login/confirm", data={"token": token})
    assert response.status_code == 303, response.text
    home = await client.get("/portal/profile")
    match = CSRF_FIELD.search(home.text)
    assert match, home.text
    client.csrf = match.group(1)
    return client


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

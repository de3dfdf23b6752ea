"""Helpers for the auth tests: browser-style logins with explicit cookie and CSRF headers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from core import events
from core.auth.sessions import SESSION_COOKIE
from core.plugins.types import DomainEvent
from core.testing import TEST_PASSWORD, TestUser, create_test_user

LOGIN = "/api/v1/auth/login"


@dataclass(frozen=True)
class BrowserSession:
    """What a browser holds after logging in: the cookie value and the CSRF token."""

    cookie: str
    csrf: str

    def headers(self, *, csrf: str | None = None, send_csrf: bool = True) -> dict[str, str]:
        """Request headers carrying the cookie (and the CSRF token unless told not to)."""
        values = {"Cookie": f"{SESSION_COOKIE}={self.cookie}"}
        if send_csrf:
            values["X-CSRF-Token"] = self.csrf if csrf is None else csrf
        return values


async def login(
    client: httpx.AsyncClient,
    email: str,
    password: str = TEST_PASSWORD,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST the JSON login; the client's cookie jar is emptied so tests pass cookies explicitly."""
    response = await client.post(
        LOGIN, json={"email": email, "password": password}, headers=headers
    )
    client.cookies.clear()
    return response


def session_of(response: httpx.Response) -> BrowserSession:
    """The session a successful login response handed out."""
    assert response.status_code == 200, response.text
    return BrowserSession(response.cookies[SESSION_COOKIE], response.json()["csrf_token"])


async def sign_in(client: httpx.AsyncClient, email: str) -> BrowserSession:
    """Log in with the test password and return the browser session."""
    return session_of(await login(client, email))


@pytest.fixture
async def staff(app: Any) -> TestUser:
    """A staff user (constituents and interactions only) with a password and a token."""
    return await create_test_user("staff@example.org", ["staff"])


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> list[DomainEvent]:
    """Events dispatched after commit, in order."""
    seen: list[DomainEvent] = []
    original = events.dispatch

    async def record(event: DomainEvent) -> None:
        seen.append(event)
        await original(event)

    monkeypatch.setattr(events, "dispatch", record)
    return seen

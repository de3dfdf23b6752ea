"""Magic-link sign-in end to end, through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import Message

import httpx
import pytest
from litestar import Litestar

from core import db
from core.clock import as_utc
from core.settings import Settings
from core.testing import base_settings
from tests.portal.conftest import Donor, SmtpServer, browser

LINK = re.compile(r"(\S+/portal/login/confirm\?token=[A-Za-z0-9_\-]+)")


@pytest.fixture
def settings(database_url: str, smtp_server: SmtpServer) -> Settings:
    """Mail goes to the test's SMTP server, delivered inline."""
    return base_settings(
        database_url,
        mail_backend="smtp",
        mail_delivery="inline",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_starttls=False,
        allowed_hosts=["testserver", "localhost", "127.0.0.1", "other.example"],
    )


def _text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


async def _request_link(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post("/portal/login/link", data={"email": email})


async def test_emailed_link_signs_in_once(
    app: Litestar, donor: Donor, smtp_server: SmtpServer
) -> None:
    async with browser(app) as visitor:
        # The Host header must not leak into the link: it comes from settings.
        response = await visitor.post(
            "/portal/login/link",
            data={"email": "ANN@example.org"},
            headers={"Host": "other.example", "Origin": "http://other.example"},
        )
        assert response.status_code == 200
        assert "Check your email" in response.text
        assert len(smtp_server.messages) == 1
        mail = smtp_server.messages[0]
        assert mail["To"] == donor.email
        text = _text_of(mail)
        match = LINK.search(text)
        assert match, text
        link = match.group(1)
        assert link.startswith("http://testserver/portal/login/confirm?token=")
        token = link.split("token=", 1)[1]
        assert len(token) >= 43  # 32 random bytes, base64url: 256 bits
        stored = await db.fetch_all("SELECT token_hash FROM portal_magic_link")
        assert token not in {r["token_hash"] for r in stored}

        path = link.removeprefix("http://testserver")
        # A mail scanner's GETs show the confirmation page and do not use the link.
        for _ in range(2):
            page = await visitor.get(path)
            assert page.status_code == 200
            assert 'action="/portal/login/confirm"' in page.text
        signed_in = await visitor.post("/portal/login/confirm", data={"token": token})
        assert signed_in.status_code == 303
        cookie = next(
            c for c in signed_in.headers.get_list("set-cookie") if c.startswith("steward_portal=")
        )
        assert "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()
        assert "Path=/portal;" in cookie
        home = await visitor.get("/portal/")
        assert home.status_code == 200
        assert "Hello, Ann" in home.text

    async with browser(app) as second:
        reused = await second.post("/portal/login/confirm", data={"token": token})
        assert reused.status_code == 410
        assert "already been used" in reused.text
        again = await second.get(path)
        assert again.status_code == 410
        assert (await second.get("/portal/")).status_code == 303


async def test_known_and_unknown_addresses_get_the_same_answer(
    app: Litestar, donor: Donor, smtp_server: SmtpServer
) -> None:
    async with browser(app) as visitor:
        known = await _request_link(visitor, donor.email)
        unknown = await _request_link(visitor, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert set(known.headers) == set(unknown.headers)
    assert [m["To"] for m in smtp_server.messages] == [donor.email]


async def test_expired_link_shows_a_clear_page(
    app: Litestar, donor: Donor, smtp_server: SmtpServer
) -> None:
    async with browser(app) as visitor:
        await _request_link(visitor, donor.email)
        token = LINK.search(_text_of(smtp_server.messages[0])).group(1).split("token=")[1]  # type: ignore[union-attr]
        row = await db.fetch_one("SELECT created_at, expires_at FROM portal_magic_link")
        assert row is not None
        # The lifetime as issued: at most 15 minutes.
        lifetime = as_utc(row["expires_at"]) - as_utc(row["created_at"])
        assert timedelta(minutes=1) <= lifetime <= timedelta(minutes=15)
        await db.execute(
            "UPDATE portal_magic_link SET expires_at = {}", datetime.now(UTC) - timedelta(seconds=1)
        )
        page = await visitor.get(f"/portal/login/confirm?token={token}")
        assert page.status_code == 410
        assert "This link has expired" in page.text
        assert 'href="/portal/login"' in page.text
        post = await visitor.post("/portal/login/confirm", data={"token": token})
        assert post.status_code == 410
        assert "This link has expired" in post.text
        assert "steward_portal" not in post.headers.get("set-cookie", "")

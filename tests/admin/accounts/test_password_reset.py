"""Staff password reset end to end: request, mail through aiosmtpd, new password, sign in."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx
from litestar import Litestar

from core import db
from core.clock import utc_now
from core.mail import deliver_pending
from core.mail.password_reset import MIN_REQUEST_SECONDS, PER_ADDRESS_PER_HOUR
from core.mail.testing import SmtpSink
from core.testing import TEST_HOST, create_test_user

LINK = re.compile(rf"http://{TEST_HOST}/admin/password-reset/[A-Za-z0-9_-]{{43}}")
NEW_PASSWORD = "a-brand-new-passphrase"
SENT = "If that address has a staff account"


async def _ask(client: httpx.AsyncClient, email: str, **headers: str) -> httpx.Response:
    return await client.post("/admin/password-reset", data={"email": email}, headers=headers)


async def _mailed_link(sink: SmtpSink, count: int = 1) -> str:
    assert await deliver_pending() == 1
    received = sink.wait_for(count)[-1]
    text = received.part("plain")
    match = LINK.search(text)
    assert match, text
    assert match.group(0) in received.part("html")
    return match.group(0).removeprefix(f"http://{TEST_HOST}")


async def _login(client: httpx.AsyncClient, email: str, password: str) -> int:
    response = await client.post("/admin/login", data={"email": email, "password": password})
    return response.status_code


async def test_reset_end_to_end(app: Litestar, client: httpx.AsyncClient, sink: SmtpSink) -> None:
    user = await create_test_user("ann@example.org", ["staff"])
    page = await client.get("/admin/password-reset")
    assert page.status_code == 200
    assert 'name="email"' in page.text

    response = await _ask(client, "ANN@example.org")
    assert response.status_code == 200
    assert SENT in response.text
    path = await _mailed_link(sink)
    [received] = sink.messages
    assert received.message["To"] == "ann@example.org"
    assert received.message["From"] == "Demo <noreply@demo.example>"
    assert "Reset your password" in received.message["Subject"]
    outbox = await db.fetch_one("SELECT tag, status FROM core_mail_outbox")
    assert outbox == {"tag": "admin.password_reset", "status": "sent"}
    # Only the token's hash is stored.
    assert (
        await db.fetch_value("SELECT token_hash FROM core_password_reset") != path.rsplit("/")[-1]
    )

    form = await client.get(path)
    assert form.status_code == 200
    assert "ann@example.org" in form.text
    assert form.headers["cache-control"] == "no-store"
    assert form.headers["referrer-policy"] == "no-referrer"

    short = await client.post(path, data={"password": "short", "password_confirm": "short"})
    assert short.status_code == 422
    assert 'id="error-password"' in short.text
    mismatch = await client.post(
        path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD + "x"}
    )
    assert mismatch.status_code == 422
    assert 'id="error-password_confirm"' in mismatch.text

    done = await client.post(
        path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/admin/login"
    login_page = await client.get("/admin/login")
    assert "Your password has been changed" in login_page.text

    reused = await client.get(path)
    assert reused.status_code == 410
    assert "already been used" in reused.text
    again = await client.post(
        path, data={"password": "another-long-one", "password_confirm": "another-long-one"}
    )
    assert again.status_code == 410

    assert await _login(client, user.email, user.password) == 401
    assert await _login(client, user.email, NEW_PASSWORD) == 303


async def test_reset_revokes_open_sessions(app: Litestar, sink: SmtpSink) -> None:
    from core.testing import sign_in_to_admin

    user = await create_test_user("bob@example.org", ["staff"])
    browser = await sign_in_to_admin(app, user)
    try:
        assert (await browser.get("/admin/")).status_code == 200
        anonymous = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=f"http://{TEST_HOST}",  # type: ignore[arg-type]
        )
        async with anonymous:
            await _ask(anonymous, user.email)
            path = await _mailed_link(sink)
            done = await anonymous.post(
                path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
            )
            assert done.status_code == 303
        assert (await browser.get("/admin/")).status_code == 303
    finally:
        await browser.aclose()


async def test_expired_link_fails_clearly(
    app: Litestar, client: httpx.AsyncClient, sink: SmtpSink
) -> None:
    await create_test_user("cy@example.org", ["staff"])
    await _ask(client, "cy@example.org")
    path = await _mailed_link(sink)
    await db.execute(
        "UPDATE core_password_reset SET expires_at = {}", utc_now() - timedelta(seconds=1)
    )
    response = await client.get(path)
    assert response.status_code == 410
    assert "expired" in response.text
    posted = await client.post(
        path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert posted.status_code == 410
    unknown = await client.get("/admin/password-reset/" + "x" * 43)
    assert unknown.status_code == 404
    assert "not valid" in unknown.text


async def test_known_and_unknown_addresses_get_the_same_answer(
    app: Litestar, client: httpx.AsyncClient, sink: SmtpSink
) -> None:
    await create_test_user("dee@example.org", ["staff"])
    timings, bodies = [], []
    for email in ("dee@example.org", "nobody@example.org"):
        started = time.monotonic()
        response = await _ask(client, email)
        timings.append(time.monotonic() - started)
        assert response.status_code == 200
        bodies.append(response.text)
    assert bodies[0] == bodies[1]
    assert min(timings) >= MIN_REQUEST_SECONDS
    assert abs(timings[0] - timings[1]) < 0.2
    assert await db.fetch_value("SELECT COUNT(*) FROM core_mail_outbox") == 1
    assert await deliver_pending() == 1
    assert [m.rcpt_tos for m in sink.wait_for(1)] == [["dee@example.org"]]


async def test_link_uses_the_public_base_url_not_the_host_header(
    app: Litestar, client: httpx.AsyncClient, sink: SmtpSink
) -> None:
    await create_test_user("eve@example.org", ["staff"])
    response = await client.post(
        "http://localhost/admin/password-reset", data={"email": "eve@example.org"}
    )
    assert response.status_code == 200
    await _mailed_link(sink)  # asserts the link starts with http://testserver


async def test_bad_input_and_foreign_forms(app: Litestar, client: httpx.AsyncClient) -> None:
    response = await _ask(client, "not an address")
    assert response.status_code == 422
    assert 'value="not an address"' in response.text
    assert 'id="error-email"' in response.text
    cross_site = await _ask(client, "ann@example.org", origin="https://evil.example")
    assert cross_site.status_code == 403
    spanish = await client.get("/admin/password-reset", headers={"accept-language": "es"})
    assert "Restablecer" in spanish.text


async def test_requests_are_rate_limited_per_address(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    for _ in range(PER_ADDRESS_PER_HOUR):
        assert (await _ask(client, "flood@example.org")).status_code == 200
    refused = await _ask(client, "flood@example.org")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert 'value="flood@example.org"' in refused.text

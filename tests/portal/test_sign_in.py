"""Rate limits, sessions (new id, revoked at sign-out), password sign-in, garbage tokens."""

from __future__ import annotations

from litestar import Litestar

from core import db
from tests.portal.conftest import Donor, PortalClient, browser


async def test_link_requests_are_rate_limited_per_address_and_client(
    app: Litestar, donor: Donor
) -> None:
    async with browser(app) as visitor:
        statuses = [
            (await visitor.post("/portal/login/link", data={"email": donor.email})).status_code
            for _ in range(6)
        ]
    assert statuses == [200] * 5 + [429]
    async with browser(app) as visitor:
        statuses = [
            (
                await visitor.post("/portal/login/link", data={"email": f"x{n}@example.org"})
            ).status_code
            for n in range(31)
        ]
    # Six requests from this client already count: 24 more are allowed, then 429.
    assert statuses[:24] == [200] * 24
    assert statuses[-1] == 429


async def test_sign_out_revokes_the_session(app: Litestar, portal_client: PortalClient) -> None:
    cookie = portal_client.cookies.get("steward_portal")
    assert cookie
    response = await portal_client.submit("/portal/logout")
    assert response.status_code == 303
    async with browser(app) as thief:
        thief.cookies.set("steward_portal", cookie, domain="testserver", path="/portal")
        assert (await thief.get("/portal/")).status_code == 303


async def test_sign_in_issues_a_new_session_and_revokes_the_presented_one(
    app: Litestar, donor: Donor, portal_client: PortalClient
) -> None:
    from portal.auth import links

    old = portal_client.cookies.get("steward_portal")
    token = await links.create_link(donor.id, donor.email)
    response = await portal_client.post("/portal/login/confirm", data={"token": token})
    assert response.status_code == 303
    new = portal_client.cookies.get("steward_portal")
    assert new
    assert new != old
    revoked = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM portal_session WHERE revoked_at IS NOT NULL"
    )
    assert int(revoked) == 1


async def test_cross_site_confirmation_is_refused(app: Litestar, donor: Donor) -> None:
    from portal.auth import links

    token = await links.create_link(donor.id, donor.email)
    async with browser(app) as visitor:
        response = await visitor.post(
            "/portal/login/confirm",
            data={"token": token},
            headers={"Origin": "https://evil.example"},
        )
    assert response.status_code == 403
    assert await db.fetch_value("SELECT used_at FROM portal_magic_link") is None


async def test_unknown_and_malformed_tokens(app: Litestar) -> None:
    async with browser(app) as visitor:
        assert (await visitor.get("/portal/login/confirm?token=nope")).status_code == 404
        assert (await visitor.get("/portal/login/confirm?token=" + "a" * 500)).status_code == 404
        assert (await visitor.get("/portal/login/confirm")).status_code == 404


async def test_optional_password(app: Litestar, donor: Donor, portal_client: PortalClient) -> None:
    short = await portal_client.submit(
        "/portal/security/password", {"password": "short", "password_confirm": "short"}
    )
    assert short.status_code == 422
    assert "between 10 and 1024" in short.text
    ok = await portal_client.submit(
        "/portal/security/password",
        {"password": "a good long password", "password_confirm": "a good long password"},
    )
    assert ok.status_code == 303
    async with browser(app) as visitor:
        wrong = await visitor.post(
            "/portal/login/password", data={"email": donor.email, "password": "wrong password!"}
        )
        assert wrong.status_code == 401
        unknown = await visitor.post(
            "/portal/login/password",
            data={"email": "nobody@example.org", "password": "a good long password"},
        )
        assert unknown.status_code == 401
        assert "Incorrect email or password." in wrong.text
        assert "Incorrect email" in unknown.text
        right = await visitor.post(
            "/portal/login/password",
            data={"email": donor.email, "password": "a good long password"},
        )
        assert right.status_code == 303
        assert (await visitor.get("/portal/")).status_code == 200

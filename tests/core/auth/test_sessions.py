"""Session security: fixation, revocation, expiry, deactivation and privilege changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from core import db
from core.auth.sessions import SESSION_COOKIE
from core.testing import TestUser
from tests.core.auth.conftest import BrowserSession, login, session_of, sign_in

ME = "/api/v1/auth/me"


async def _me_status(client: httpx.AsyncClient, session: BrowserSession) -> int:
    return (await client.get(ME, headers=session.headers(send_csrf=False))).status_code


async def test_a_client_chosen_session_id_is_never_adopted(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    planted = "attacker-chosen-session-id-0123456789abcdef"

    response = await login(client, staff.email, headers={"Cookie": f"{SESSION_COOKIE}={planted}"})

    issued = session_of(response)
    assert issued.cookie != planted
    assert await _me_status(client, issued) == 200
    assert await _me_status(client, BrowserSession(planted, "")) == 401


async def test_every_login_issues_a_fresh_session_id(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    first = await sign_in(client, staff.email)
    second = await sign_in(client, staff.email)

    assert first.cookie != second.cookie
    assert first.csrf != second.csrf
    # The table keeps only hashes of the ids.
    stored = await db.fetch_all("SELECT session_hash FROM core_session")
    assert {row["session_hash"] for row in stored}.isdisjoint({first.cookie, second.cookie})


async def test_login_revokes_the_session_cookie_it_was_sent(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    old = await sign_in(client, staff.email)

    response = await login(client, staff.email, headers=old.headers())

    new = session_of(response)
    assert new.cookie != old.cookie
    assert await _me_status(client, old) == 401
    assert await _me_status(client, new) == 200


async def test_logged_out_cookie_is_rejected_afterwards(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)
    assert (await client.post("/api/v1/auth/logout", headers=session.headers())).status_code == 204

    assert await _me_status(client, session) == 401
    replayed = await client.post(
        "/api/v1/tokens", json={"name": "after logout"}, headers=session.headers()
    )
    assert replayed.status_code == 401


async def test_expired_session_is_rejected(client: httpx.AsyncClient, staff: TestUser) -> None:
    session = await sign_in(client, staff.email)
    assert await _me_status(client, session) == 200

    await db.execute(
        "UPDATE core_session SET expires_at = {} WHERE user_id = {}",
        datetime.now(UTC) - timedelta(seconds=1),
        staff.user_id,
    )

    assert await _me_status(client, session) == 401


async def test_deactivation_stops_sessions_and_tokens(
    client: httpx.AsyncClient, api: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)
    token = {"Authorization": f"Bearer {staff.token}"}
    assert (await client.get(ME, headers=token)).status_code == 200

    response = await api.patch(f"/api/v1/users/{staff.user_id}", json={"is_active": False})
    assert response.status_code == 200

    assert await _me_status(client, session) == 401
    assert (await client.get(ME, headers=token)).status_code == 401
    revoked = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_session WHERE user_id = {} AND revoked_at IS NULL",
        staff.user_id,
    )
    assert revoked == 0

    # Reactivation lets the user log in again, with a new session.
    await api.patch(f"/api/v1/users/{staff.user_id}", json={"is_active": True})
    assert await _me_status(client, session) == 401
    assert await _me_status(client, await sign_in(client, staff.email)) == 200


async def test_role_change_revokes_sessions(
    client: httpx.AsyncClient, api: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    await api.patch(f"/api/v1/users/{staff.user_id}", json={"roles": ["viewer"]})

    assert await _me_status(client, session) == 401
    fresh = await sign_in(client, staff.email)
    me = (await client.get(ME, headers=fresh.headers(send_csrf=False))).json()
    assert "constituents.write" not in me["permissions"]
    assert "constituents.read" in me["permissions"]


async def test_unchanged_roles_keep_sessions(
    client: httpx.AsyncClient, api: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    await api.patch(
        f"/api/v1/users/{staff.user_id}", json={"roles": ["staff"], "display_name": "Sam"}
    )

    assert await _me_status(client, session) == 200


async def test_setting_a_password_revokes_sessions(
    client: httpx.AsyncClient, api: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    response = await api.put(
        f"/api/v1/users/{staff.user_id}/password", json={"password": "a brand new passphrase"}
    )

    assert response.status_code == 204
    assert await _me_status(client, session) == 401
    assert (await login(client, staff.email)).status_code == 401
    assert (await login(client, staff.email, "a brand new passphrase")).status_code == 200


async def test_oversized_or_garbage_cookies_are_anonymous(client: httpx.AsyncClient) -> None:
    for value in ("x" * 500, "", "%00%01"):
        response = await client.get(ME, headers={"Cookie": f"{SESSION_COOKIE}={value}"})
        assert response.status_code == 401

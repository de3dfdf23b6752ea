"""POST /api/v1/auth/login, /logout and GET /me."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from core import audit, db
from core.auth import login as login_module
from core.auth.passwords import needs_rehash
from core.plugins.types import DomainEvent
from core.settings import Settings
from core.testing import TEST_PASSWORD, TestUser
from tests.core.auth.conftest import LOGIN, login, sign_in


async def test_login_sets_a_hardened_session_cookie(
    client: httpx.AsyncClient, staff: TestUser, settings: Settings
) -> None:
    response = await login(client, staff.email)

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == staff.email
    assert body["user"]["roles"] == ["staff"]
    assert "constituents.read" in body["permissions"]
    assert len(body["csrf_token"]) >= 32
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("steward_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert f"Max-Age={settings.session_max_age_seconds}" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # the test base URL is plain http


async def test_the_session_cookie_authenticates_me(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    response = await client.get("/api/v1/auth/me", headers=session.headers(send_csrf=False))

    assert response.status_code == 200
    me = response.json()
    assert me["id"] == staff.user_id
    assert me["email"] == staff.email
    assert me["display_name"] == "staff"
    assert me["via"] == "session"
    assert me["csrf_token"] == session.csrf
    assert "constituents.write" in me["permissions"]
    assert "users.manage" not in me["permissions"]


async def test_me_through_a_token_has_no_csrf_token(
    api: httpx.AsyncClient, admin: TestUser
) -> None:
    me = (await api.get("/api/v1/auth/me")).json()
    assert me["via"] == "token"
    assert me["csrf_token"] is None
    assert me["permissions"] == ["*"]


async def test_me_requires_authentication(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_login_email_is_case_insensitive(client: httpx.AsyncClient, staff: TestUser) -> None:
    response = await login(client, "  STAFF@Example.ORG ")
    assert response.status_code == 200


async def test_wrong_password_and_unknown_email_look_the_same(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    wrong = await login(client, staff.email, "not the right password")
    unknown = await login(client, "nobody@example.org", TEST_PASSWORD)

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["detail"] == "Incorrect email or password."
    assert "set-cookie" not in wrong.headers
    assert "set-cookie" not in unknown.headers


async def test_unknown_email_still_runs_one_argon2_verification(
    client: httpx.AsyncClient, staff: TestUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    real_verify = login_module.verify_password

    def spy(password_hash: str | None, password: str) -> bool:
        verified.append(password_hash or "")
        return real_verify(password_hash, password)

    monkeypatch.setattr(login_module, "verify_password", spy)

    await login(client, "nobody@example.org", TEST_PASSWORD)
    await login(client, staff.email, "not the right password")

    assert len(verified) == 2
    assert all(h.startswith("$argon2id$") for h in verified)
    assert verified[0] == login_module._dummy_hash()
    assert verified[1] != verified[0]


async def test_inactive_user_cannot_log_in(
    client: httpx.AsyncClient, staff: TestUser, api: httpx.AsyncClient
) -> None:
    await api.patch(f"/api/v1/users/{staff.user_id}", json={"is_active": False})

    response = await login(client, staff.email)

    assert response.status_code == 401
    assert response.json()["detail"] == "Incorrect email or password."


async def test_user_without_password_cannot_log_in(
    client: httpx.AsyncClient, api: httpx.AsyncClient
) -> None:
    created = await api.post("/api/v1/users", json={"email": "nopass@example.org"})
    assert created.json()["has_password"] is False

    assert (await login(client, "nopass@example.org", "")).status_code == 422
    assert (await login(client, "nopass@example.org", "anything at all")).status_code == 401


async def test_login_requires_a_json_body(client: httpx.AsyncClient, staff: TestUser) -> None:
    form = await client.post(LOGIN, data={"email": staff.email, "password": TEST_PASSWORD})
    plain = await client.post(
        LOGIN,
        content=f'{{"email": "{staff.email}", "password": "{TEST_PASSWORD}"}}',
        headers={"Content-Type": "text/plain"},
    )

    for response in (form, plain):
        assert response.status_code == 415
        assert "application/json" in response.json()["detail"]
        assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": "x"}, "email"),
        ({"email": "a@example.org"}, "password"),
        ({"email": "a@example.org", "password": "x", "remember": True}, "remember"),
        ({"email": "a@example.org", "password": "x" * 1025}, "password"),
        ({"email": ("a" * 300) + "@example.org", "password": "x"}, "email"),
    ],
)
async def test_bad_login_bodies_are_422(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post(LOGIN, json=body)

    assert response.status_code == 422
    problem = response.json()
    assert problem["title"] == "Invalid input"
    assert any(field in error["field"] for error in problem["errors"]), problem


async def test_login_records_last_login_audits_and_emits(
    client: httpx.AsyncClient, staff: TestUser, dispatched: list[DomainEvent]
) -> None:
    before = await db.fetch_value(
        "SELECT last_login_at FROM core_user WHERE id = {}", staff.user_id
    )
    assert before is None

    response = await login(client, staff.email)

    assert response.json()["user"]["last_login_at"] is not None
    stored = await db.fetch_value(
        "SELECT last_login_at FROM core_user WHERE id = {}", staff.user_id
    )
    assert stored is not None
    entries = await audit.entries_for(entity_type="user", entity_id=staff.user_id)
    assert entries[0]["action"] == "login"
    assert entries[0]["actor_kind"] == "user"
    assert entries[0]["actor_id"] == staff.user_id
    logged_in = [e for e in dispatched if e.name == "user.logged_in"]
    assert len(logged_in) == 1
    assert logged_in[0].payload["user_id"] == staff.user_id


async def test_passwords_are_stored_as_argon2id(staff: TestUser) -> None:
    stored = await db.fetch_value(
        "SELECT password_hash FROM core_user WHERE id = {}", staff.user_id
    )
    assert stored.startswith("$argon2id$")
    assert TEST_PASSWORD not in stored


async def test_weak_hash_is_upgraded_at_login(client: httpx.AsyncClient, staff: TestUser) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(TEST_PASSWORD)
    await db.execute("UPDATE core_user SET password_hash = {} WHERE id = {}", weak, staff.user_id)
    assert needs_rehash(weak)

    assert (await login(client, staff.email)).status_code == 200

    upgraded = await db.fetch_value(
        "SELECT password_hash FROM core_user WHERE id = {}", staff.user_id
    )
    assert upgraded != weak
    assert upgraded.startswith("$argon2id$")
    assert not needs_rehash(upgraded)
    assert (await login(client, staff.email)).status_code == 200


async def test_logout_revokes_the_session_and_clears_the_cookie(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    response = await client.post("/api/v1/auth/logout", headers=session.headers())

    assert response.status_code == 204
    cleared = response.headers["set-cookie"]
    assert cleared.startswith('steward_session="";') or cleared.startswith("steward_session=;")
    assert "Max-Age=0" in cleared
    again = await client.get("/api/v1/auth/me", headers=session.headers(send_csrf=False))
    assert again.status_code == 401
    revoked = await db.fetch_value(
        "SELECT revoked_at FROM core_session WHERE user_id = {}", staff.user_id
    )
    assert revoked is not None
    entries = await audit.entries_for(entity_type="session")
    assert entries[0]["action"] == "logout"


async def test_logout_is_harmless_without_a_session(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/logout")
    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["set-cookie"]


async def test_logout_with_a_token_leaves_the_token_working(
    api: httpx.AsyncClient, admin: TestUser
) -> None:
    assert (await api.post("/api/v1/auth/logout")).status_code == 204
    assert (await api.get("/api/v1/auth/me")).status_code == 200


async def test_session_expiry_matches_settings(client: httpx.AsyncClient, staff: TestUser) -> None:
    response = await login(client, staff.email)
    expires = datetime.fromisoformat(response.json()["expires_at"])
    created = datetime.fromisoformat(response.json()["user"]["last_login_at"])
    assert 8 * 3600 - 60 < (expires - created).total_seconds() <= 8 * 3600 + 1

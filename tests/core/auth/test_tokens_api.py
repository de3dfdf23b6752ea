"""API tokens: own tokens for everyone, anyone's with users.manage; scopes; revocation."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from core import audit, db
from core.auth.token_cache import invalidate_token_principals
from core.testing import TestUser

TOKENS = "/api/v1/tokens"
ME = "/api/v1/auth/me"
MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


def bearer(secret: str) -> dict[str, str]:
    """Headers authenticating with a token."""
    return {"Authorization": f"Bearer {secret}"}


async def test_create_returns_the_secret_once_and_stores_only_its_hash(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    response = await client.post(
        TOKENS,
        json={"name": "mailing sync", "scopes": ["constituents.read"]},
        headers=bearer(staff.token),
    )

    assert response.status_code == 201
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("stw_")
    assert secret.startswith(created["prefix"])
    assert created["scopes"] == ["constituents.read"]
    assert created["active"] is True
    row = await db.fetch_one("SELECT * FROM core_api_token WHERE id = {}", created["id"])
    assert row is not None
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(v) for v in row.values()}

    listed = (await client.get(TOKENS, headers=bearer(staff.token))).json()
    assert listed["total"] == 2
    assert all("secret" not in t for t in listed["items"])
    assert listed["items"][0]["name"] == "mailing sync"  # newest first

    me = (await client.get(ME, headers=bearer(secret))).json()
    assert me["permissions"] == ["constituents.read"]


async def test_revoked_token_is_rejected(client: httpx.AsyncClient, staff: TestUser) -> None:
    created = (
        await client.post(TOKENS, json={"name": "short-lived"}, headers=bearer(staff.token))
    ).json()
    assert (await client.get(ME, headers=bearer(created["secret"]))).status_code == 200

    response = await client.delete(f"{TOKENS}/{created['id']}", headers=bearer(staff.token))

    assert response.status_code == 204
    assert (await client.get(ME, headers=bearer(created["secret"]))).status_code == 401
    listed = (await client.get(TOKENS, headers=bearer(staff.token))).json()
    revoked = next(t for t in listed["items"] if t["id"] == created["id"])
    assert revoked["active"] is False
    assert revoked["revoked_at"] is not None
    actions = [e["action"] for e in await audit.entries_for(entity_type="api_token")]
    assert actions[0] == "revoke"
    again = await client.delete(f"{TOKENS}/{created['id']}", headers=bearer(staff.token))
    assert again.status_code == 204


async def test_expired_token_is_rejected(client: httpx.AsyncClient, staff: TestUser) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    created = (
        await client.post(
            TOKENS,
            json={"name": "expiring", "expires_at": soon.isoformat()},
            headers=bearer(staff.token),
        )
    ).json()
    assert (await client.get(ME, headers=bearer(created["secret"]))).status_code == 200

    await db.execute(
        "UPDATE core_api_token SET expires_at = {} WHERE id = {}",
        datetime.now(UTC) - timedelta(seconds=1),
        created["id"],
    )
    # A change made behind the services' back is seen once the principal cache's few
    # seconds are up; the test does not wait for them.
    invalidate_token_principals()

    assert (await client.get(ME, headers=bearer(created["secret"]))).status_code == 401


async def test_scopes_cannot_exceed_the_users_roles(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    created = (
        await client.post(
            TOKENS,
            json={"name": "greedy", "scopes": ["users.manage", "constituents.read"]},
            headers=bearer(staff.token),
        )
    ).json()

    me = (await client.get(ME, headers=bearer(created["secret"]))).json()

    assert me["permissions"] == ["constituents.read"]
    assert (await client.get("/api/v1/users", headers=bearer(created["secret"]))).status_code == 403


async def test_a_scoped_token_cannot_mint_a_stronger_token(make_api_client: MakeClient) -> None:
    scoped = await make_api_client(roles=["admin"], scopes=["constituents.read"])

    unscoped = await scoped.post(TOKENS, json={"name": "escalate"})
    wider = await scoped.post(TOKENS, json={"name": "escalate", "scopes": ["users.manage"]})
    same = await scoped.post(TOKENS, json={"name": "narrow", "scopes": ["constituents.read"]})

    assert unscoped.status_code == wider.status_code == 403
    assert same.status_code == 201


async def test_users_can_only_see_and_revoke_their_own_tokens(
    client: httpx.AsyncClient, staff: TestUser, admin: TestUser
) -> None:
    admin_tokens = (await client.get(TOKENS, headers=bearer(admin.token))).json()["items"]

    listing = await client.get(
        TOKENS, params={"user_id": admin.user_id}, headers=bearer(staff.token)
    )
    revoking = await client.delete(f"{TOKENS}/{admin_tokens[0]['id']}", headers=bearer(staff.token))
    creating = await client.post(
        TOKENS, json={"name": "for admin", "user_id": admin.user_id}, headers=bearer(staff.token)
    )

    assert listing.status_code == 403
    assert revoking.status_code == 404
    assert creating.status_code == 403
    assert (await client.get(ME, headers=bearer(admin.token))).status_code == 200


async def test_user_managers_handle_anyones_tokens(api: httpx.AsyncClient, staff: TestUser) -> None:
    created = await api.post(
        TOKENS, json={"name": "issued by admin", "user_id": staff.user_id, "scopes": ["*"]}
    )
    assert created.status_code == 201
    assert created.json()["user_id"] == staff.user_id

    listed = (await api.get(TOKENS, params={"user_id": staff.user_id})).json()
    assert {t["name"] for t in listed["items"]} == {"tests", "issued by admin"}

    staff_token = next(t for t in listed["items"] if t["name"] == "tests")
    assert (await api.delete(f"{TOKENS}/{staff_token['id']}")).status_code == 204
    assert (await api.get(ME, headers=bearer(staff.token))).status_code == 401


async def test_tokens_for_unknown_or_inactive_users_are_refused(
    api: httpx.AsyncClient, staff: TestUser
) -> None:
    unknown = await api.post(TOKENS, json={"name": "x", "user_id": 999999})
    await api.patch(f"/api/v1/users/{staff.user_id}", json={"is_active": False})
    inactive = await api.post(TOKENS, json={"name": "x", "user_id": staff.user_id})

    assert unknown.status_code == 404
    assert inactive.status_code == 409


async def test_unknown_token_is_404(api: httpx.AsyncClient) -> None:
    assert (await api.delete(f"{TOKENS}/999999")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "x", "scopes": ["made.up"]}, "scopes", "unknown permission(s): made.up"),
        ({"name": ""}, "name", "at least 1"),
        ({"name": "x" * 121}, "name", "at most 120"),
        ({"name": "x", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at", "future"),
        ({"name": "x", "expires_at": "2999-01-01T00:00:00"}, "expires_at", "timezone"),
        ({"name": "x", "secret": "mine"}, "secret", "xtra"),
        ({"name": "x", "user_id": 0}, "user_id", "greater than or equal to 1"),
    ],
)
async def test_bad_token_input_is_422(
    api: httpx.AsyncClient, body: dict[str, Any], field: str, message: str
) -> None:
    response = await api.post(TOKENS, json=body)

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(field in e["field"] and message in e["message"] for e in errors), errors


async def test_openapi_documents_the_auth_api(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/schema/openapi.json")).json()["paths"]

    for path in ("/api/v1/auth/login", "/api/v1/auth/me", "/api/v1/users", "/api/v1/tokens"):
        assert path in paths

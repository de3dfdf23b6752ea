"""The token principal cache: served for a few seconds, forgotten at once on every change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from core import db
from core.auth import token_cache
from core.auth.principal import Principal
from core.auth.roles import create_role, update_role
from core.auth.service import principal_for_token, revoke_api_token
from core.auth.token_cache import TokenPrincipalCache
from core.auth.users import update_user
from core.testing import TestUser

ME = "/api/v1/auth/me"
PRINCIPAL = Principal(1, "a@example.org", "A", frozenset({"x"}), via="token", token_id=1)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_a_token_is_read_once_then_served_from_the_cache(staff: TestUser) -> None:
    first = await principal_for_token(staff.token)
    assert first is not None
    # Behind the services' back: the cache still answers, so no query ran.
    await db.execute("UPDATE core_user SET display_name = 'Renamed' WHERE id = {}", staff.user_id)
    assert await principal_for_token(staff.token) is first
    token_cache.invalidate_token_principals()
    again = await principal_for_token(staff.token)
    assert again is not None
    assert again.display_name == "Renamed"


async def test_revoking_is_seen_at_once(staff: TestUser) -> None:
    principal = await principal_for_token(staff.token)
    assert principal is not None
    assert principal.token_id is not None
    await revoke_api_token(principal.token_id)
    assert await principal_for_token(staff.token) is None


async def test_role_and_status_changes_are_seen_at_once(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    await create_role("auditor", "Auditor", ["audit.read"])
    await update_user(staff.user_id, roles=["auditor"])
    me = (await client.get(ME, headers=bearer(staff.token))).json()
    assert me["permissions"] == ["audit.read"]
    await update_role("auditor", permissions=["audit.read", "constituents.read"])
    me = (await client.get(ME, headers=bearer(staff.token))).json()
    assert me["permissions"] == ["audit.read", "constituents.read"]
    await update_user(staff.user_id, is_active=False)
    assert (await client.get(ME, headers=bearer(staff.token))).status_code == 401


def test_entries_expire_after_the_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = TokenPrincipalCache()
    clock = [100.0]
    monkeypatch.setattr(token_cache.time, "monotonic", lambda: clock[0])
    cache.put("h", PRINCIPAL, None, cache.generation)
    clock[0] += token_cache.TTL_SECONDS - 0.1
    assert cache.get("h") is PRINCIPAL
    clock[0] += 0.1
    assert cache.get("h") is None


def test_a_cached_token_never_outlives_its_expiry() -> None:
    cache = TokenPrincipalCache()
    cache.put("h", PRINCIPAL, datetime.now(UTC) - timedelta(microseconds=1), cache.generation)
    assert cache.get("h") is None


def test_a_lookup_overlapping_a_change_is_not_cached() -> None:
    cache = TokenPrincipalCache()
    started_at = cache.generation
    cache.invalidate()  # a role changed while the token was being read
    cache.put("h", PRINCIPAL, None, started_at)
    assert cache.get("h") is None

"""Login rate limits per email address and per client address (core_login_attempt)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar

from core import db
from core.auth import ratelimit
from core.settings import Settings
from core.testing import TEST_HOST, TEST_PASSWORD, TestUser, base_settings
from tests.core.auth.conftest import LOGIN

LIMIT = 3


@pytest.fixture
def settings(database_url: str) -> Settings:
    """A small limit keeps the tests quick."""
    return base_settings(database_url, login_rate_limit_per_minute=LIMIT)


def client_from(app: Litestar, ip: str) -> httpx.AsyncClient:
    """A client whose requests come from ``ip``."""
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url=f"http://{TEST_HOST}")


async def _attempt(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


async def test_per_email_limit_holds_across_addresses_and_for_the_right_password(
    app: Litestar, staff: TestUser
) -> None:
    for n in range(LIMIT):
        async with client_from(app, f"198.51.100.{n + 1}") as client:
            assert (await _attempt(client, staff.email, "wrong password!")).status_code == 401

    async with client_from(app, "198.51.100.200") as client:
        refused = await _attempt(client, staff.email, TEST_PASSWORD)

    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["status"] == 429
    assert "Try again" in refused.json()["detail"]
    assert "set-cookie" not in refused.headers


async def test_per_ip_limit_holds_across_email_addresses(app: Litestar, staff: TestUser) -> None:
    async with client_from(app, "203.0.113.9") as client:
        for n in range(LIMIT):
            response = await _attempt(client, f"guess{n}@example.org", TEST_PASSWORD)
            assert response.status_code == 401
        refused = await _attempt(client, staff.email, TEST_PASSWORD)
    async with client_from(app, "203.0.113.10") as elsewhere:
        allowed = await _attempt(elsewhere, staff.email, TEST_PASSWORD)

    assert refused.status_code == 429
    assert allowed.status_code == 200


async def test_attempts_are_recorded_under_both_keys(app: Litestar, staff: TestUser) -> None:
    async with client_from(app, "192.0.2.44") as client:
        assert (await _attempt(client, staff.email, TEST_PASSWORD)).status_code == 200

    rows = await db.fetch_all("SELECT key, succeeded FROM core_login_attempt ORDER BY key")
    assert [(r["key"], bool(r["succeeded"])) for r in rows] == [
        (f"login:email:{staff.email}", True),
        ("login:ip:192.0.2.44", True),
    ]


async def test_window_frees_up_after_a_minute(app: Litestar, staff: TestUser) -> None:
    async with client_from(app, "192.0.2.50") as client:
        for _ in range(LIMIT):
            await _attempt(client, staff.email, "wrong password!")
        assert (await _attempt(client, staff.email, TEST_PASSWORD)).status_code == 429

        await db.execute(
            "UPDATE core_login_attempt SET attempted_at = {}",
            datetime.now(UTC) - timedelta(seconds=61),
        )

        assert (await _attempt(client, staff.email, TEST_PASSWORD)).status_code == 200


async def test_refused_attempts_do_not_extend_the_window(registry: object) -> None:
    keys = ["login:email:someone@example.org"]
    for _ in range(2):
        await ratelimit.consume(keys, limit=2)
    for _ in range(5):
        with pytest.raises(ratelimit.RateLimitedError):
            await ratelimit.consume(keys, limit=2)

    count = await db.fetch_value("SELECT COUNT(*) AS n FROM core_login_attempt")
    assert count == 2


async def test_retry_after_counts_down_from_the_oldest_attempt(registry: object) -> None:
    keys = ["magic:email:someone@example.org"]
    await ratelimit.consume(keys, limit=1, window_seconds=600)
    await db.execute(
        "UPDATE core_login_attempt SET attempted_at = {}",
        datetime.now(UTC) - timedelta(seconds=500),
    )

    with pytest.raises(ratelimit.RateLimitedError) as raised:
        await ratelimit.consume(keys, limit=1, window_seconds=600)

    assert 90 <= raised.value.retry_after <= 101


async def test_old_attempts_are_pruned(registry: object) -> None:
    await ratelimit.consume(["login:ip:192.0.2.1"], limit=5)
    await db.execute(
        "UPDATE core_login_attempt SET attempted_at = {}",
        datetime.now(UTC) - ratelimit.RETENTION - timedelta(minutes=1),
    )

    await ratelimit.consume(["login:ip:192.0.2.2"], limit=5)

    keys = [r["key"] for r in await db.fetch_all("SELECT key FROM core_login_attempt")]
    assert keys == ["login:ip:192.0.2.2"]


async def test_concurrent_attempts_cannot_slip_past_the_limit(registry: object) -> None:
    keys = ["login:email:race@example.org", "login:ip:192.0.2.77"]

    async def one() -> bool:
        try:
            await ratelimit.consume(keys, limit=5)
        except ratelimit.RateLimitedError:
            return False
        return True

    results = await asyncio.gather(*(one() for _ in range(20)))

    assert results.count(True) == 5
    count = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_login_attempt WHERE key = {}", keys[0]
    )
    assert count == 5


async def test_invalid_limits_are_programming_errors(registry: object) -> None:
    with pytest.raises(ValueError, match="limit"):
        await ratelimit.consume(["k"], limit=0)
    with pytest.raises(ValueError, match="window"):
        await ratelimit.consume(["k"], limit=1, window_seconds=10 * 86400)

"""Sliding-window rate limits kept in ``core_login_attempt``, shared by every process.

A limited action (a staff login, later a portal magic link) calls :func:`consume` with one key
per dimension it is limited by, for example ``login:email:ann@example.org`` and
``login:ip:192.0.2.7``. Each key allows ``limit`` attempts per ``window_seconds``; when any
key is full, :func:`consume` raises :class:`RateLimitedError` *before* the action runs, so a
correct password does not get through a full window either. Refused attempts are not
recorded, so a window frees up on schedule instead of being extended by hammering.

The check and the insert run in one write transaction: SQLite's ``IMMEDIATE`` transaction
serialises writers already; on PostgreSQL a transaction-scoped advisory lock per key does
the same, so concurrent requests cannot all slip under the limit. Rows older than
:data:`RETENTION` are pruned on every call.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from core import db
from core.clock import as_utc
from core.errors import StewardError

RETENTION = timedelta(days=1)
MAX_KEY_LENGTH = 300  # the width of core_login_attempt.key


class RateLimitedError(StewardError):
    """Too many attempts; ``retry_after`` says how many seconds until one is allowed."""

    status_code = 429
    title = "Too many requests"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"Too many attempts. Try again in {retry_after} seconds.")


def login_keys(email: str, ip: str) -> list[str]:
    """The rate-limit keys of a staff login: one per email address, one per client address."""
    return [f"login:email:{email.lower()}", f"login:ip:{ip or 'unknown'}"]


def _now() -> datetime:
    return datetime.now(UTC)


async def _lock_keys(keys: Sequence[str]) -> None:
    """Serialise concurrent checks of the same keys for the rest of the transaction."""
    if db.is_sqlite():
        return  # the IMMEDIATE transaction already holds SQLite's single write lock
    for key in sorted(set(keys)):  # a fixed order, so two callers cannot deadlock
        await db.execute("SELECT pg_advisory_xact_lock(hashtext({}))", key)


async def _retry_after(key: str, limit: int, since: datetime, window: timedelta) -> int:
    """Seconds until ``key`` has a free slot, or 0 when it has one now."""
    row = await db.fetch_one(
        "SELECT COUNT(*) AS n, MIN(attempted_at) AS oldest FROM core_login_attempt "
        "WHERE key = {} AND attempted_at > {}",
        key,
        since,
    )
    if row is None or int(row["n"] or 0) < limit or row["oldest"] is None:
        return 0
    free_at = as_utc(row["oldest"]) + window
    return max(1, math.ceil((free_at - _now()).total_seconds()))


async def consume(keys: Sequence[str], *, limit: int, window_seconds: int = 60) -> list[int]:
    """Record one attempt under every key, or raise :class:`RateLimitedError` if any is full.

    Returns the ids of the recorded attempts (see :func:`mark_succeeded`).
    """
    if limit < 1 or not 1 <= window_seconds <= RETENTION.total_seconds():
        raise ValueError("limit must be positive and the window at most the retention period")
    keys = [key[:MAX_KEY_LENGTH] for key in keys]
    now = _now()
    window = timedelta(seconds=window_seconds)
    async with db.transaction():
        await _lock_keys(keys)
        await db.execute("DELETE FROM core_login_attempt WHERE attempted_at < {}", now - RETENTION)
        waits = [await _retry_after(key, limit, now - window, window) for key in keys]
        if max(waits, default=0) > 0:
            raise RateLimitedError(max(waits))
        ids = []
        for key in keys:
            row = await db.fetch_one(
                "INSERT INTO core_login_attempt (key, attempted_at, succeeded) "
                "VALUES ({}, {}, {}) RETURNING id",
                key,
                now,
                False,
            )
            assert row is not None
            ids.append(int(row["id"]))
    return ids


async def mark_succeeded(attempt_ids: Sequence[int]) -> None:
    """Flag attempts that succeeded (they still count towards the limit)."""
    for attempt_id in attempt_ids:
        await db.execute(
            "UPDATE core_login_attempt SET succeeded = {} WHERE id = {}", True, attempt_id
        )

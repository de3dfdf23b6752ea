"""The SQL of the job queue, on SQLite and PostgreSQL alike.

Every change to a running job is conditional on still holding its lease: the row must be
``running``, locked by the same worker and on the same attempt. A worker whose lease was
taken over therefore cannot complete, fail or renew the job any more, and a job is never
completed twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from core import db
from core.jobs.records import CLAIMABLE, JobRecord

_HELD = "id = {} AND locked_by = {} AND attempts = {} AND status = 'running'"


def _held_args(job: JobRecord) -> tuple[Any, ...]:
    return (job.id, job.locked_by, job.attempts)


def _placeholders(count: int) -> str:
    return ", ".join(["{}"] * count)


async def fetch_job(job_id: int) -> JobRecord | None:
    """One job by id."""
    row = await db.fetch_one("SELECT * FROM core_job WHERE id = {}", job_id)
    return JobRecord.from_row(row) if row else None


async def insert_job(
    *,
    name: str,
    payload: str,
    run_at: datetime,
    max_attempts: int,
    dedupe_key: str | None,
    now: datetime,
) -> tuple[JobRecord, bool]:
    """Insert a queued job; with a ``dedupe_key`` already used, return that job instead.

    Returns ``(job, created)``. ``ON CONFLICT DO NOTHING`` makes concurrent enqueues with
    the same key safe on both databases.
    """
    async with db.transaction():
        row = await db.fetch_one(
            "INSERT INTO core_job (name, payload, status, attempts, max_attempts, run_at, "
            "locked_by, locked_at, lease_expires_at, last_error, created_at, finished_at, "
            "dedupe_key) VALUES ({}, {}, 'queued', 0, {}, {}, NULL, NULL, NULL, NULL, {}, "
            "NULL, {}) ON CONFLICT (dedupe_key) DO NOTHING RETURNING *",
            name,
            payload,
            max_attempts,
            run_at,
            now,
            dedupe_key,
        )
        if row is not None:
            return JobRecord.from_row(row), True
        existing = await db.fetch_one("SELECT * FROM core_job WHERE dedupe_key = {}", dedupe_key)
    if existing is None:  # pragma: no cover - the conflicting row cannot vanish: jobs are kept
        raise RuntimeError(f"job with dedupe_key {dedupe_key!r} conflicted but is missing")
    return JobRecord.from_row(existing), False


async def has_due_work(names: Sequence[str], now: datetime) -> bool:
    """A read-only look for a due job among ``names`` or an expired lease.

    Idle workers poll with this first, so they only open a write transaction (on SQLite, the
    database-wide ``IMMEDIATE`` lock shared with web requests) when there is work.
    """
    conditions = ["(status = 'running' AND lease_expires_at < {})"]
    args: list[Any] = [now]
    if names:
        conditions.append(
            f"(status IN ({_placeholders(len(CLAIMABLE))}) AND run_at <= {{}} "
            f"AND name IN ({_placeholders(len(names))}))"
        )
        args.extend([*CLAIMABLE, now, *names])
    found = await db.fetch_value(
        f"SELECT id FROM core_job WHERE {' OR '.join(conditions)} LIMIT 1", *args
    )
    return found is not None


async def claim(
    worker_id: str, names: Sequence[str], now: datetime, lease_seconds: float
) -> JobRecord | None:
    """Take the next due job among ``names`` for ``worker_id``, counting an attempt.

    PostgreSQL: one ``UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)`` so
    concurrent workers each get a different row without waiting on each other. SQLite: a
    select-then-update inside an ``IMMEDIATE`` transaction, which serialises writers.
    """
    if not names:
        return None
    lease_until = now + timedelta(seconds=lease_seconds)
    candidates = (
        f"SELECT id FROM core_job WHERE status IN ({_placeholders(len(CLAIMABLE))}) "
        f"AND run_at <= {{}} AND name IN ({_placeholders(len(names))}) "
        "ORDER BY run_at, id LIMIT 1"
    )
    candidate_args = (*CLAIMABLE, now, *names)
    update = (
        "UPDATE core_job SET status = 'running', attempts = attempts + 1, locked_by = {}, "
        "locked_at = {}, lease_expires_at = {} WHERE id = "
    )
    async with db.transaction():
        if db.is_sqlite():
            job_id = await db.fetch_value(candidates, *candidate_args)
            if job_id is None:
                return None
            row = await db.fetch_one(update + "{} RETURNING *", worker_id, now, lease_until, job_id)
        else:
            row = await db.fetch_one(
                update + f"({candidates} FOR UPDATE SKIP LOCKED) RETURNING *",
                worker_id,
                now,
                lease_until,
                *candidate_args,
            )
    return JobRecord.from_row(row) if row else None


async def expire_leases(now: datetime) -> tuple[list[JobRecord], list[JobRecord]]:
    """Take back jobs whose worker stopped renewing its lease (crashed or killed).

    The lost attempt already counted when it was claimed. A job with attempts left becomes
    ``failed`` and due now; one without becomes ``dead``. Returns ``(retrying, dead)``.
    Run inside the caller's transaction.
    """
    message = (
        "'Lease expired: worker ' || COALESCE(locked_by, '?') || "
        "' stopped before finishing this attempt.'"
    )
    dead_rows = await db.fetch_all(
        f"UPDATE core_job SET status = 'dead', last_error = {message}, "
        "lease_expires_at = NULL, finished_at = {} "
        "WHERE status = 'running' AND lease_expires_at < {} AND attempts >= max_attempts "
        "RETURNING *",
        now,
        now,
    )
    retry_rows = await db.fetch_all(
        f"UPDATE core_job SET status = 'failed', last_error = {message}, "
        "lease_expires_at = NULL, run_at = {} "
        "WHERE status = 'running' AND lease_expires_at < {} RETURNING *",
        now,
        now,
    )
    return [JobRecord.from_row(r) for r in retry_rows], [JobRecord.from_row(r) for r in dead_rows]


async def _update_held(job: JobRecord, assignments: str, *args: Any) -> bool:
    async with db.transaction():
        row = await db.fetch_one(
            f"UPDATE core_job SET {assignments} WHERE {_HELD} RETURNING id",
            *args,
            *_held_args(job),
        )
    return row is not None


async def renew_lease(job: JobRecord, until: datetime) -> bool:
    """Extend the lease of a job this worker still holds; False when it was taken over."""
    return await _update_held(job, "lease_expires_at = {}", until)


async def mark_succeeded(job: JobRecord, now: datetime) -> bool:
    """Record success; False when the lease was lost (someone else owns the job now)."""
    return await _update_held(
        job, "status = 'succeeded', lease_expires_at = NULL, finished_at = {}", now
    )


async def mark_failed(job: JobRecord, error: str, retry_at: datetime) -> bool:
    """Record a failed attempt and schedule the next one at ``retry_at``."""
    return await _update_held(
        job,
        "status = 'failed', lease_expires_at = NULL, last_error = {}, run_at = {}",
        error,
        retry_at,
    )


async def mark_dead(job: JobRecord, error: str, now: datetime) -> bool:
    """Record the last failed attempt: no attempts are left."""
    return await _update_held(
        job,
        "status = 'dead', lease_expires_at = NULL, last_error = {}, finished_at = {}",
        error,
        now,
    )

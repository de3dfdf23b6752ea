"""The jobs service: enqueue, claim and run jobs; list, inspect and retry them for staff.

Every function takes an optional ``now`` so that tests (and operators replaying a backlog)
can run the queue on their own clock; it defaults to the current UTC time.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core import audit, db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.jobs import queue, wakeup
from core.jobs.policy import LEASE_SECONDS
from core.jobs.records import RETRYABLE, JobRecord, JobStatus, ScheduleRecord
from core.jobs.specs import MAX_ATTEMPTS_LIMIT, job_specs
from core.plugins.registry import PluginRegistry

logger = logging.getLogger("stewardship.jobs")

MAX_PAYLOAD_BYTES = 64 * 1024
MAX_DEDUPE_KEY_LENGTH = 200
MAX_PER_PAGE = 200
SORTABLE = ("id", "name", "status", "attempts", "run_at", "created_at", "finished_at")


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def _check_instant(field: str, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInputError({field: "must be timezone-aware"})
    return value.astimezone(UTC)


def encode_payload(payload: dict[str, Any] | None) -> str:
    """The payload as JSON text; it must be an object whose keys are keyword names."""
    payload = payload or {}
    if not isinstance(payload, dict) or not all(
        isinstance(key, str) and key.isidentifier() for key in payload
    ):
        raise InvalidInputError({"payload": "must be an object whose keys are identifiers"})
    try:
        text = json.dumps(payload, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError({"payload": f"must be JSON-serialisable: {exc}"}) from exc
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise InvalidInputError({"payload": f"must be at most {MAX_PAYLOAD_BYTES} bytes"})
    return text


async def enqueue(
    name: str,
    payload: dict[str, Any] | None = None,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int | None = None,
    *,
    registry: PluginRegistry | None = None,
    now: datetime | None = None,
) -> JobRecord:
    """Queue a job of a declared ``JobSpec``; its handler gets ``payload`` as keywords.

    Inside a caller's ``unit_of_work`` the job commits (or rolls back) with the caller's
    change. With a ``dedupe_key`` that was used before, nothing is added and the existing
    job is returned, so enqueueing "reminder for pledge 42, March" twice is harmless.
    """
    specs = await job_specs(registry)
    spec = specs.get(name)
    if spec is None:
        raise InvalidInputError({"name": f"no enabled plugin declares a job named {name!r}"})
    if dedupe_key is not None and not 1 <= len(dedupe_key) <= MAX_DEDUPE_KEY_LENGTH:
        raise InvalidInputError({"dedupe_key": f"must be 1..{MAX_DEDUPE_KEY_LENGTH} characters"})
    attempts = spec.max_attempts if max_attempts is None else max_attempts
    if not 1 <= attempts <= MAX_ATTEMPTS_LIMIT:
        raise InvalidInputError({"max_attempts": f"must be 1..{MAX_ATTEMPTS_LIMIT}"})
    current = _check_instant("now", now) if now else utcnow()
    job, created = await queue.insert_job(
        name=name,
        payload=encode_payload(payload),
        run_at=_check_instant("run_at", run_at) if run_at else current,
        max_attempts=attempts,
        dedupe_key=dedupe_key,
        now=current,
    )
    if created:
        wakeup.notify()
    return job


async def claim_next(
    worker_id: str,
    *,
    registry: PluginRegistry | None = None,
    now: datetime | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> JobRecord | None:
    """Take back expired leases, then claim the next due job of an active plugin, if any."""
    current = now or utcnow()
    names = sorted(await job_specs(registry))
    if not await queue.has_due_work(names, current):
        return None
    async with unit_of_work():
        retrying, dead = await queue.expire_leases(current)
        for job in retrying:
            logger.warning(
                "job %s (%s) lost its worker %s; retrying", job.id, job.name, job.locked_by
            )
        for job in dead:
            logger.error(
                "job %s (%s) lost its worker %s; no attempts left", job.id, job.name, job.locked_by
            )
            await emit_failed(job)
        return await queue.claim(worker_id, names, current, lease_seconds)


async def emit_failed(job: JobRecord) -> None:
    """Announce a dead job (``job.failed``); must run inside the transaction that buried it."""
    summary = (job.last_error or "").strip().splitlines()
    await emit(
        "job.failed",
        {
            "job_id": job.id,
            "name": job.name,
            "attempts": job.attempts,
            "error": summary[-1][:500] if summary else "",
        },
    )


async def get_job(job_id: int) -> JobRecord:
    """One job; :class:`NotFoundError` when there is none."""
    job = await queue.fetch_job(job_id)
    if job is None:
        raise NotFoundError(f"no job with id {job_id}")
    return job


@dataclass(frozen=True)
class JobPage:
    """One page of jobs and how many match in all."""

    items: list[JobRecord]
    total: int
    page: int
    per_page: int


async def list_jobs(
    *,
    status: JobStatus | None = None,
    name: str | None = None,
    page: int = 1,
    per_page: int = 50,
    sort: str = "-id",
) -> JobPage:
    """Jobs matching the filters, a page at a time, sorted by an allowed field."""
    field = sort.removeprefix("-")
    if field not in SORTABLE:
        raise InvalidInputError({"sort": f"must be one of {', '.join(SORTABLE)} (or -field)"})
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInputError({"per_page": f"page >= 1 and per_page 1..{MAX_PER_PAGE}"})
    direction = "DESC" if sort.startswith("-") else "ASC"
    conditions, args = ["1 = 1"], []
    if status is not None:
        conditions.append("status = {}")
        args.append(status.value)
    if name is not None:
        conditions.append("name = {}")
        args.append(name)
    where = " AND ".join(conditions)
    total = await db.fetch_value(f"SELECT COUNT(*) AS n FROM core_job WHERE {where}", *args)
    rows = await db.fetch_all(
        f"SELECT * FROM core_job WHERE {where} ORDER BY {field} {direction}, id {direction} "
        "LIMIT {} OFFSET {}",
        *args,
        per_page,
        (page - 1) * per_page,
    )
    return JobPage([JobRecord.from_row(r) for r in rows], int(total or 0), page, per_page)


def _audit_view(job: JobRecord) -> dict[str, Any]:
    return {"status": job.status.value, "attempts": job.attempts, "run_at": job.run_at}


async def retry_job(job_id: int, *, now: datetime | None = None) -> JobRecord:
    """Send a failed or dead job back to the queue with a fresh set of attempts.

    ``last_error`` is kept until the next attempt, so staff still see why it failed.
    """
    current = now or utcnow()
    async with unit_of_work():
        before = await get_job(job_id)
        row = await db.fetch_one(
            "UPDATE core_job SET status = 'queued', attempts = 0, run_at = {}, "
            "lease_expires_at = NULL, finished_at = NULL "
            f"WHERE id = {{}} AND status IN ({', '.join(['{}'] * len(RETRYABLE))}) RETURNING *",
            current,
            job_id,
            *RETRYABLE,
        )
        if row is None:
            raise ConflictError(
                f"job {job_id} is {before.status.value}; only failed or dead jobs can be retried"
            )
        after = JobRecord.from_row(row)
        await audit.record_change(
            "retry", "job", job_id, before=_audit_view(before), after=_audit_view(after)
        )
        await emit("job.retried", {"job_id": job_id, "name": after.name})
    wakeup.notify()
    return after


async def list_schedules() -> list[ScheduleRecord]:
    """Every periodic job's schedule, by name."""
    rows = await db.fetch_all("SELECT * FROM core_job_schedule ORDER BY name")
    return [ScheduleRecord.from_row(r) for r in rows]

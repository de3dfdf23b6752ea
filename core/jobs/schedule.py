"""Periodic jobs: enqueue each ``JobSpec`` with ``every_seconds`` once per period.

``core_job_schedule`` holds each periodic job's next due time. A worker that finds it due
advances it with a compare-and-set (``UPDATE ... WHERE next_run_at = <the value it read>``)
and enqueues the job in the same transaction, so of several racing workers exactly one
enqueues each period, and a crash between the two steps loses nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core import db
from core.jobs import service
from core.jobs.policy import next_period_after
from core.jobs.records import UNFINISHED, JobRecord, ScheduleRecord
from core.jobs.specs import job_specs
from core.plugins.registry import PluginRegistry
from core.plugins.types import JobSpec

logger = logging.getLogger("stewardship.jobs")


async def _ensure_schedule(spec: JobSpec, every: int, now: datetime) -> None:
    # First sight of a periodic job: it is first due one period from now, like an interval
    # trigger, so deploying (or a fresh test database) does not fire every job at once.
    await db.execute(
        "INSERT INTO core_job_schedule (name, every_seconds, next_run_at, last_enqueued_at) "
        "VALUES ({}, {}, {}, NULL) ON CONFLICT (name) DO NOTHING",
        spec.name,
        every,
        now + timedelta(seconds=every),
    )


async def _change_interval(row: ScheduleRecord, every: int, now: datetime) -> ScheduleRecord:
    # The plugin changed every_seconds: never wait longer than one new period.
    next_run_at = min(row.next_run_at, now + timedelta(seconds=every))
    await db.execute(
        "UPDATE core_job_schedule SET every_seconds = {}, next_run_at = {} "
        "WHERE name = {} AND next_run_at = {}",
        every,
        next_run_at,
        row.name,
        row.next_run_at,
    )
    return ScheduleRecord(row.name, every, next_run_at, row.last_enqueued_at)


async def _has_unfinished(name: str) -> bool:
    placeholders = ", ".join(["{}"] * len(UNFINISHED))
    found = await db.fetch_value(
        f"SELECT id FROM core_job WHERE name = {{}} AND status IN ({placeholders}) LIMIT 1",
        name,
        *UNFINISHED,
    )
    return found is not None


async def _fire(
    spec: JobSpec, row: ScheduleRecord, now: datetime, registry: PluginRegistry | None
) -> JobRecord | None:
    """Claim this period for this worker and enqueue it; None if another worker won."""
    following = next_period_after(row.next_run_at, row.every_seconds, now)
    async with db.transaction():
        won = await db.fetch_one(
            "UPDATE core_job_schedule SET next_run_at = {}, last_enqueued_at = {} "
            "WHERE name = {} AND next_run_at = {} RETURNING name",
            following,
            now,
            row.name,
            row.next_run_at,
        )
        if won is None:
            return None
        if await _has_unfinished(spec.name):
            # The previous run is still queued, running or retrying: a periodic job never
            # overlaps itself, so this period is skipped rather than piling up.
            logger.info("periodic job %s skipped: its previous run has not finished", spec.name)
            return None
        return await service.enqueue(
            spec.name,
            {},
            dedupe_key=f"periodic:{spec.name}:{row.next_run_at.isoformat()}",
            registry=registry,
            now=now,
        )


async def schedule_due_periodic(
    *, registry: PluginRegistry | None = None, now: datetime | None = None
) -> list[JobRecord]:
    """Enqueue every periodic job whose period has come; returns the jobs this call added."""
    current = now or service.utcnow()
    periodic = [spec for spec in (await job_specs(registry)).values() if spec.every_seconds]
    if not periodic:
        return []
    rows = {
        r["name"]: ScheduleRecord.from_row(r)
        for r in await db.fetch_all("SELECT * FROM core_job_schedule")
    }
    enqueued = []
    for spec in periodic:
        every = int(spec.every_seconds or 0)
        row = rows.get(spec.name)
        if row is None:
            await _ensure_schedule(spec, every, current)
            continue
        if row.every_seconds != every:
            row = await _change_interval(row, every, current)
        if row.next_run_at <= current:
            job = await _fire(spec, row, current, registry)
            if job is not None:
                enqueued.append(job)
    return enqueued

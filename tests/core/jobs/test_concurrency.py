"""Several workers and several schedulers racing: every job and period happens once.

On PostgreSQL the workers are asyncio tasks on separate pooled connections, so the claims
really are concurrent transactions (``FOR UPDATE SKIP LOCKED``); on SQLite they contend
for the ``IMMEDIATE`` write lock.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from core import db
from core.jobs.execution import run_one
from core.jobs.schedule import schedule_due_periodic
from core.jobs.service import enqueue, list_schedules, utcnow
from core.jobs.worker import run_worker
from core.plugins.registry import PluginRegistry
from tests.core.jobs.conftest import JobsTestPlugin
from tests.core.jobs.helpers import count_jobs, eventually


async def _drain(worker_id: str) -> int:
    ran = 0
    while await run_one(worker_id) is not None:
        ran += 1
    return ran


async def test_concurrent_workers_run_each_job_exactly_once(plugin: JobsTestPlugin) -> None:
    ids = [(await enqueue("jobstest.record", {"n": n})).id for n in range(40)]

    per_worker = await asyncio.gather(*(_drain(f"worker-{w}") for w in range(5)))

    assert sum(per_worker) == 40
    assert sorted(plugin.runs) == sorted(ids)  # each job once, none twice
    assert plugin.overlaps == []
    assert await count_jobs(status="succeeded") == 40
    attempts = await db.fetch_value("SELECT MAX(attempts) AS m FROM core_job")
    assert attempts == 1
    if not db.is_sqlite():
        # Real concurrency on PostgreSQL: several workers had jobs in flight at once.
        assert sum(1 for ran in per_worker if ran) >= 2
        assert plugin.peak_in_flight >= 2


async def test_run_worker_with_several_runners_runs_each_job_once(
    plugin: JobsTestPlugin, registry: PluginRegistry
) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_worker(registry, "pool", stop, poll_interval=0.05, concurrency=4)
    )
    ids = [(await enqueue("jobstest.record", {"n": n})).id for n in range(30)]

    async def all_done() -> bool:
        return await count_jobs(status="succeeded") == 30

    await eventually(all_done, what="30 jobs to succeed")
    stop.set()
    await asyncio.wait_for(worker, 30)

    assert sorted(plugin.runs) == sorted(ids)
    assert plugin.overlaps == []
    workers = await db.fetch_all("SELECT DISTINCT locked_by FROM core_job")
    assert {row["locked_by"] for row in workers} <= {f"pool/{slot}" for slot in range(4)}


async def _race(offset: timedelta, start: datetime, schedulers: int = 6) -> int:
    """Several schedulers at once at ``start + offset``; how many jobs they added in all."""
    results = await asyncio.gather(
        *(schedule_due_periodic(now=start + offset) for _ in range(schedulers))
    )
    return sum(len(added) for added in results)


async def test_periodic_jobs_are_enqueued_once_per_period_by_racing_schedulers(
    plugin: JobsTestPlugin,
) -> None:
    start = utcnow()
    # First sight: the schedule is created, first due one period (60 s) later.
    assert await _race(timedelta(0), start) == 0
    [schedule] = await list_schedules()
    assert schedule.name == "jobstest.tick"
    assert schedule.next_run_at == start + timedelta(seconds=60)
    assert await _race(timedelta(seconds=59), start) == 0

    assert await _race(timedelta(seconds=61), start) == 1
    assert await count_jobs(name="jobstest.tick") == 1
    assert await run_one("w", now=start + timedelta(seconds=61)) is not None

    assert await _race(timedelta(seconds=62), start) == 0  # same period: nothing more
    assert await _race(timedelta(seconds=121), start) == 1  # the next period
    assert await count_jobs(name="jobstest.tick") == 2
    assert await run_one("w", now=start + timedelta(seconds=121)) is not None

    # A worker was down for ten periods: one run, and the schedule is back on its grid.
    assert await _race(timedelta(minutes=12, seconds=1), start) == 1
    [schedule] = await list_schedules()
    assert schedule.next_run_at == start + timedelta(minutes=13)
    assert schedule.last_enqueued_at == start + timedelta(minutes=12, seconds=1)
    assert await count_jobs(name="jobstest.tick") == 3
    assert len(plugin.runs) == 2


async def test_a_periodic_job_does_not_overlap_its_unfinished_run(
    plugin: JobsTestPlugin,
) -> None:
    start = utcnow()
    await schedule_due_periodic(now=start)
    assert await _race(timedelta(seconds=61), start) == 1

    # The first run has not happened yet: the next period is skipped, not piled up.
    assert await _race(timedelta(seconds=121), start) == 0
    assert await count_jobs(name="jobstest.tick") == 1
    [schedule] = await list_schedules()
    assert schedule.next_run_at == start + timedelta(seconds=180)

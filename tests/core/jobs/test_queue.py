"""Enqueue, claim, run, retry, dedupe and lease recovery, on the real database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from core import db, hookimpl
from core.errors import InvalidInputError
from core.jobs import queue
from core.jobs.execution import run_one
from core.jobs.policy import LEASE_SECONDS
from core.jobs.records import JobStatus
from core.jobs.service import claim_next, enqueue, get_job, utcnow
from core.jobs.specs import JobSpecError, job_specs
from core.plugins.manifest import PluginInfo
from core.plugins.registry import PluginRegistry
from core.plugins.state import set_plugin_enabled
from core.plugins.types import JobSpec
from tests.core.jobs.conftest import JobsTestPlugin
from tests.core.jobs.helpers import count_jobs, eventually, job_row


async def test_enqueued_job_runs_once_as_the_job_actor(plugin: JobsTestPlugin) -> None:
    job = await enqueue("jobstest.record", {"pledge_id": 42, "note": "March"})
    assert job.status is JobStatus.QUEUED
    assert job.attempts == 0

    outcome = await run_one("worker-a")

    assert outcome is not None
    assert outcome.outcome == "succeeded"
    assert plugin.runs == [job.id]
    assert plugin.payloads == [{"pledge_id": 42, "note": "March"}]
    actor = plugin.actors[0]
    assert (actor.kind, actor.id, actor.label) == ("job", job.id, "jobstest.record")
    stored = await get_job(job.id)
    assert stored.status is JobStatus.SUCCEEDED
    assert stored.attempts == 1
    assert stored.locked_by == "worker-a"
    assert stored.finished_at is not None
    assert stored.finished_at.tzinfo is not None
    assert stored.lease_expires_at is None
    assert await run_one("worker-a") is None
    assert plugin.runs == [job.id]


async def test_enqueue_validates_name_payload_and_options(plugin: JobsTestPlugin) -> None:
    with pytest.raises(InvalidInputError, match="no enabled plugin declares"):
        await enqueue("jobstest.nonesuch")
    with pytest.raises(InvalidInputError, match="identifiers"):
        await enqueue("jobstest.record", {"not-a-keyword": 1})
    with pytest.raises(InvalidInputError, match="JSON"):
        await enqueue("jobstest.record", {"when": datetime.now(UTC)})
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        await enqueue("jobstest.record", run_at=datetime(2030, 1, 1))
    with pytest.raises(InvalidInputError, match="max_attempts"):
        await enqueue("jobstest.record", max_attempts=0)
    with pytest.raises(InvalidInputError, match="dedupe_key"):
        await enqueue("jobstest.record", dedupe_key="x" * 201)
    assert await count_jobs() == 0


async def test_a_job_waits_for_its_run_at(plugin: JobsTestPlugin) -> None:
    now = utcnow()
    job = await enqueue("jobstest.record", run_at=now + timedelta(hours=1), now=now)

    assert await run_one("w", now=now) is None
    outcome = await run_one("w", now=now + timedelta(hours=1))

    assert outcome is not None
    assert outcome.job.id == job.id
    assert plugin.runs == [job.id]


async def test_dedupe_key_makes_enqueue_idempotent(plugin: JobsTestPlugin) -> None:
    first = await enqueue("jobstest.record", {"n": 1}, dedupe_key="receipt:gift:7")
    again = await enqueue("jobstest.record", {"n": 2}, dedupe_key="receipt:gift:7")
    other = await enqueue("jobstest.record", {"n": 3}, dedupe_key="receipt:gift:8")
    racing = await asyncio.gather(
        *(enqueue("jobstest.record", {"n": 4}, dedupe_key="receipt:gift:9") for _ in range(6))
    )

    assert again.id == first.id
    assert again.payload == {"n": 1}
    assert other.id != first.id
    assert len({job.id for job in racing}) == 1
    assert await count_jobs() == 3

    while await run_one("w") is not None:
        pass
    after_run = await enqueue("jobstest.record", {"n": 5}, dedupe_key="receipt:gift:7")
    assert after_run.id == first.id
    assert after_run.status is JobStatus.SUCCEEDED
    assert await run_one("w") is None
    assert sorted(plugin.runs) == sorted({first.id, other.id, racing[0].id})


async def test_failures_retry_with_backoff_then_the_job_is_dead(plugin: JobsTestPlugin) -> None:
    start = utcnow()
    job = await enqueue("jobstest.fail", {"batch": 1}, now=start)
    assert job.max_attempts == 3

    first = await run_one("w", now=start)
    assert first is not None
    assert first.outcome == "failed"
    assert first.retry_at is not None
    # Attempt 1 failed: the delay is 5 * 2**1 = 10 s with equal jitter, so 5..10 s.
    assert timedelta(seconds=5) <= first.retry_at - start <= timedelta(seconds=12)
    stored = await get_job(job.id)
    assert stored.status is JobStatus.FAILED
    assert stored.attempts == 1
    assert stored.run_at == first.retry_at
    assert "RuntimeError: the printer is on fire" in (stored.last_error or "")
    assert await run_one("w", now=start) is None  # not due before the backoff

    second = await run_one("w", now=first.retry_at)
    assert second is not None
    assert second.outcome == "failed"
    assert second.retry_at is not None
    assert timedelta(seconds=10) <= second.retry_at - first.retry_at <= timedelta(seconds=22)

    third = await run_one("w", now=second.retry_at)
    assert third is not None
    assert third.outcome == "dead"
    dead = await get_job(job.id)
    assert dead.status is JobStatus.DEAD
    assert dead.attempts == 3
    assert dead.finished_at is not None
    assert "the printer is on fire" in (dead.last_error or "")
    assert await run_one("w", now=start + timedelta(days=365)) is None
    [event] = plugin.events_named("job.failed")
    assert event.payload == {
        "job_id": job.id,
        "name": "jobstest.fail",
        "attempts": 3,
        "error": "RuntimeError: the printer is on fire",
    }
    assert plugin.runs == []


async def test_a_crashed_workers_job_is_run_again_after_its_lease(
    plugin: JobsTestPlugin,
) -> None:
    now = utcnow()
    job = await enqueue("jobstest.record", now=now)
    claimed = await claim_next("crashed-worker", now=now)  # claimed, then the worker dies
    assert claimed is not None
    assert claimed.id == job.id
    assert claimed.status is JobStatus.RUNNING
    assert claimed.lease_expires_at == now + timedelta(seconds=LEASE_SECONDS)

    # While the lease holds, nobody else may take the job.
    assert await run_one("rescuer", now=now + timedelta(seconds=LEASE_SECONDS - 1)) is None
    assert plugin.runs == []

    later = now + timedelta(seconds=LEASE_SECONDS + 1)
    outcome = await run_one("rescuer", now=later)

    assert outcome is not None
    assert outcome.outcome == "succeeded"
    assert plugin.runs == [job.id]
    stored = await get_job(job.id)
    assert stored.status is JobStatus.SUCCEEDED
    assert stored.attempts == 2  # the lost attempt counted
    assert stored.locked_by == "rescuer"
    assert "Lease expired: worker crashed-worker" in (stored.last_error or "")
    # The crashed worker coming back cannot complete or renew what it lost.
    assert not await queue.mark_succeeded(claimed, later)
    assert not await queue.renew_lease(claimed, later + timedelta(minutes=5))
    assert await run_one("rescuer", now=later + timedelta(hours=1)) is None
    assert plugin.runs == [job.id]


async def test_an_expired_lease_without_attempts_left_is_dead(plugin: JobsTestPlugin) -> None:
    now = utcnow()
    job = await enqueue("jobstest.record", max_attempts=1, now=now)
    assert await claim_next("crashed-worker", now=now) is not None

    assert await run_one("rescuer", now=now + timedelta(seconds=LEASE_SECONDS + 1)) is None

    stored = await get_job(job.id)
    assert stored.status is JobStatus.DEAD
    assert "Lease expired" in (stored.last_error or "")
    assert [e.payload["job_id"] for e in plugin.events_named("job.failed")] == [job.id]
    assert plugin.runs == []


async def test_completion_needs_the_lease_so_a_job_is_never_done_twice(
    plugin: JobsTestPlugin,
) -> None:
    now = utcnow()
    await enqueue("jobstest.record", now=now)
    stale = await claim_next("stalled", now=now)
    later = now + timedelta(seconds=LEASE_SECONDS + 1)
    current = await claim_next("healthy", now=later)
    assert stale is not None
    assert current is not None
    assert current.id == stale.id

    assert not await queue.mark_succeeded(stale, later)
    assert not await queue.mark_failed(stale, "late", later)
    assert not await queue.mark_dead(stale, "late", later)
    assert await queue.mark_succeeded(current, later)
    assert not await queue.mark_succeeded(current, later)  # already done
    row = await job_row(current.id)
    assert row["status"] == "succeeded"
    assert row["locked_by"] == "healthy"


async def test_the_heartbeat_keeps_a_long_job_leased(plugin: JobsTestPlugin) -> None:
    job = await enqueue("jobstest.slow")
    running = asyncio.create_task(run_one("long-runner", lease_seconds=1.5))
    await asyncio.wait_for(plugin.started.wait(), 30)
    first_lease = (await get_job(job.id)).lease_expires_at
    assert first_lease is not None

    async def renewed() -> bool:
        lease = (await get_job(job.id)).lease_expires_at
        return lease is not None and lease > first_lease

    await eventually(renewed, what="a lease renewal")
    assert await run_one("other") is None  # the job is held: nobody else runs it
    plugin.gate.set()
    outcome = await asyncio.wait_for(running, 30)

    assert outcome is not None
    assert outcome.outcome == "succeeded"
    assert plugin.runs == [job.id]
    assert (await get_job(job.id)).attempts == 1


async def test_a_worker_that_lost_its_lease_stops_the_handler(plugin: JobsTestPlugin) -> None:
    job = await enqueue("jobstest.slow")
    running = asyncio.create_task(run_one("stalled", lease_seconds=0.6))
    await asyncio.wait_for(plugin.started.wait(), 30)
    # Another worker took the job over (as after an expired lease).
    await db.execute("UPDATE core_job SET locked_by = {} WHERE id = {}", "rescuer", job.id)

    outcome = await asyncio.wait_for(running, 30)

    assert outcome is not None
    assert outcome.outcome == "lost"
    assert plugin.cancelled == [job.id]
    assert plugin.runs == []
    row = await job_row(job.id)
    assert (row["status"], row["locked_by"]) == ("running", "rescuer")


async def test_jobs_of_a_switched_off_plugin_wait(
    plugin: JobsTestPlugin, registry: PluginRegistry
) -> None:
    job = await enqueue("jobstest.record")
    await set_plugin_enabled("jobstest", False)
    registry.state.invalidate()

    assert await run_one("w") is None
    with pytest.raises(InvalidInputError):
        await enqueue("jobstest.record")

    await set_plugin_enabled("jobstest", True)
    registry.state.invalidate()
    outcome = await run_one("w")
    assert outcome is not None
    assert outcome.job.id == job.id
    assert plugin.runs == [job.id]


async def _noop() -> None:
    return None


class _Copycat:
    """A second plugin declaring a job name the test plugin already uses."""

    @hookimpl
    def steward_jobs(self) -> list[JobSpec]:
        """One clashing job."""
        return [JobSpec("jobstest.record", _noop)]


async def test_a_job_name_declared_twice_is_an_error(
    plugin: JobsTestPlugin, registry: PluginRegistry
) -> None:
    registry.add_plugin(
        PluginInfo(name="copycat", version="0.0.0", label="Copycat", hooks=__name__), _Copycat()
    )
    with pytest.raises(JobSpecError, match="declared by both 'jobstest' and 'copycat'"):
        await job_specs(registry)

"""Running one claimed job: the handler as the ``job`` actor, a lease heartbeat, the outcome.

A job is marked done only while its worker still holds the lease (see ``core.jobs.queue``).
While the handler runs, a heartbeat renews the lease; if the renewal finds the lease taken
over (this worker stalled past it), the handler is cancelled so that two workers never run
the same job at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
import traceback
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from core.context import Actor, acting_as
from core.events import unit_of_work
from core.jobs import queue
from core.jobs.policy import LEASE_SECONDS, MAX_ERROR_LENGTH, backoff_seconds, heartbeat_interval
from core.jobs.records import JobRecord
from core.jobs.service import claim_next, emit_failed, utcnow
from core.jobs.specs import job_specs
from core.plugins.registry import PluginRegistry
from core.plugins.types import JobSpec

logger = logging.getLogger("stewardship.jobs")

Outcome = Literal["succeeded", "failed", "dead", "lost"]
INTERRUPTED = "Interrupted: the worker shut down during this attempt."


@dataclass(frozen=True)
class RunOutcome:
    """What became of one claimed job: ``failed`` means a retry is scheduled."""

    job: JobRecord
    outcome: Outcome
    error: str | None = None
    retry_at: datetime | None = None


class _Clock:
    """The caller's ``now`` moved forward by real elapsed time."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.started = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started)


def describe_error(exc: BaseException) -> str:
    """The traceback's tail: what staff see as ``last_error``."""
    text = "".join(traceback.format_exception(exc)).strip()
    return text[-MAX_ERROR_LENGTH:]


async def _call_handler(spec: JobSpec, job: JobRecord) -> None:
    result = spec.handler(**job.payload)
    if inspect.isawaitable(result):
        await result


async def bury(job: JobRecord, error: str, now: datetime) -> bool:
    """Mark a job dead and announce it (``job.failed``) once that commits."""
    async with unit_of_work():
        buried = await queue.mark_dead(job, error, now)
        if buried:
            await emit_failed(replace(job, last_error=error))
    return buried


async def _give_back(job: JobRecord, error: str, now: datetime) -> bool:
    if job.attempts >= job.max_attempts:
        return await bury(job, error, now)
    return await queue.mark_failed(job, error, now)


class _Heartbeat:
    """Renews a job's lease while its handler runs; cancels the handler if the lease is lost."""

    def __init__(self, job: JobRecord, clock: _Clock, lease_seconds: float) -> None:
        self.job = job
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.lost = False

    async def run(self, handler: asyncio.Task[None]) -> None:
        interval = heartbeat_interval(self.lease_seconds)
        while not handler.done():
            await asyncio.sleep(interval)
            until = self.clock() + timedelta(seconds=self.lease_seconds)
            try:
                held = await queue.renew_lease(self.job, until)
            except Exception:  # a database hiccup: try again before the lease runs out
                logger.exception("could not renew the lease of job %s", self.job.id)
                continue
            if not held:
                self.lost = True
                handler.cancel()
                return


async def execute(job: JobRecord, spec: JobSpec, clock: _Clock, lease_seconds: float) -> RunOutcome:
    """Run a claimed job's handler and record the outcome (conditional on the lease)."""
    with acting_as(Actor(kind="job", id=job.id, label=job.name)):
        handler = asyncio.create_task(_call_handler(spec, job), name=f"job-{job.id}")
    heartbeat = _Heartbeat(job, clock, lease_seconds)
    beating = asyncio.create_task(heartbeat.run(handler), name=f"job-{job.id}-lease")
    try:
        await asyncio.wait({handler})
    except asyncio.CancelledError:
        # The worker is stopping: stop the handler and hand the job back (the attempt counts).
        handler.cancel()
        await asyncio.wait({handler})
        try:
            await _give_back(job, INTERRUPTED, clock())
        except Exception:  # the lease expiring hands it back anyway
            logger.exception("could not hand job %s back on shutdown", job.id)
        raise
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
    return await _record(job, handler, heartbeat.lost, clock())


async def _record(
    job: JobRecord, handler: asyncio.Task[None], lost: bool, now: datetime
) -> RunOutcome:
    if lost:
        logger.warning("job %s (%s): lease lost; another worker owns it now", job.id, job.name)
        return RunOutcome(job, "lost")
    if handler.cancelled():
        error = "The handler was cancelled."
    else:
        exc = handler.exception()
        if exc is None:
            done = await queue.mark_succeeded(job, now)
            return RunOutcome(job, "succeeded" if done else "lost")
        error = describe_error(exc)
    if job.attempts >= job.max_attempts:
        logger.error("job %s (%s) is dead after %s attempts", job.id, job.name, job.attempts)
        return RunOutcome(job, "dead" if await bury(job, error, now) else "lost", error)
    retry_at = now + timedelta(seconds=backoff_seconds(job.attempts))
    logger.warning("job %s (%s) failed; retrying at %s", job.id, job.name, retry_at.isoformat())
    recorded = await queue.mark_failed(job, error, retry_at)
    return RunOutcome(job, "failed" if recorded else "lost", error, retry_at)


async def run_one(
    worker_id: str,
    *,
    registry: PluginRegistry | None = None,
    now: datetime | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> RunOutcome | None:
    """Claim the next due job and run it; None when nothing is due."""
    clock = _Clock(now or utcnow())
    specs = await job_specs(registry)
    job = await claim_next(worker_id, registry=registry, now=clock(), lease_seconds=lease_seconds)
    if job is None:
        return None
    spec = specs.get(job.name)
    if spec is None:  # its plugin was switched off between the two reads: hand it back
        error = "The job's plugin is not enabled."
        await _give_back(job, error, clock())
        return RunOutcome(job, "failed", error, clock())
    return await execute(job, spec, clock, lease_seconds)

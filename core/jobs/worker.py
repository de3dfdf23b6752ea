"""The worker loop: schedule periodic jobs and run due ones until asked to stop.

Used by ``steward worker`` (one process per host, several on PostgreSQL) and by the web
application's embedded worker on SQLite. Stopping is graceful: ``stop_event`` lets each
runner finish its current job; cancelling the loop hands running jobs back instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket

from core.jobs import wakeup
from core.jobs.execution import run_one
from core.jobs.policy import LEASE_SECONDS
from core.jobs.schedule import schedule_due_periodic
from core.plugins.registry import PluginRegistry

logger = logging.getLogger("stewardship.jobs")

DEFAULT_POLL_SECONDS = 1.0


def new_worker_id() -> str:
    """Host, process and a random suffix: unique even when a process id is reused."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


async def _sleep_until(stop: asyncio.Event, wake: asyncio.Event | None, seconds: float) -> None:
    """Return when ``stop`` (or ``wake``) is set, or after ``seconds``."""
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        for waiter in waiters:
            with contextlib.suppress(asyncio.CancelledError):
                await waiter


async def _runner(
    registry: PluginRegistry,
    worker_id: str,
    stop: asyncio.Event,
    poll_interval: float,
    lease_seconds: float,
) -> None:
    wake = wakeup.subscribe()
    try:
        while not stop.is_set():
            wake.clear()  # before looking, so an enqueue during the look is not missed
            try:
                outcome = await run_one(worker_id, registry=registry, lease_seconds=lease_seconds)
            except Exception:
                logger.exception("worker %s could not claim or record a job", worker_id)
                outcome = None
            if outcome is None:
                await _sleep_until(stop, wake, poll_interval)
    finally:
        wakeup.unsubscribe(wake)


async def _scheduler(registry: PluginRegistry, stop: asyncio.Event, poll_interval: float) -> None:
    while not stop.is_set():
        try:
            await schedule_due_periodic(registry=registry)
        except Exception:
            logger.exception("could not schedule periodic jobs")
        await _sleep_until(stop, None, poll_interval)


async def run_worker(
    registry: PluginRegistry,
    worker_id: str,
    stop_event: asyncio.Event,
    poll_interval: float = DEFAULT_POLL_SECONDS,
    *,
    concurrency: int = 1,
    lease_seconds: float = LEASE_SECONDS,
) -> None:
    """Run jobs with ``concurrency`` runners and a periodic scheduler until ``stop_event``.

    Errors (a database restart, say) are logged and retried after ``poll_interval``; a job
    handler's exception is the job's failure, never the worker's.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    logger.info("worker %s started with %s runner(s)", worker_id, concurrency)
    async with asyncio.TaskGroup() as group:
        group.create_task(_scheduler(registry, stop_event, poll_interval))
        for slot in range(concurrency):
            runner_id = worker_id if concurrency == 1 else f"{worker_id}/{slot}"
            group.create_task(
                _runner(registry, runner_id, stop_event, poll_interval, lease_seconds)
            )
    logger.info("worker %s stopped", worker_id)

"""The worker inside the web process: on by default on SQLite (one process owns the file).

Started by the jobs plugin's ``steward_startup`` and stopped by its ``steward_shutdown``;
``steward worker`` marks its own process as a dedicated worker so that it does not start a
second loop through the same hooks.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from core.jobs.worker import new_worker_id, run_worker
from core.plugins.registry import PluginRegistry, current_registry
from core.settings import Settings

logger = logging.getLogger("stewardship.jobs")

EMBEDDED_POLL_SECONDS = 1.0
STOP_GRACE_SECONDS = 10.0


@dataclass
class _Running:
    task: asyncio.Task[None]
    stop: asyncio.Event
    worker_id: str


_running: _Running | None = None
_dedicated_process = False


def mark_dedicated_worker() -> None:
    """This process is ``steward worker``: never start an embedded loop in it."""
    global _dedicated_process
    _dedicated_process = True


def wanted(settings: Settings) -> bool:
    """Whether the web process should run jobs itself (the setting, else SQLite)."""
    if _dedicated_process:
        return False
    if settings.jobs_embedded_worker is not None:
        return settings.jobs_embedded_worker
    return settings.is_sqlite


def running_worker_id() -> str | None:
    """The embedded worker's id while it runs."""
    return _running.worker_id if _running else None


async def start(
    settings: Settings,
    registry: PluginRegistry | None = None,
    poll_interval: float = EMBEDDED_POLL_SECONDS,
) -> bool:
    """Start the embedded worker if the settings want one; True when it was started."""
    global _running
    if not wanted(settings) or _running is not None:
        return False
    stop = asyncio.Event()
    worker_id = f"{new_worker_id()}:web"
    task = asyncio.create_task(
        run_worker(registry or current_registry(), worker_id, stop, poll_interval),
        name="steward-embedded-worker",
    )
    _running = _Running(task, stop, worker_id)
    return True


async def stop(grace_seconds: float = STOP_GRACE_SECONDS) -> None:
    """Ask the embedded worker to finish its current job; cancel it after the grace time."""
    global _running
    running, _running = _running, None
    if running is None:
        return
    running.stop.set()
    done, _ = await asyncio.wait({running.task}, timeout=grace_seconds)
    if not done:
        running.task.cancel()
        await asyncio.wait({running.task})
    if not running.task.cancelled() and running.task.exception() is not None:
        logger.error("the embedded worker failed", exc_info=running.task.exception())

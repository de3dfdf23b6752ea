"""Fixtures for the jobs tests: a test plugin declaring jobs, and no embedded worker.

The queue is driven explicitly (``run_one``, ``run_worker``) so that every assertion is
deterministic; the embedded-mode test turns the embedded worker on for itself.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core import db, hookimpl
from core.context import Actor, current_actor
from core.plugins.manifest import PluginInfo
from core.plugins.registry import PluginRegistry
from core.plugins.types import DomainEvent, JobSpec
from core.settings import Settings
from core.testing import base_settings

PLUGIN_NAME = "jobstest"


class JobsTestPlugin:
    """Declares a few jobs and records what they did, for the assertions."""

    def __init__(self) -> None:
        self.runs: list[int] = []  # job ids, one entry per completed handler call
        self.payloads: list[dict[str, Any]] = []
        self.actors: list[Actor] = []
        self.events: list[DomainEvent] = []
        self.failing = True
        self.in_flight: set[int] = set()
        self.overlaps: list[int] = []
        self.peak_in_flight = 0
        self.gate = asyncio.Event()
        self.started = asyncio.Event()
        self.cancelled: list[int] = []

    @hookimpl
    def steward_jobs(self) -> list[JobSpec]:
        """The jobs the tests enqueue."""
        return [
            JobSpec("jobstest.record", self.record, description="Records that it ran"),
            JobSpec("jobstest.fail", self.fail, max_attempts=3),
            JobSpec("jobstest.slow", self.slow),
            JobSpec("jobstest.tick", self.record, every_seconds=60),
        ]

    @hookimpl
    def steward_on_event(self, event: DomainEvent) -> None:
        """Collect committed domain events."""
        self.events.append(event)

    def events_named(self, name: str) -> list[DomainEvent]:
        """The collected events with this name."""
        return [e for e in self.events if e.name == name]

    async def record(self, **payload: Any) -> None:
        """Records the run; awaits the database so concurrent runs really interleave."""
        actor = current_actor()
        job_id = int(actor.id or 0)
        if job_id in self.in_flight:
            self.overlaps.append(job_id)
        self.in_flight.add(job_id)
        self.peak_in_flight = max(self.peak_in_flight, len(self.in_flight))
        try:
            await db.fetch_value("SELECT 1 AS one")
        finally:
            self.in_flight.discard(job_id)
        self.runs.append(job_id)
        self.payloads.append(payload)
        self.actors.append(actor)

    async def fail(self, **payload: Any) -> None:
        """Fails while ``failing`` is set."""
        if self.failing:
            raise RuntimeError("the printer is on fire")
        await self.record(**payload)

    async def slow(self) -> None:
        """Runs until ``gate`` is set; notes a cancellation."""
        job_id = int(current_actor().id or 0)
        self.started.set()
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled.append(job_id)
            raise
        self.runs.append(job_id)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Test settings without the embedded worker."""
    # Core only: the first-party plugins' scheduled jobs would join the schedules under test.
    return base_settings(database_url, jobs_embedded_worker=False, plugins=[])


@pytest.fixture
def plugin(registry: PluginRegistry) -> JobsTestPlugin:
    """The test plugin, registered as an enabled (and switchable) plugin."""
    hooks = JobsTestPlugin()
    registry.add_plugin(
        PluginInfo(name=PLUGIN_NAME, version="0.0.0", label="Jobs test plugin", hooks=__name__),
        hooks,
    )
    return hooks

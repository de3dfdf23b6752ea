"""The embedded worker: started with the web app (by default on SQLite) and stopped with it."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from litestar import Litestar

from core.app import create_app
from core.jobs import embedded
from core.jobs.records import JobStatus
from core.jobs.service import enqueue, get_job
from core.plugins.registry import PluginRegistry
from core.settings import Settings
from core.testing import base_settings
from tests.core.jobs.conftest import JobsTestPlugin
from tests.core.jobs.helpers import eventually


@pytest.fixture
def settings(database_url: str) -> Settings:
    """This module's app runs the embedded worker, on either database."""
    return base_settings(database_url, jobs_embedded_worker=True)


async def _lifespan(application: Litestar, phase: str) -> None:
    for hook in getattr(application, phase):
        result: Any = hook(application) if inspect.signature(hook).parameters else hook()
        if inspect.isawaitable(result):
            await result


async def test_the_web_app_runs_jobs_in_process_and_stops_its_worker(
    plugin: JobsTestPlugin, registry: PluginRegistry
) -> None:
    application = create_app(registry=registry)
    await _lifespan(application, "on_startup")
    try:
        worker_id = embedded.running_worker_id()
        assert worker_id is not None
        assert worker_id.endswith(":web")
        job = await enqueue("jobstest.record", {"n": 1})

        async def ran() -> bool:
            return (await get_job(job.id)).status is JobStatus.SUCCEEDED

        await eventually(ran, what="the embedded worker to run the job")
        assert (await get_job(job.id)).locked_by == worker_id
    finally:
        await _lifespan(application, "on_shutdown")
    assert embedded.running_worker_id() is None
    assert plugin.runs == [job.id]


@pytest.mark.parametrize(
    ("url", "setting", "expected"),
    [
        ("sqlite:///var/steward.db", None, True),
        ("postgresql://steward@db/steward", None, False),
        ("postgresql://steward@db/steward", True, True),
        ("sqlite:///var/steward.db", False, False),
    ],
)
def test_embedded_mode_follows_the_database_unless_the_setting_says(
    url: str, setting: bool | None, expected: bool
) -> None:
    assert embedded.wanted(base_settings(url, jobs_embedded_worker=setting)) is expected

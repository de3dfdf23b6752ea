"""The worker loop, the embedded worker of the web app, and ``steward worker``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from core.jobs.execution import INTERRUPTED, run_one
from core.jobs.records import JobStatus
from core.jobs.service import enqueue, get_job
from core.jobs.worker import run_worker
from core.plugins.registry import PluginRegistry
from tests.core.jobs.conftest import JobsTestPlugin
from tests.core.jobs.helpers import eventually


async def test_the_worker_loop_runs_jobs_and_stops_cleanly(
    plugin: JobsTestPlugin, registry: PluginRegistry
) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(registry, "loop", stop, poll_interval=0.05))
    job = await enqueue("jobstest.record", {"n": 1})

    async def ran() -> bool:
        return (await get_job(job.id)).status is JobStatus.SUCCEEDED

    await eventually(ran, what="the job to succeed")
    stop.set()
    await asyncio.wait_for(worker, 30)

    assert worker.done()
    assert worker.exception() is None
    assert plugin.runs == [job.id]


async def test_stopping_lets_the_running_job_finish(
    plugin: JobsTestPlugin, registry: PluginRegistry
) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(registry, "graceful", stop, poll_interval=0.05))
    job = await enqueue("jobstest.slow")
    await asyncio.wait_for(plugin.started.wait(), 30)

    stop.set()  # asked to stop mid-job: the job still completes
    plugin.gate.set()
    await asyncio.wait_for(worker, 30)

    stored = await get_job(job.id)
    assert stored.status is JobStatus.SUCCEEDED
    assert plugin.runs == [job.id]
    assert plugin.cancelled == []


async def test_cancelling_the_worker_hands_the_running_job_back(
    plugin: JobsTestPlugin, registry: PluginRegistry
) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(registry, "killed", stop, poll_interval=0.05))
    job = await enqueue("jobstest.slow")
    await asyncio.wait_for(plugin.started.wait(), 30)

    worker.cancel()
    await asyncio.wait({worker})

    assert worker.cancelled()
    assert plugin.cancelled == [job.id]
    stored = await get_job(job.id)
    assert stored.status is JobStatus.FAILED
    assert stored.last_error == INTERRUPTED
    assert stored.attempts == 1
    assert stored.lease_expires_at is None
    plugin.gate.set()
    outcome = await run_one("next-worker")
    assert outcome is not None
    assert outcome.outcome == "succeeded"
    assert plugin.runs == [job.id]


def _worker_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update(
        STEWARD_DATABASE_URL=database_url,
        STEWARD_SECRET_KEY="test-secret-key-that-is-long-enough-0123456789",
        STEWARD_CONFIG=os.devnull,
    )
    return env


@pytest.mark.parametrize(
    "signum",
    [pytest.param(signal.SIGTERM, id="SIGTERM"), pytest.param(signal.SIGINT, id="SIGINT")],
)
async def test_steward_worker_shuts_down_gracefully_on_a_signal(
    registry: PluginRegistry, database_url: str, tmp_path: Path, signum: int
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from core.cli import main; main()",
        "worker",
        "--concurrency",
        "2",
        "--poll-interval",
        "0.1",
        cwd=tmp_path,
        env=_worker_env(database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        line = await asyncio.wait_for(process.stderr.readline(), 60)
        assert b"started: 2 runner(s)" in line, line
        process.send_signal(signum)
        rest = await asyncio.wait_for(process.stderr.read(), 60)
        code = await asyncio.wait_for(process.wait(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert code == 0, rest.decode()
    assert b"stopped" in rest

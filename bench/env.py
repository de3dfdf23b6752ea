"""Running ``steward`` against a benchmark database: settings, subprocesses, in-process boot."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.scales import ROOT

SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - local only


def sqlite_url(path: Path) -> str:
    """The settings URL of a SQLite file (absolute)."""
    return f"sqlite:///{path.resolve()}"


def steward_env(database_url: str, plugins: Sequence[str] | None = None) -> dict[str, str]:
    """Environment for a ``steward`` subprocess on ``database_url`` (this checkout's code)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update(
        PYTHONPATH=str(ROOT),
        STEWARD_CONFIG=str(ROOT / "var" / "bench" / "no-steward.toml"),  # never a local file
        STEWARD_DATABASE_URL=database_url,
        STEWARD_SECRET_KEY=SECRET,
        STEWARD_JOBS_EMBEDDED_WORKER="false",
        STEWARD_AUTO_MIGRATE="false",
    )
    if plugins is not None:
        env["STEWARD_PLUGINS"] = "[" + ", ".join(f'"{p}"' for p in plugins) + "]"
    return env


def steward_command(*args: str) -> list[str]:
    """``steward ARGS`` run by this interpreter."""
    return [str(Path(sys.executable).parent / "steward"), *args]


@dataclass(frozen=True)
class ProcessRun:
    """How a finished subprocess went: wall time, peak memory, exit status and output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def run_measured(command: list[str], env: dict[str, str], log: Path) -> ProcessRun:
    """Run a command to completion; wall time and peak RSS (from ``wait4``) of that process."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return ProcessRun(seconds, usage.ru_maxrss / 1024, process.returncode, log.read_text())


def run_steward(database_url: str, *args: str, plugins: Sequence[str] | None = None) -> str:
    """Run ``steward ARGS``; its output, or RuntimeError with the output when it fails."""
    done = subprocess.run(
        steward_command(*args),
        env=steward_env(database_url, plugins),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"steward {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@asynccontextmanager
async def booted(database_url: str, plugins: Sequence[str] | None = None) -> AsyncIterator[None]:
    """Boot the application in this process on ``database_url`` with its pool open."""
    from core import db
    from core.app import boot
    from core.cli.base import CLI_ACTOR
    from core.context import acting_as
    from core.settings import Settings

    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,
        jobs_embedded_worker=False,
        plugins=list(plugins) if plugins is not None else None,
    )
    boot(settings)
    await db.start_pool()
    try:
        with acting_as(CLI_ACTOR):
            yield
    finally:
        await db.close_pool()


def run_child(target: str, log: Path, **kwargs: object) -> tuple[dict[str, object], ProcessRun]:
    """Run ``bench.child`` for ``module:function(**kwargs)``; its JSON result and the run."""
    import json

    args = {k: str(v) if isinstance(v, Path) else v for k, v in kwargs.items()}
    command = [sys.executable, "-m", "bench.child", target, json.dumps(args)]
    env = steward_env("sqlite:///unused.db")
    run = run_measured(command, env, log)
    marker = next((ln for ln in run.output.splitlines() if ln.startswith("BENCH-RESULT ")), None)
    if run.returncode != 0 or marker is None:
        raise RuntimeError(f"{target} failed ({run.returncode}):\n{run.output[-3000:]}")
    result: dict[str, object] = json.loads(marker.removeprefix("BENCH-RESULT "))
    return result, run

"""Servers under load: ``steward serve`` or the bare reference app, pinned to one CPU."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.env import steward_command, steward_env
from bench.scales import ROOT

SERVER_CPU = 0
CLIENT_CPU = 1


def free_port() -> int:
    """A free TCP port on loopback."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pin() -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {SERVER_CPU})


@contextmanager
def serving(
    database_url: str,
    log: Path,
    *,
    plugins: Sequence[str] | None = None,
    bare: bool = False,
) -> Iterator[int]:
    """Start ``steward serve`` (or, with ``bare``, the reference app under the same uvicorn
    settings) on a free port pinned to :data:`SERVER_CPU`; yields the port."""
    port = free_port()
    env = steward_env(database_url, plugins)
    if bare:
        command = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--host", "127.0.0.1",
                   "--port", str(port), "--log-level", "info", "--no-proxy-headers"]  # fmt: skip
    else:
        command = steward_command("serve", "--host", "127.0.0.1", "--port", str(port))
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, preexec_fn=_pin
        )
        try:
            _wait_ready(port, process, log)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not start:\n{log.read_text()[-3000:]}")

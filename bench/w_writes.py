"""Concurrent writes on SQLite: 32 interaction writes at once, with zero "database is
locked" errors.

Two arms, each repeated: 32 simultaneous ``POST /api/v1/interactions`` to one server (the
deployment SQLite supports: one process), and 4 processes each recording 8 interactions at
once through the service (several writers contending for the file lock, as a job worker
beside the server does). Any error other than a lock error also fails the run.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bench.arms_writes import is_lock_error
from bench.env import run_child, sqlite_url
from bench.fixture import copy_database
from bench.measure import RUNS, Figure, value_at_most
from bench.scales import Scale
from bench.server import serving
from bench.stages import credentials, loaded_db

CONCURRENT = 32
PROCESSES = 4


async def _http_burst(port: int, token: str) -> tuple[int, int, float]:
    """(lock errors, other failures, seconds) of CONCURRENT simultaneous POSTs."""
    limits = httpx.Limits(max_connections=CONCURRENT)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers,
                                 limits=limits, timeout=60) as client:  # fmt: skip

        async def one(n: int) -> httpx.Response:
            body = {"constituent_id": n + 1, "interaction_type": "core.note",
                    "subject": f"Concurrent write {n}", "body": "benchmark"}  # fmt: skip
            return await client.post("/api/v1/interactions", json=body)

        start = time.perf_counter()
        responses = await asyncio.gather(*(one(n) for n in range(CONCURRENT)))
        seconds = time.perf_counter() - start
    failed = [r for r in responses if r.status_code != 201]
    locked = sum(1 for r in failed if is_lock_error(r.text))
    return locked, len(failed) - locked, seconds


def _processes(database: Path, logs: Path, run: int) -> list[dict[str, Any]]:
    per = CONCURRENT // PROCESSES

    def one(index: int) -> dict[str, Any]:
        result, _ = run_child(
            "bench.arms_writes:writer", logs / f"writes-{run}-{index}.log",
            database=database, concurrent=per, first_constituent=1 + index * per,
        )  # fmt: skip
        return result

    with ThreadPoolExecutor(PROCESSES) as pool:
        return list(pool.map(one, range(PROCESSES)))


def run(scale: Scale) -> list[Figure]:
    """Lock errors (target 0) and the wall time of each burst."""
    database = copy_database(loaded_db(scale), scale.data_dir / "writes.db")
    token = credentials(scale)["token"]
    logs = scale.results_dir / "logs"
    http_locked, http_seconds, proc_locked, proc_seconds = [], [], [], []
    before = _count(database)
    with serving(sqlite_url(database), logs / "writes-server.log") as port:
        for _ in range(RUNS):
            locked, other, seconds = asyncio.run(_http_burst(port, token))
            if other:
                raise RuntimeError(f"{other} concurrent HTTP writes failed for another reason")
            http_locked.append(float(locked))
            http_seconds.append(seconds * 1000)
    for run_number in range(RUNS):
        start = time.perf_counter()
        results = _processes(database, logs, run_number)
        proc_seconds.append((time.perf_counter() - start) * 1000)
        others = [o for r in results for o in r["other"]]
        if others:
            raise RuntimeError(f"concurrent service writes failed: {others[:3]}")
        proc_locked.append(float(sum(int(r["locked"]) for r in results)))
    written = _count(database) - before
    expected = CONCURRENT * RUNS * 2 - int(sum(http_locked) + sum(proc_locked))
    if written != expected:
        raise RuntimeError(f"{written} interactions written, expected {expected}")
    figures = [
        Figure(f"{CONCURRENT} concurrent HTTP interaction writes: lock errors", "errors",
               "lower", http_locked, "", note=f"burst wall time {_median(http_seconds):.0f} ms"),
        Figure(f"{CONCURRENT} writes from {PROCESSES} processes: lock errors", "errors",
               "lower", proc_locked, "",
               note=f"wall time {_median(proc_seconds):.0f} ms, process start-up included"),
    ]  # fmt: skip
    for figure in figures:
        value_at_most(figure, 0)
        figure.target = "= 0 errors"
    return figures


def _median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


def _count(database: Path) -> int:
    connection = sqlite3.connect(database)
    try:
        return int(connection.execute("SELECT COUNT(*) FROM core_interaction").fetchone()[0])
    finally:
        connection.close()

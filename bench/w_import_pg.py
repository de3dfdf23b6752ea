"""Workload 1 on PostgreSQL: our constituent import beside ``COPY`` of the same rows.

A throw-away server (:mod:`core.pgserver`, fsync off as in the test suite) is started for
the workload; an empty database is migrated once by ``steward init`` and each run gets a
fresh copy of it (``CREATE DATABASE ... TEMPLATE``). Both arms load the import slice of
``bench/slices.py``, as on SQLite.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from bench.env import run_child, run_steward
from bench.measure import RUNS, Figure, ratio_at_least, value_at_most
from bench.scales import Scale
from bench.slices import import_slice, slice_people_db
from bench.w_import import MEMORY_LIMIT_MB

TEMPLATE = "bench_migrated"


async def _create(server_url: str, name: str, template: str | None = None) -> str:
    from core.pgserver import admin_connect

    connection = await admin_connect(server_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        suffix = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await connection.close()
    return f"{server_url}/{name}"


def run(scale: Scale) -> list[Figure]:
    """Rows per second of our import and of COPY, and our peak memory, on PostgreSQL."""
    from core.pgserver import PostgresServer

    piece = import_slice(scale)
    source = slice_people_db(scale, piece)
    logs = scale.results_dir / "logs"
    base = Path(tempfile.mkdtemp(prefix="steward-bench-pg-"))
    server = PostgresServer(base)
    server.start()
    ours, rss, copy = [], [], []
    try:
        template_url = asyncio.run(_create(server.url, TEMPLATE))
        run_steward(template_url, "init")
        for run in range(RUNS):
            url = asyncio.run(_create(server.url, f"bench_ours_{run}", TEMPLATE))
            result, process = run_child(
                "bench.arms_import:ours_url", logs / f"import-pg-ours-{run}.log",
                database_url=url, csv_path=piece.constituents,
            )  # fmt: skip
            if result.get("rejected"):
                raise RuntimeError(f"PostgreSQL import rejected {result['rejected']} rows")
            ours.append(float(result["rows"]) / float(result["seconds"]))  # type: ignore[arg-type]
            rss.append(process.peak_rss_mb)
            url = asyncio.run(_create(server.url, f"bench_copy_{run}", TEMPLATE))
            result, _ = run_child(
                "bench.arms_import:copy_pg", logs / f"import-pg-copy-{run}.log",
                database_url=url, source=source,
            )  # fmt: skip
            copy.append(float(result["rows"]) / float(result["seconds"]))  # type: ignore[arg-type]
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
    rate = Figure("constituent import (PostgreSQL)", "rows/s", "higher", ours, "COPY", copy,
                  note=piece.label)  # fmt: skip
    ratio_at_least(rate, 0.5)
    memory = Figure("constituent import peak memory (PostgreSQL)", "MB", "lower", rss, "")
    value_at_most(memory, MEMORY_LIMIT_MB)
    memory.note = piece.label
    return [rate, memory]

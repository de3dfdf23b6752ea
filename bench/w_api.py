"""Workload 3: API reads under load, beside bare Litestar handlers on the same database.

Every arm is served by uvicorn pinned to CPU 0 and driven by :mod:`bench.loadgen` pinned to
CPU 1 (8 keep-alive connections, 1 s warm-up, 5 s measured), cycling through 500
constituents:

* ours: ``/api/v1/constituents/{id}`` and ``/api/v1/constituents/{id}/timeline`` (bearer
  token), with every installed plugin enabled, and the detail read with none enabled;
* references from :mod:`bench.bare_app`: the raw-SQL handler, the naive Piccolo handler and
  a constant JSON document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from bench.env import sqlite_url
from bench.loadgen import LoadResult, pin_to, run_load
from bench.measure import RUNS, Figure, quick, ratio_at_least, value_at_most
from bench.scales import Scale
from bench.server import CLIENT_CPU, serving
from bench.stages import credentials, loaded_db

IDS = 500
CONCURRENCY = 8
DURATION = quick(5.0, 0.3)
P99_LIMIT_MS = 25.0


def _load(port: int, paths: Sequence[str], headers: dict[str, str]) -> LoadResult:
    result = asyncio.run(
        run_load(port, paths, concurrency=CONCURRENCY, duration=DURATION,
                 warmup=quick(1.0, 0.1), headers=headers)
    )  # fmt: skip
    if result.errors:
        raise RuntimeError(f"HTTP errors under load: {result.statuses}")
    return result


Arm = tuple[str, list[str], dict[str, str]]  # (server, paths, headers)


def _interleaved(database: Path, logs: Path, arms: list[Arm]) -> list[list[LoadResult]]:
    """Start the three servers (ours, ours without plugins, bare) side by side, all pinned
    to the server CPU, then drive one arm at a time, the arms interleaved within each run:
    a change of the machine's load during the workload then affects every arm alike."""
    url = sqlite_url(database)
    results: list[list[LoadResult]] = [[] for _ in arms]
    with ExitStack() as stack:
        ports = {
            "ours": stack.enter_context(serving(url, logs / "api-ours.log")),
            "none": stack.enter_context(serving(url, logs / "api-noplugins.log", plugins=[])),
            "bare": stack.enter_context(serving(url, logs / "api-bare.log", bare=True)),
        }
        for _ in range(RUNS):
            for index, (server, paths, headers) in enumerate(arms):
                results[index].append(_load(ports[server], paths, headers))
    return results


def _rps(results: list[LoadResult]) -> list[float]:
    return [r.requests_per_second for r in results]


def _p99(results: list[LoadResult]) -> list[float]:
    return [r.p(0.99) for r in results]


def run(scale: Scale) -> list[Figure]:
    """Throughput and p99 of each arm; ratios to the framework and raw-SQL limits."""
    database = loaded_db(scale)
    auth = {"Authorization": f"Bearer {credentials(scale)['token']}"}
    ids = range(1, min(IDS, scale.constituents) + 1)
    logs = scale.results_dir / "logs"
    pin_to(CLIENT_CPU)
    detail = [f"/api/v1/constituents/{i}" for i in ids]
    timeline = [f"/api/v1/constituents/{i}/timeline" for i in ids]
    ours, ours_timeline, bare_plugins, raw, naive, hello = _interleaved(
        database, logs,
        [("ours", detail, auth), ("ours", timeline, auth), ("none", detail, auth),
         ("bare", [f"/raw/constituents/{i}" for i in ids], {}),
         ("bare", [f"/piccolo/constituents/{i}" for i in ids], {}), ("bare", ["/hello"], {})],
    )  # fmt: skip

    vs_raw = Figure("detail read", "req/s", "higher", _rps(ours), "Litestar + raw SQL", _rps(raw))
    ratio_at_least(vs_raw, 0.8)
    vs_naive = Figure("detail read", "req/s", "higher", _rps(ours), "naive Piccolo handler",
                      _rps(naive))  # fmt: skip
    ratio_at_least(vs_naive, 4)
    vs_hello = Figure("detail read", "req/s", "higher", _rps(ours), "constant JSON handler",
                      _rps(hello), note="the framework's limit; no target")  # fmt: skip
    p99 = Figure("detail read p99", "ms", "lower", _p99(ours), "Litestar + raw SQL", _p99(raw))
    value_at_most(p99, P99_LIMIT_MS)
    overhead = Figure("detail read, all plugins vs none", "req/s", "higher", _rps(ours),
                      "no plugins enabled", _rps(bare_plugins))  # fmt: skip
    ratio_at_least(overhead, 0.9)
    overhead.target = "plugin overhead ≤ 10% (ratio ≥ 0.9)"
    tl = Figure("timeline page (50 items)", "req/s", "higher", _rps(ours_timeline),
                "Litestar + raw SQL detail", _rps(raw))  # fmt: skip
    tl_p99 = Figure("timeline page p99", "ms", "lower", _p99(ours_timeline),
                    "Litestar + raw SQL detail", _p99(raw))  # fmt: skip
    value_at_most(tl_p99, P99_LIMIT_MS)
    return [vs_raw, vs_naive, vs_hello, p99, overhead, tl, tl_p99]

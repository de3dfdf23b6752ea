"""Workload 5b: the admin report pages' first page, from the maintained rollups.

The administrator signs in through the login form (as in workload 4); each report page
(LYBUNT, retention, RFM for the last full year) is requested as staff open it, without a
page number, one request at a time over a keep-alive connection. Each series stops after
:data:`REQUESTS` requests or :data:`BUDGET_S` seconds, whichever comes first, so a slow page
still fits the command limit at L; a page whose first request takes longer than
:data:`TIMEOUT_S` is not repeated, and its figures are that limit, marked as a lower bound.
The reference is the report index page of the same server (sign-in, layout and navigation,
no report), the floor of any admin page.
"""

from __future__ import annotations

import asyncio

import httpx

from bench.env import sqlite_url
from bench.loadgen import LoadResult, pin_to, run_load
from bench.measure import RUNS, Figure, quick, value_at_most
from bench.scales import Scale
from bench.server import CLIENT_CPU, serving
from bench.stages import credentials, loaded_db
from bench.w_admin import sign_in

REQUESTS = int(quick(20, 3))
BUDGET_S = quick(30.0, 10.0)
TIMEOUT_S = quick(120.0, 60.0)
FIRST_PAGE_LIMIT_MS = 500.0
YEAR = 2025  # the last full year of the generated data
PAGES = {
    "LYBUNT 2025": f"/admin/donations/reports/lybunt?year={YEAR}&basis=calendar&currency=USD",
    "retention 2024→2025": (
        f"/admin/donations/reports/retention?year={YEAR}&basis=calendar&currency=USD"
    ),
    "RFM scores": "/admin/donations/reports/rfm?currency=USD",
}
INDEX = "/admin/donations/reports"


def _series(port: int, path: str, headers: dict[str, str]) -> LoadResult:
    result = asyncio.run(
        run_load(port, [path], concurrency=1, duration=BUDGET_S, warmup=0.0, headers=headers,
                 max_requests=REQUESTS)
    )  # fmt: skip
    if result.errors or not result.latencies:
        raise RuntimeError(f"{path}: HTTP errors {result.statuses}")
    return result


def _warm(port: int, path: str, headers: dict[str, str]) -> bool:
    """One request first (templates compiled, caches warm), checked for a 200; False when
    it took longer than :data:`TIMEOUT_S`."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=TIMEOUT_S) as client:
        try:
            response = client.get(path, headers=headers)
        except httpx.TimeoutException:
            return False
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return True


def run(scale: Scale) -> list[Figure]:
    """p50 and p95 of each report page's first page beside the report index page."""
    database = loaded_db(scale)
    who = credentials(scale)
    pin_to(CLIENT_CPU)
    ours: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in PAGES}
    index50: list[float] = []
    index95: list[float] = []
    log = scale.results_dir / "logs" / "report-pages-server.log"
    with serving(sqlite_url(database), log) as port:
        cookie = {"Cookie": sign_in(port, who["email"], who["password"])}
        _warm(port, INDEX, cookie)
        timed_out = {label for label, path in PAGES.items() if not _warm(port, path, cookie)}
        for _ in range(RUNS):
            for label, path in PAGES.items():
                if label in timed_out:
                    ours[label][0].append(TIMEOUT_S * 1000)
                    ours[label][1].append(TIMEOUT_S * 1000)
                    continue
                result = _series(port, path, cookie)
                ours[label][0].append(result.p(0.5))
                ours[label][1].append(result.p(0.95))
            reference = _series(port, INDEX, cookie)
            index50.append(reference.p(0.5))
            index95.append(reference.p(0.95))
    figures = []
    for label, (p50, p95) in ours.items():
        for name, values, refs in (("p50", p50, index50), ("p95", p95, index95)):
            title = f"{label} report page, first page {name}"
            note = "staff over HTTP, loaded.db"
            if label in timed_out:
                note = f"timed out: the first request took over {TIMEOUT_S:.0f} s (lower bound)"
            figure = Figure(title, "ms", "lower", values, "report index page", refs, note=note)
            value_at_most(figure, FIRST_PAGE_LIMIT_MS)
            figures.append(figure)
    return figures

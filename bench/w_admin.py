"""Workload 4: the admin constituent page of the showcase record (200 timeline items).

The administrator signs in through the login form; then the profile page
``/admin/constituents/1`` and its full timeline page ``/admin/constituents/1/timeline`` are
requested one at a time over a keep-alive connection (client on the other CPU). The
reference is the JSON detail read of the same constituent in the same server and run.
"""

from __future__ import annotations

import asyncio
import sqlite3

import httpx

from bench.env import sqlite_url
from bench.generate import SHOWCASE_ITEMS
from bench.loadgen import LoadResult, pin_to, run_load
from bench.measure import RUNS, Figure, quick, value_at_most
from bench.scales import Scale
from bench.server import CLIENT_CPU, serving
from bench.stages import credentials, loaded_db

REQUESTS = int(quick(60, 5))
P95_LIMIT_MS = 150.0


def sign_in(port: int, email: str, password: str) -> str:
    """The Cookie header of a signed-in admin session."""
    # password hashing is slow on purpose: give it time on a busy machine (not measured)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60.0) as client:
        response = client.post("/admin/login", data={"email": email, "password": password})
        if response.status_code != 303:
            raise RuntimeError(f"admin sign-in failed: {response.status_code}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def _series(port: int, path: str, headers: dict[str, str]) -> LoadResult:
    result = asyncio.run(
        run_load(port, [path], concurrency=1, duration=300, warmup=0.5, headers=headers,
                 max_requests=REQUESTS)
    )  # fmt: skip
    if result.errors:
        raise RuntimeError(f"{path}: HTTP errors {result.statuses}")
    return result


def run(scale: Scale) -> list[Figure]:
    """p95 render time of the profile and timeline pages."""
    database = loaded_db(scale)
    items = (
        sqlite3.connect(database)
        .execute("SELECT COUNT(*) FROM core_interaction WHERE constituent_id = 1")
        .fetchone()[0]
    )
    if items != SHOWCASE_ITEMS:
        raise RuntimeError(f"the showcase constituent has {items} timeline items")
    who = credentials(scale)
    pin_to(CLIENT_CPU)
    profile, timeline, reference = [], [], []
    with serving(sqlite_url(database), scale.results_dir / "logs" / "admin-server.log") as port:
        cookie = {"Cookie": sign_in(port, who["email"], who["password"])}
        token = {"Authorization": f"Bearer {who['token']}"}
        for _ in range(RUNS):
            profile.append(_series(port, "/admin/constituents/1", cookie).p(0.95))
            timeline.append(_series(port, "/admin/constituents/1/timeline", cookie).p(0.95))
            reference.append(_series(port, "/api/v1/constituents/1", token).p(0.95))
    figures = [
        Figure(f"admin profile page ({SHOWCASE_ITEMS} timeline items) p95", "ms", "lower",
               profile, "JSON detail read of the same record", reference),
        Figure(f"admin timeline page ({SHOWCASE_ITEMS} items) p95", "ms", "lower",
               timeline, "JSON detail read of the same record", reference),
    ]  # fmt: skip
    for figure in figures:
        value_at_most(figure, P95_LIMIT_MS)
    return figures

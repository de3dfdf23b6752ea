"""A writer process for the concurrency workload: many interaction writes at once."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bench.env import booted, sqlite_url


def is_lock_error(error: BaseException | str) -> bool:
    """True for SQLite's "database is locked" (or "busy") refusal."""
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text or "busy" in text


async def writer(database: Path, concurrent: int, first_constituent: int) -> dict[str, Any]:
    """Record ``concurrent`` interactions at once through the service; errors by kind."""
    from core.interactions import service

    locked, other = 0, []
    async with booted(sqlite_url(database)):

        async def one(n: int) -> None:
            nonlocal locked
            try:
                await service.record_interaction(
                    constituent_id=first_constituent + n, interaction_type="core.note",
                    subject=f"Concurrent write {n}", body="benchmark",
                )  # fmt: skip
            except Exception as exc:  # every failure is counted and reported
                if is_lock_error(exc):
                    locked += 1
                else:
                    other.append(repr(exc))

        start = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(concurrent)))
        seconds = time.perf_counter() - start
    return {"locked": locked, "other": other, "seconds": seconds, "writes": concurrent}

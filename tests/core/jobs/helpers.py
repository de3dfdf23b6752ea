"""Bounded waiting for the jobs tests (never a sleep as an assertion)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from core import db

WAIT_SECONDS = 30.0


async def eventually(
    check: Callable[[], Awaitable[bool]], seconds: float = WAIT_SECONDS, what: str = "condition"
) -> None:
    """Poll ``check`` until it is true; fail after ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                if await check():
                    return
                await asyncio.sleep(0.02)  # database state has no event to await
    except TimeoutError:
        raise AssertionError(f"timed out after {seconds}s waiting for {what}") from None


async def job_row(job_id: int) -> dict[str, Any]:
    """The raw row of a job."""
    row = await db.fetch_one("SELECT * FROM core_job WHERE id = {}", job_id)
    assert row is not None
    return row


async def count_jobs(status: str | None = None, name: str | None = None) -> int:
    """How many jobs match."""
    conditions, args = ["1 = 1"], []
    if status:
        conditions.append("status = {}")
        args.append(status)
    if name:
        conditions.append("name = {}")
        args.append(name)
    value = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_job WHERE " + " AND ".join(conditions), *args
    )
    return int(value or 0)

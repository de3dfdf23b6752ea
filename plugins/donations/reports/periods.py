"""Year bases for reports: fiscal years (the organisation's) or calendar years."""

from __future__ import annotations

from datetime import date
from typing import Literal

from core import db
from plugins.donations.common import as_int, org

Basis = Literal["fiscal", "calendar"]
LIVE = "status = 'received' AND deleted_at IS NULL"


def bounds(year: int, basis: Basis) -> tuple[date, date]:
    """First day (inclusive) and end (exclusive) of a fiscal or calendar year."""
    if basis == "calendar":
        return date(year, 1, 1), date(year + 1, 1, 1)
    return org().fiscal_year_bounds(year)


async def giving_in(year: int, basis: Basis, currency: str) -> dict[int, int]:
    """Each donor's received total in a year (donor id → minor units)."""
    start, end = bounds(year, basis)
    rows = await db.fetch_all(
        "SELECT donor_id, SUM(amount_minor) AS total FROM donations_gift WHERE gift_date >= {} "
        f"AND gift_date < {{}} AND currency = {{}} AND {LIVE} GROUP BY donor_id",
        start,
        end,
        currency,
    )
    return {int(r["donor_id"]): as_int(r["total"]) for r in rows}


async def giving_before(year: int, basis: Basis, currency: str) -> dict[int, int]:
    """Each donor's received total before a year starts."""
    start, _ = bounds(year, basis)
    rows = await db.fetch_all(
        "SELECT donor_id, SUM(amount_minor) AS total FROM donations_gift WHERE gift_date < {} "
        f"AND currency = {{}} AND {LIVE} GROUP BY donor_id",
        start,
        currency,
    )
    return {int(r["donor_id"]): as_int(r["total"]) for r in rows}


async def names(ids: list[int]) -> dict[int, str]:
    """Display names of constituents.

    Asked in chunks under the drivers' bound-parameter limit: a report over 250,000
    constituents lists more donors than one statement may name.
    """
    found: dict[int, str] = {}
    size = db.chunk_size_for(1)
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        marks = ", ".join("{}" for _ in chunk)
        rows = await db.fetch_all(
            f"SELECT id, display_name FROM core_constituent WHERE id IN ({marks})", *chunk
        )
        found.update((int(r["id"]), r["display_name"]) for r in rows)
    return found

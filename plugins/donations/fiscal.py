"""Keeping each gift's stored fiscal year true when the organisation's fiscal year moves.

Gifts store ``fiscal_year`` (derived from the gift date when written) so reports and rollups
group without date arithmetic. When staff change the fiscal-year start in the organisation
settings, core emits ``org_settings.changed``; this plugin then queues
``donations.rederive_fiscal_years``, which re-derives the column one fiscal year at a time
and rebuilds the rollups. Issued receipts and annual statements keep the year printed on
them: they are legal records of what was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import db
from core.events import unit_of_work
from core.jobs.service import enqueue
from core.system.org_settings import apply_stored
from plugins.donations import rollups
from plugins.donations.common import as_date, org

FISCAL_FIELDS = frozenset({"fiscal_year_start_month", "fiscal_year_start_day"})
JOB = "donations.rederive_fiscal_years"


def moves_fiscal_year(payload: Mapping[str, Any]) -> bool:
    """True when an ``org_settings.changed`` payload names a fiscal-year field."""
    return bool(FISCAL_FIELDS.intersection(payload.get("fields") or ()))


async def queue_rederivation() -> None:
    """Queue the re-derivation (runs after the settings change is applied everywhere)."""
    await enqueue(JOB, {})


async def rederive_fiscal_years() -> int:
    """Re-derive every gift's fiscal year from the current settings; returns gifts changed."""
    settings = await apply_stored(org())  # a worker process may hold older settings
    span = await db.fetch_one(
        "SELECT MIN(gift_date) AS low, MAX(gift_date) AS high FROM donations_gift"
    )
    low, high = (as_date(span["low"]), as_date(span["high"])) if span else (None, None)
    if low is None or high is None:
        return 0
    async with unit_of_work():
        return await _rederive(settings.fiscal_year_of(low), settings.fiscal_year_of(high))


async def _rederive(first: int, last: int) -> int:
    settings = org()
    changed = 0
    for fiscal_year in range(first, last + 1):
        start, end = settings.fiscal_year_bounds(fiscal_year)
        where = "gift_date >= {} AND gift_date < {} AND fiscal_year <> {}"
        moved = await db.fetch_value(
            f"SELECT COUNT(*) AS n FROM donations_gift WHERE {where}", start, end, fiscal_year
        )
        if int(moved or 0):
            await db.execute(
                f"UPDATE donations_gift SET fiscal_year = {{}} WHERE {where}",
                fiscal_year,
                start,
                end,
                fiscal_year,
            )
            changed += int(moved)
    if changed:
        await rollups.recompute_all()
    return changed

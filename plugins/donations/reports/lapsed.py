"""LYBUNT and retention from the per-year rollups: an index range instead of every gift.

``donations_donor_year`` has a row per donor, currency and fiscal year with live gifts, and
says whether the same donor gave in the same currency the year before and the year after
(``gave_year_before``, ``gave_year_after``, kept by the rollup services). Those flags are
about the row's own year, so they stay right when the current fiscal year turns. Then:

- LYBUNT of year N = the rows of N-1 without a gift the year after, biggest total first:
  one ``ORDER BY total_minor DESC, constituent_id`` over the index
  ``(currency, fiscal_year, gave_year_after, total_minor DESC, constituent_id, ...)``;
- retention into N, and how many LYBUNT rows there are, come from the per-year sums of
  those rows that ``donations_year_total`` keeps (``plugins/donations/rollup_counts.py``):
  N-1's donors, money and donors kept the year after, N's money from returning donors.

These read stored fiscal years, so they answer the fiscal basis, and the calendar basis
when the fiscal year is the calendar year; otherwise the reports read the gifts
(:mod:`plugins.donations.reports.movement`). After staff move the fiscal-year start, the
stored years follow once the queued re-derivation job has run (it rebuilds the rollups).
"""

from __future__ import annotations

from typing import Any

from core import db
from plugins.donations.common import org
from plugins.donations.reports.movement import page_clause
from plugins.donations.reports.periods import Basis

_LYBUNT = (
    "SELECT y.constituent_id + 0 AS constituent_id, COALESCE(c.display_name, '') AS name, "
    "y.total_minor + 0 AS amount_minor FROM donations_donor_year y "
    "LEFT JOIN core_constituent c ON c.id = y.constituent_id "
    "WHERE y.currency = {} AND y.fiscal_year = {} AND y.gave_year_after = FALSE "
    "ORDER BY y.total_minor DESC, y.constituent_id"
)
_YEAR = (
    "SELECT donors, total_minor, kept_donors, returning_minor FROM donations_year_total "
    "WHERE currency = {} AND fiscal_year = {}"
)


async def _year_total(currency: str, fiscal_year: int) -> dict[str, int]:
    row = await db.fetch_one(_YEAR, currency, fiscal_year)
    keys = ("donors", "total_minor", "kept_donors", "returning_minor")
    return {key: int(row[key]) if row else 0 for key in keys}


def reads_rollups(basis: Basis) -> bool:
    """True when a basis's years are the rollups' fiscal years (so the index answers)."""
    settings = org()
    january = settings.fiscal_year_start_month == 1 and settings.fiscal_year_start_day == 1
    return basis == "fiscal" or january


async def lybunt_rows(
    year: int, currency: str, *, limit: int | None = None, offset: int = 0
) -> tuple[list[dict[str, Any]], int | None]:
    """LYBUNT donors of fiscal ``year`` (amount = last year's total), biggest first.

    With ``limit`` one page and how many rows there are in all; without it every row and
    None, as :func:`plugins.donations.reports.movement.lapsed_donors` answers.
    """
    rows = await db.fetch_all(_LYBUNT + page_clause(limit, offset), currency, year - 1)
    total = None
    if limit is not None:
        last = await _year_total(currency, year - 1)
        total = last["donors"] - last["kept_donors"]
    return rows, total


async def retention_totals(year: int, currency: str) -> dict[str, int]:
    """Last fiscal year's donors and money, and how much of each came back in ``year``."""
    last, this = await _year_total(currency, year - 1), await _year_total(currency, year)
    return {
        "previous_donors": last["donors"],
        "retained_donors": last["kept_donors"],
        "previous_minor": last["total_minor"],
        "retained_minor": this["returning_minor"],
    }

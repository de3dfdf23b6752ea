"""LYBUNT and retention from the per-year rollups: an index range instead of every gift.

``donations_donor_year`` has a row per donor, currency and fiscal year with live gifts, and
says whether the same donor gave in the same currency the year before and the year after
(``gave_year_before``, ``gave_year_after``, kept by the rollup services). Those flags are
about the row's own year, so they stay right when the current fiscal year turns. Then:

- LYBUNT of year N = the rows of N-1 without a gift the year after, biggest total first:
  one ``ORDER BY total_minor DESC, constituent_id`` over the index
  ``(currency, fiscal_year, gave_year_after, total_minor DESC, constituent_id, ...)``;
- retention into N = the rows of N-1 counted and summed by ``gave_year_after``, and the
  totals of N's rows with ``gave_year_before``, over the same covering index.

These read stored fiscal years, so they answer the fiscal basis, and the calendar basis
when the fiscal year is the calendar year; otherwise the reports read the gifts
(:mod:`plugins.donations.reports.movement`).
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
_LYBUNT_COUNT = (
    "SELECT COUNT(*) AS n FROM donations_donor_year "
    "WHERE currency = {} AND fiscal_year = {} AND gave_year_after = FALSE"
)
_PREVIOUS = (
    "SELECT gave_year_after AS kept, COUNT(*) AS donors, "
    "CAST(SUM(total_minor) AS BIGINT) AS total FROM donations_donor_year "
    "WHERE currency = {} AND fiscal_year = {} GROUP BY gave_year_after"
)
_RETAINED = (
    "SELECT CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) AS total FROM donations_donor_year "
    "WHERE currency = {} AND fiscal_year = {} AND gave_year_before = TRUE"
)


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
        total = int(await db.fetch_value(_LYBUNT_COUNT, currency, year - 1) or 0)
    return rows, total


async def retention_totals(year: int, currency: str) -> dict[str, int]:
    """Last fiscal year's donors and money, and how much of each came back in ``year``."""
    groups = await db.fetch_all(_PREVIOUS, currency, year - 1)
    retained = await db.fetch_value(_RETAINED, currency, year)
    return {
        "previous_donors": sum(int(g["donors"]) for g in groups),
        "retained_donors": sum(int(g["donors"]) for g in groups if g["kept"]),
        "previous_minor": sum(int(g["total"]) for g in groups),
        "retained_minor": int(retained or 0),
    }

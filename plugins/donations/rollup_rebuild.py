"""Set-based rebuild of the donor rollups: a few statements for every donor at once.

``rollups.recompute_donor`` rebuilds one constituent with about ten statements; over 250,000
donors that is tens of minutes. Here each rollup table is rebuilt with one
``INSERT ... SELECT ... GROUP BY`` over every donor (or over one chunk of donors), window
functions picking the first, last and largest gift and the run of consecutive fiscal years.
The rows are exactly those ``recompute_donor`` writes (a test compares both paths).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from core import db
from plugins.donations import rollup_counts
from plugins.donations.common import current_fiscal_year
from plugins.donations.reports.rfm import fm_score_sql

# Bound ids per chunk: each statement names the chunk at most twice, far under the limits.
CHUNK = 2_000
LIVE = "g.status = 'received' AND g.deleted_at IS NULL"

# A row per donor, currency and fiscal year; the window over the grouped rows says whether
# the same donor and currency also has a row for the year before and the year after.
_YEARS = (
    "INSERT INTO donations_donor_year (constituent_id, currency, fiscal_year, gift_count, "
    "total_minor, largest_minor, gave_year_before, gave_year_after) "
    "SELECT g.donor_id, g.currency, g.fiscal_year, COUNT(*), "
    "SUM(g.amount_minor), MAX(g.amount_minor), "
    "COALESCE(LAG(g.fiscal_year) OVER adjacent = g.fiscal_year - 1, FALSE), "
    "COALESCE(LEAD(g.fiscal_year) OVER adjacent = g.fiscal_year + 1, FALSE) "
    f"FROM donations_gift g WHERE {LIVE} {{gifts}} "
    "GROUP BY g.donor_id, g.currency, g.fiscal_year "
    "WINDOW adjacent AS (PARTITION BY g.donor_id, g.currency ORDER BY g.fiscal_year)"
)

_COLUMNS = (
    "donations_donor_total (constituent_id, currency, gift_count, lifetime_minor, "
    "first_gift_date, first_gift_minor, last_gift_date, last_gift_minor, largest_gift_date, "
    "largest_gift_minor, as_of_fiscal_year, this_fy_minor, last_fy_minor, consecutive_years, "
    "soft_credit_minor, fm_score, updated_at)"
)

# First and last gift share one ordering (by date, then id); the largest is the biggest
# amount, the earliest on a tie. Every row of a partition carries the same picked values, so
# MAX() of them in the GROUP BY is that value.
_TOTALS = f"""
WITH live AS (
  SELECT g.id, g.donor_id, g.currency, g.gift_date, g.amount_minor, g.fiscal_year
  FROM donations_gift g WHERE {LIVE} {{gifts}}
), picked AS (
  SELECT donor_id, currency, amount_minor, fiscal_year,
    FIRST_VALUE(gift_date) OVER by_date AS first_date,
    FIRST_VALUE(amount_minor) OVER by_date AS first_minor,
    LAST_VALUE(gift_date) OVER by_date AS last_date,
    LAST_VALUE(amount_minor) OVER by_date AS last_minor,
    FIRST_VALUE(gift_date) OVER by_size AS largest_date,
    FIRST_VALUE(amount_minor) OVER by_size AS largest_minor
  FROM live
  WINDOW by_date AS (PARTITION BY donor_id, currency ORDER BY gift_date, id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
         by_size AS (PARTITION BY donor_id, currency ORDER BY amount_minor DESC, gift_date, id)
), money AS (
  SELECT donor_id, currency, COUNT(*) AS gift_count, SUM(amount_minor) AS lifetime,
    MAX(first_date) AS first_date, MAX(first_minor) AS first_minor,
    MAX(last_date) AS last_date, MAX(last_minor) AS last_minor,
    MAX(largest_date) AS largest_date, MAX(largest_minor) AS largest_minor,
    SUM(CASE WHEN fiscal_year = {{current}} THEN amount_minor ELSE 0 END) AS this_fy,
    SUM(CASE WHEN fiscal_year = {{current}} - 1 THEN amount_minor ELSE 0 END) AS last_fy
  FROM picked GROUP BY donor_id, currency
), ranked AS (
  SELECT y.constituent_id, y.currency, y.fiscal_year,
    ROW_NUMBER() OVER (PARTITION BY y.constituent_id, y.currency
                       ORDER BY y.fiscal_year DESC) AS place,
    MAX(y.fiscal_year) OVER (PARTITION BY y.constituent_id, y.currency) AS top
  FROM donations_donor_year y WHERE y.fiscal_year <= {{current}} {{years}}
), streak AS (
  SELECT constituent_id, currency, COUNT(*) AS years FROM ranked
  WHERE top >= {{current}} - 1 AND fiscal_year + place - 1 = top
  GROUP BY constituent_id, currency
), soft AS (
  SELECT s.constituent_id, g.currency, SUM(s.amount_minor) AS credit
  FROM donations_soft_credit s JOIN donations_gift g ON g.id = s.gift_id
  WHERE {LIVE} {{soft}} GROUP BY s.constituent_id, g.currency
)
INSERT INTO {_COLUMNS}
SELECT m.donor_id, m.currency, m.gift_count, m.lifetime, m.first_date, m.first_minor,
  m.last_date, m.last_minor, m.largest_date, m.largest_minor, {{current}}, m.this_fy,
  m.last_fy, COALESCE(k.years, 0), COALESCE(s.credit, 0),
  {fm_score_sql("m.gift_count", "m.lifetime", "m.currency")}, {{stamp}}
FROM money m
LEFT JOIN streak k ON k.constituent_id = m.donor_id AND k.currency = m.currency
LEFT JOIN soft s ON s.constituent_id = m.donor_id AND s.currency = m.currency
"""

# Soft credits in a currency the holder never gave in: a row with no money of its own.
_SOFT_ONLY = f"""
INSERT INTO {_COLUMNS}
SELECT s.constituent_id, g.currency, 0, 0, NULL, 0, NULL, 0, NULL, 0, {{current}}, 0, 0, 0,
  SUM(s.amount_minor), {fm_score_sql("0", "0", "g.currency")}, {{stamp}}
FROM donations_soft_credit s JOIN donations_gift g ON g.id = s.gift_id
WHERE {LIVE} {{soft}} AND NOT EXISTS (SELECT 1 FROM donations_donor_total t
  WHERE t.constituent_id = s.constituent_id AND t.currency = g.currency)
GROUP BY s.constituent_id, g.currency
"""


def _stamp_placeholder() -> str:
    # asyncpg types a bare parameter in a SELECT list as text; SQLite keeps the adapted value.
    return "{}" if db.is_sqlite() else "CAST({} AS TIMESTAMPTZ)"


async def _rebuild(ids: Sequence[int] | None, current: int, stamp: datetime) -> None:
    marks = ", ".join("{}" for _ in ids) if ids is not None else ""
    args = list(ids) if ids is not None else []

    def scoped(column: str) -> str:
        return f"AND {column} IN ({marks})" if ids is not None else ""

    where = f"WHERE constituent_id IN ({marks})" if ids is not None else ""
    if ids is not None:
        await rollup_counts.subtract(ids)
    await db.execute(f"DELETE FROM donations_donor_year {where}", *args)
    await db.execute(f"DELETE FROM donations_donor_total {where}", *args)
    await db.execute(_YEARS.format(gifts=scoped("g.donor_id")), *args)
    totals = _TOTALS.format(
        gifts=scoped("g.donor_id"),
        years=scoped("y.constituent_id"),
        soft=scoped("s.constituent_id"),
        current=int(current),
        stamp=_stamp_placeholder(),
    )
    await db.execute(totals, *args, *args, *args, stamp)
    soft_only = _SOFT_ONLY.format(
        soft=scoped("s.constituent_id"), current=int(current), stamp=_stamp_placeholder()
    )
    await db.execute(soft_only, stamp, *args)
    if ids is not None:
        await rollup_counts.add(ids)
    else:
        await rollup_counts.rebuild()


async def rebuild_all() -> None:
    """Rebuild both rollup tables for every constituent, in one transaction."""
    async with db.transaction():
        await _rebuild(None, current_fiscal_year(), datetime.now(UTC))


async def rebuild_donors(constituent_ids: Sequence[int]) -> None:
    """Rebuild the rollups of the given constituents, a chunk of ids per statement."""
    ids = sorted(set(constituent_ids))
    current, stamp = current_fiscal_year(), datetime.now(UTC)
    async with db.transaction():
        for start in range(0, len(ids), CHUNK):
            await _rebuild(ids[start : start + CHUNK], current, stamp)

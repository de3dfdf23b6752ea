"""Counts over the rollup rows, kept exact with them in the same transaction.

Report pages need sums over hundreds of thousands of rollup rows: retention each fiscal
year's donors and money, an RFM page the donors per frequency + monetary score and recency
band. Two small tables hold those sums: ``donations_year_total`` (per currency and fiscal
year, over ``donations_donor_year``) and ``donations_rfm_count`` (per currency, ``fm_score``
and last gift date, over the ``donations_donor_total`` rows with gifts).

Every path that rewrites donors' rollup rows calls :func:`subtract` for those donors before
deleting their rows and :func:`add` after writing the new ones, so the counts move by
exactly what changed; :func:`rebuild` recomputes both tables from the rollups (with
``rollup_rebuild.rebuild_all``).

On PostgreSQL each of these first takes one transaction-scoped advisory lock: a rewrite
touches count rows in two statements (subtract, then add, each in key order), so two
transactions could otherwise each hold a row the other needs next. Every gift write locks
this year's count row anyway, so the lock costs no concurrency; SQLite has one writer.
"""

from __future__ import annotations

from collections.abc import Sequence

from core import db

_YEAR = """
INSERT INTO donations_year_total (currency, fiscal_year, donors, total_minor, kept_donors,
  returning_minor)
SELECT y.currency, y.fiscal_year, {sign} * COUNT(*), {sign} * SUM(y.total_minor),
  {sign} * SUM(CASE WHEN y.gave_year_after THEN 1 ELSE 0 END),
  {sign} * SUM(CASE WHEN y.gave_year_before THEN y.total_minor ELSE 0 END)
FROM donations_donor_year y WHERE {scope}
GROUP BY y.currency, y.fiscal_year ORDER BY y.currency, y.fiscal_year
ON CONFLICT (currency, fiscal_year) DO UPDATE SET
  donors = donations_year_total.donors + excluded.donors,
  total_minor = donations_year_total.total_minor + excluded.total_minor,
  kept_donors = donations_year_total.kept_donors + excluded.kept_donors,
  returning_minor = donations_year_total.returning_minor + excluded.returning_minor
"""

_RFM = """
INSERT INTO donations_rfm_count (currency, fm_score, last_gift_date, donors)
SELECT t.currency, t.fm_score, t.last_gift_date, {sign} * COUNT(*)
FROM donations_donor_total t WHERE t.gift_count > 0 AND {scope}
GROUP BY t.currency, t.fm_score, t.last_gift_date
ORDER BY t.currency, t.fm_score, t.last_gift_date
ON CONFLICT (currency, fm_score, last_gift_date) DO UPDATE SET
  donors = donations_rfm_count.donors + excluded.donors
"""


# Any constant key, used for nothing else (pg_advisory_xact_lock takes a bigint).
LOCK_KEY = 4_711_020_001


async def _serialise() -> None:
    if not db.is_sqlite():
        await db.execute("SELECT pg_advisory_xact_lock({})", LOCK_KEY)


async def _apply(sign: int, ids: Sequence[int] | None) -> None:
    if ids is not None and not ids:
        return
    await _serialise()
    marks = ", ".join("{}" for _ in ids) if ids is not None else ""
    args = list(ids) if ids is not None else []

    def scope(alias: str) -> str:
        return f"{alias}.constituent_id IN ({marks})" if ids is not None else "1 = 1"

    await db.execute(_YEAR.format(sign=sign, scope=scope("y")), *args)
    await db.execute(_RFM.format(sign=sign, scope=scope("t")), *args)


async def subtract(ids: Sequence[int]) -> None:
    """Take these constituents' current rollup rows out of the counts (before a rewrite)."""
    await _apply(-1, ids)


async def add(ids: Sequence[int]) -> None:
    """Count these constituents' rollup rows (after a rewrite); drop keys left at zero."""
    await _apply(1, ids)
    await db.execute("DELETE FROM donations_year_total WHERE donors = 0")
    await db.execute("DELETE FROM donations_rfm_count WHERE donors = 0")


async def rebuild() -> None:
    """Recompute both count tables from every rollup row."""
    await _serialise()
    await db.execute("DELETE FROM donations_year_total")
    await db.execute("DELETE FROM donations_rfm_count")
    await _apply(1, None)

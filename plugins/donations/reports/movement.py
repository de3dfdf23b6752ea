"""Donor movement in SQL: who gave in which of two years, in one GROUP BY with names joined.

Each query reads the live gifts of the years involved once, sums them per donor with
conditional sums (one per year), keeps the donors that match the report's rule, and joins
their display names in the same statement. Amounts are cast to integers in SQL so both
drivers return ``int`` (PostgreSQL's SUM of a bigint is a numeric); ids are returned as
expressions (``+ 0``), which SQLite's driver converters skip.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import db
from plugins.donations.reports.periods import LIVE, Basis, bounds


def page_clause(limit: int | None, offset: int = 0) -> str:
    """``LIMIT``/``OFFSET`` of a page of rows; nothing (every row) without ``limit``."""
    return "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"


def _within(span: tuple[date, date]) -> str:
    return "(gift_date >= {} AND gift_date < {})"


def _span_args(span: tuple[date, date]) -> list[date]:
    return [span[0], span[1]]


_DONORS = """
SELECT t.donor_id + 0 AS constituent_id, COALESCE(c.display_name, '') AS name,
  t.amount AS amount_minor{extra}
FROM (SELECT donor_id,
        CAST(SUM(CASE WHEN {counted} THEN amount_minor ELSE 0 END) AS BIGINT) AS amount,
        SUM(CASE WHEN {this} THEN 1 ELSE 0 END) AS this_gifts,
        SUM(CASE WHEN {last} THEN 1 ELSE 0 END) AS last_gifts,
        SUM(CASE WHEN {before} THEN 1 ELSE 0 END) AS before_gifts
      FROM donations_gift WHERE currency = {{}} AND {live} AND gift_date < {{}}{floor}
      GROUP BY donor_id) t
LEFT JOIN core_constituent c ON c.id = t.donor_id
WHERE t.this_gifts = 0 AND {rule}
ORDER BY t.amount DESC, t.donor_id{page}
"""


async def lapsed_donors(
    year: int,
    basis: Basis,
    currency: str,
    *,
    rule: str,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int | None]:
    """Donors who gave nothing in ``year``, chosen by ``rule``, biggest amount first.

    ``rule`` is ``lybunt`` (gave last year; amount = last year's total), ``sybunt`` (gave
    before last year, not last year; amount = giving before ``year``) or ``sybunt_all``
    (gave in any year before; amount = giving before ``year``). With ``limit`` the second
    value is how many rows there are in all; without it, None.
    """
    this, last = bounds(year, basis), bounds(year - 1, basis)
    before = "gift_date < {}"
    if rule == "lybunt":
        counted, keep, counted_args = _within(last), "t.last_gifts > 0", _span_args(last)
    else:
        counted = f"({before} OR {_within(last)})"
        counted_args = [last[0], *_span_args(last)]
        keep = "t.before_gifts > 0" + (" AND t.last_gifts = 0" if rule == "sybunt" else "")
        if rule == "sybunt_all":
            keep = "(t.before_gifts > 0 OR t.last_gifts > 0)"
    sql = _DONORS.format(
        extra=", COUNT(*) OVER () AS total_rows" if limit is not None else "",
        counted=counted,
        this=_within(this),
        last=_within(last),
        before=before,
        live=LIVE,
        floor=" AND gift_date >= {}" if rule == "lybunt" else "",
        rule=keep,
        page=page_clause(limit, offset),
    )
    args: list[Any] = [
        *counted_args,
        *_span_args(this),
        *_span_args(last),
        last[0],
        currency,
        this[1],
    ]
    if rule == "lybunt":
        args.append(last[0])  # earlier gifts cannot change a LYBUNT row
    rows = await db.fetch_all(sql, *args)
    total = None
    if limit is not None:
        total = int(rows[0].pop("total_rows")) if rows else 0
        for row in rows[1:]:
            del row["total_rows"]
    return rows, total


_RETENTION = f"""
SELECT COUNT(*) AS previous_donors,
  COALESCE(SUM(CASE WHEN t.this_gifts > 0 THEN 1 ELSE 0 END), 0) AS retained_donors,
  CAST(COALESCE(SUM(t.last_total), 0) AS BIGINT) AS previous_minor,
  CAST(COALESCE(SUM(CASE WHEN t.this_gifts > 0 THEN t.this_total ELSE 0 END), 0) AS BIGINT)
    AS retained_minor
FROM (SELECT donor_id,
        SUM(CASE WHEN {{last}} THEN amount_minor ELSE 0 END) AS last_total,
        SUM(CASE WHEN {{last}} THEN 1 ELSE 0 END) AS last_gifts,
        SUM(CASE WHEN {{this}} THEN amount_minor ELSE 0 END) AS this_total,
        SUM(CASE WHEN {{this}} THEN 1 ELSE 0 END) AS this_gifts
      FROM donations_gift WHERE currency = {{{{}}}} AND {LIVE}
        AND ({{last}} OR {{this}})
      GROUP BY donor_id) t
WHERE t.last_gifts > 0
"""


async def retention_counts(year: int, basis: Basis, currency: str) -> dict[str, int]:
    """Last year's donors and money, and how much of each came back in ``year``."""
    this, last = bounds(year, basis), bounds(year - 1, basis)
    sql = _RETENTION.format(last=_within(last), this=_within(this))
    args: list[Any] = [*_span_args(last), *_span_args(last), *_span_args(this), *_span_args(this)]
    args += [currency, *_span_args(last), *_span_args(this)]
    row = await db.fetch_one(sql, *args)
    assert row is not None  # an aggregate without GROUP BY always answers one row
    return {key: int(value or 0) for key, value in row.items()}

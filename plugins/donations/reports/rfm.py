"""RFM scores in SQL: recency, frequency and monetary scores from the donor rollups.

The scores are CASE expressions over the rollup row: recency compares the last gift date
with dates computed here (``days <= 90`` is ``last_gift_date >= today - 90``), monetary
compares integer minor units with the thresholds scaled by the currency's exponent, so no
row is converted to a decimal and the ordering is done by the database.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from core import db
from core.money import CURRENCY_EXPONENTS
from plugins.donations.common import org_today
from plugins.donations.reports import Report, Series
from plugins.donations.reports.movement import page_clause

RFM_RULE = (
    "Recency (days since last gift): ≤90 → 5, ≤180 → 4, ≤365 → 3, ≤730 → 2, else 1. "
    "Frequency (gifts): ≥10 → 5, ≥5 → 4, ≥3 → 3, 2 → 2, 1 → 1. "
    "Monetary (lifetime, major units): ≥5000 → 5, ≥1000 → 4, ≥250 → 3, ≥50 → 2, else 1."
)
RECENCY_DAYS = [90, 180, 365, 730]
FREQUENCY_GIFTS = [10, 5, 3, 2]
MONETARY_MAJOR = [5000, 1000, 250, 50]
COLUMNS = [
    "constituent_id",
    "name",
    "recency_days",
    "gifts",
    "lifetime_minor",
    "r",
    "f",
    "m",
    "rfm",
]


def _score(value: Decimal | float, steps: list[int], descending: bool = False) -> int:
    for index, step in enumerate(steps):
        if (value <= step) if descending else (value >= step):
            return 5 - index
    return 1


def rfm_scores(days: int, gifts: int, lifetime_major: Decimal | float) -> tuple[int, int, int]:
    """The (recency, frequency, monetary) scores of :data:`RFM_RULE`."""
    return (
        _score(days, RECENCY_DAYS, descending=True),
        _score(gifts, FREQUENCY_GIFTS),
        _score(lifetime_major, MONETARY_MAJOR),
    )


def _case(column: str, steps: list[str]) -> str:
    whens = " ".join(f"WHEN {column} >= {step} THEN {5 - i}" for i, step in enumerate(steps))
    return f"CASE {whens} ELSE 1 END"


def _days_since(column: str) -> str:
    """Whole days from ``column`` to the date bound to ``{}``, in this database's dialect."""
    if db.is_sqlite():
        return f"CAST(julianday({{}}) - julianday({column}) AS INTEGER)"
    return f"(CAST({{}} AS DATE) - {column})"


def scored_sql(currency: str) -> str:
    """The scored rollup rows of a currency, in :data:`COLUMNS` order.

    ``{}`` placeholders: today, the four recency dates, the currency. Integer columns are
    given as expressions (``+ 0``): without a declared type SQLite's driver converters skip
    them, which halves the cost of reading a long report.
    """
    scale = 10 ** CURRENCY_EXPONENTS[currency]
    recency = _case("t.last_gift_date", ["{}"] * len(RECENCY_DAYS))
    frequency = _case("t.gift_count", [str(n) for n in FREQUENCY_GIFTS])
    monetary = _case("t.lifetime_minor", [str(n * scale) for n in MONETARY_MAJOR])
    return (
        "SELECT t.constituent_id + 0 AS constituent_id, COALESCE(c.display_name, '') AS name, "
        f"{_days_since('t.last_gift_date')} AS recency_days, t.gift_count + 0 AS gifts, "
        f"t.lifetime_minor + 0 AS lifetime_minor, {recency} AS r, {frequency} AS f, "
        f"{monetary} AS m FROM donations_donor_total t "
        "LEFT JOIN core_constituent c ON c.id = t.constituent_id "
        "WHERE t.currency = {} AND t.gift_count > 0"
    )


def _recency_dates(today: date) -> list[date]:
    return [today - timedelta(days=days) for days in RECENCY_DAYS]


async def _score_counts(currency: str, today: date) -> Series:
    rows = await db.fetch_all(
        f"SELECT s.r + s.f + s.m AS score, COUNT(*) AS donors FROM ({scored_sql(currency)}) s "
        "GROUP BY s.r + s.f + s.m ORDER BY score",
        today,
        *_recency_dates(today),
        currency,
    )
    return Series(
        name="donors per total score",
        labels=[str(r["score"]) for r in rows],
        values=[int(r["donors"]) for r in rows],
    )


async def rfm(
    currency: str = "USD",
    as_of: date | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Report:
    """Recency, frequency and monetary scores (1 to 5) per donor, from the rollups.

    Highest total score first. Every row by default; with ``limit`` one page, the number
    of rows in all (``total_rows``) and the count of donors per total score as a series.
    """
    today = as_of or org_today()
    rows = await db.fetch_all(
        "SELECT s.*, CAST(s.r AS TEXT) || CAST(s.f AS TEXT) || CAST(s.m AS TEXT) AS rfm "
        f"FROM ({scored_sql(currency)}) s ORDER BY s.r + s.f + s.m DESC, "
        f"s.constituent_id{page_clause(limit, offset)}",
        today,
        *_recency_dates(today),
        currency,
    )
    series: list[Series] = []
    total = None
    if limit is not None:
        series = [await _score_counts(currency, today)]
        total = sum(series[0].values)
    return Report.model_construct(
        key="donations.rfm",
        title="RFM scores",
        definition=RFM_RULE,
        columns=list(COLUMNS),
        rows=rows,
        series=series,
        total_rows=total,
    )

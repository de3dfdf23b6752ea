"""RFM scores in SQL: recency, frequency and monetary scores from the donor rollups.

The scores are CASE expressions over the rollup row: recency compares the last gift date
with dates computed here (``days <= 90`` is ``last_gift_date >= today - 90``), monetary
compares integer minor units with the thresholds scaled by the currency's exponent, so no
row is converted to a decimal and the ordering is done by the database.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

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


def _scale(currency: str) -> int:
    return int(10 ** CURRENCY_EXPONENTS.get(currency, 2))


def fm_score(gift_count: int, lifetime_minor: int, currency: str) -> int:
    """Frequency plus monetary score of :data:`RFM_RULE` (2 to 10), from integer minor units.

    Both depend on a donor's rollup row alone, so the rollups keep it (``fm_score``);
    recency depends on today and is scored when the report is read.
    """
    steps = [n * _scale(currency) for n in MONETARY_MAJOR]
    return _score(gift_count, FREQUENCY_GIFTS) + _score(lifetime_minor, steps)


def fm_score_sql(gift_count: str, lifetime_minor: str, currency: str) -> str:
    """:func:`fm_score` as a SQL expression over three columns (every currency at once)."""
    odd = {code: exponent for code, exponent in CURRENCY_EXPONENTS.items() if exponent != 2}
    whens = " ".join(f"WHEN '{code}' THEN {10**exp}" for code, exp in sorted(odd.items()))
    scale = f"(CASE {currency} {whens} ELSE 100 END)"
    frequency = _case(gift_count, [str(n) for n in FREQUENCY_GIFTS])
    monetary = _case(lifetime_minor, [f"{n} * {scale}" for n in MONETARY_MAJOR])
    return f"({frequency} + {monetary})"


def _case(column: str, steps: list[str]) -> str:
    whens = " ".join(f"WHEN {column} >= {step} THEN {5 - i}" for i, step in enumerate(steps))
    return f"CASE {whens} ELSE 1 END"


def _days_since(column: str) -> str:
    """Whole days from ``column`` to the date bound to ``{}``, in this database's dialect."""
    if db.is_sqlite():
        return f"CAST(julianday({{}}) - julianday({column}) AS INTEGER)"
    return f"(CAST({{}} AS DATE) - {column})"


def scored_sql(currency: str, source: str = "donations_donor_total") -> str:
    """The scored rollup rows of a currency, in :data:`COLUMNS` order.

    ``{}`` placeholders: today, the four recency dates, those of ``source`` (a table or a
    sub-select of rollup rows), the currency. Integer columns are given as expressions
    (``+ 0``): without a declared type SQLite's driver converters skip them, which halves
    the cost of reading a long report.
    """
    scale = 10 ** CURRENCY_EXPONENTS[currency]
    recency = _case("t.last_gift_date", ["{}"] * len(RECENCY_DAYS))
    frequency = _case("t.gift_count", [str(n) for n in FREQUENCY_GIFTS])
    monetary = _case("t.lifetime_minor", [str(n * scale) for n in MONETARY_MAJOR])
    return (
        "SELECT t.constituent_id + 0 AS constituent_id, COALESCE(c.display_name, '') AS name, "
        f"{_days_since('t.last_gift_date')} AS recency_days, t.gift_count + 0 AS gifts, "
        f"t.lifetime_minor + 0 AS lifetime_minor, {recency} AS r, {frequency} AS f, "
        f"{monetary} AS m FROM {source} t "
        "LEFT JOIN core_constituent c ON c.id = t.constituent_id "
        "WHERE t.currency = {} AND t.gift_count > 0"
    )


def _recency_dates(today: date) -> list[date]:
    return [today - timedelta(days=days) for days in RECENCY_DAYS]


Cell = tuple[int, int, date | None, date | None]  # fm score, recency score, date range


def _cells(today: date) -> list[Cell]:
    """Every (frequency + monetary, recency) pair with its range of last gift dates."""
    edges: list[date | None] = [None, *_recency_dates(today), None]
    return [
        (fm, 5 - band, edges[band + 1], edges[band])
        for fm in range(2, 11)
        for band in range(len(RECENCY_DAYS) + 1)
    ]


def _cell_where(cell: Cell) -> tuple[str, list[date]]:
    """Rows of one cell: an index range over (currency, fm_score, last_gift_date).

    Every cell has at least one edge, so a row without gifts (no last gift date) is in none.
    """
    fm, _r, low, high = cell
    sql = f"currency = {{}} AND fm_score = {fm}"
    args: list[date] = []
    if low is not None:
        sql, args = sql + " AND last_gift_date >= {}", [low]
    if high is not None:
        sql, args = sql + " AND last_gift_date < {}", [*args, high]
    return sql, args


async def _cell_counts(currency: str, today: date, cells: list[Cell]) -> list[int]:
    """Donors of each cell, summed from the counts kept per last gift date (rollup_counts)."""
    recency = _case("last_gift_date", ["{}"] * len(RECENCY_DAYS))
    rows = await db.fetch_all(
        f"SELECT fm_score, {recency} AS r, SUM(donors) AS donors FROM donations_rfm_count "
        "WHERE currency = {} GROUP BY fm_score, r",
        *_recency_dates(today),
        currency,
    )
    found = {(int(row["fm_score"]), int(row["r"])): int(row["donors"]) for row in rows}
    return [found.get((fm, r), 0) for fm, r, _low, _high in cells]


def _score_series(cells: list[Cell], counts: list[int]) -> Series:
    by_score: dict[int, int] = {}
    for (fm, r, _low, _high), count in zip(cells, counts, strict=True):
        if count:
            by_score[fm + r] = by_score.get(fm + r, 0) + count
    scores = sorted(by_score)
    return Series(
        name="donors per total score",
        labels=[str(score) for score in scores],
        values=[by_score[score] for score in scores],
    )


def _lowest_score_needed(series: Series, wanted: int) -> int:
    """The lowest total score a page ending at row ``wanted`` can reach (ranks are by score)."""
    seen = 0
    for label, count in zip(reversed(series.labels), reversed(series.values), strict=True):
        seen += count
        if seen >= wanted:
            return int(label)
    return 3


async def _page(
    currency: str, today: date, limit: int, offset: int
) -> tuple[list[dict[str, Any]], Series]:
    """One page in report order, reading only the cells whose score can reach it."""
    cells = _cells(today)
    counts = await _cell_counts(currency, today, cells)
    series = _score_series(cells, counts)
    floor = _lowest_score_needed(series, offset + limit)
    parts, cell_args = [], []
    for cell, count in zip(cells, counts, strict=True):
        if count and cell[0] + cell[1] >= floor:
            where, dates = _cell_where(cell)
            parts.append(f"SELECT * FROM donations_donor_total WHERE {where}")
            cell_args += [currency, *dates]
    if not parts:
        return [], series
    source = "(" + " UNION ALL ".join(parts) + ")"
    rows = await db.fetch_all(
        "SELECT s.*, CAST(s.r AS TEXT) || CAST(s.f AS TEXT) || CAST(s.m AS TEXT) AS rfm "
        f"FROM ({scored_sql(currency, source)}) s ORDER BY s.r + s.f + s.m DESC, "
        f"s.constituent_id{page_clause(limit, offset)}",
        today,
        *_recency_dates(today),
        *cell_args,
        currency,
    )
    return rows, series


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
    series: list[Series] = []
    total = None
    if limit is not None:
        rows, score_series = await _page(currency, today, limit, offset)
        series, total = [score_series], sum(score_series.values)
    else:
        rows = await db.fetch_all(
            "SELECT s.*, CAST(s.r AS TEXT) || CAST(s.f AS TEXT) || CAST(s.m AS TEXT) AS rfm "
            f"FROM ({scored_sql(currency)}) s ORDER BY s.r + s.f + s.m DESC, s.constituent_id",
            today,
            *_recency_dates(today),
            currency,
        )
    return Report.model_construct(
        key="donations.rfm",
        title="RFM scores",
        definition=RFM_RULE,
        columns=list(COLUMNS),
        rows=rows,
        series=series,
        total_rows=total,
    )

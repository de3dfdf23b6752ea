"""Report arms (run in a child process): the donations reports beside one SQL query each.

Each report is built by ``plugins.donations.reports`` (what the admin pages and the API
call) and answered by one hand-written query with ``sqlite3`` on the same database (the
limit). Row counts are compared, so a fast wrong answer cannot pass.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.env import booted, sqlite_url

YEAR = 2025  # the last full year of the generated data (fiscal year = calendar year)
AS_OF = date(2026, 6, 30)
LIVE = "currency = 'USD' AND status = 'received' AND deleted_at IS NULL"


def _year(year: int) -> str:
    return f"gift_date >= '{year}-01-01' AND gift_date < '{year + 1}-01-01' AND {LIVE}"


LYBUNT_SQL = f"""
WITH last AS (SELECT donor_id, SUM(amount_minor) AS total FROM donations_gift
              WHERE {_year(YEAR - 1)} GROUP BY donor_id),
     this AS (SELECT DISTINCT donor_id FROM donations_gift WHERE {_year(YEAR)})
SELECT l.donor_id, c.display_name, l.total FROM last l
JOIN core_constituent c ON c.id = l.donor_id
WHERE l.donor_id NOT IN (SELECT donor_id FROM this)
ORDER BY l.total DESC, l.donor_id
"""

RETENTION_SQL = f"""
WITH last AS (SELECT donor_id, SUM(amount_minor) AS total FROM donations_gift
              WHERE {_year(YEAR - 1)} GROUP BY donor_id),
     this AS (SELECT donor_id, SUM(amount_minor) AS total FROM donations_gift
              WHERE {_year(YEAR)} GROUP BY donor_id)
SELECT COUNT(*) AS previous_donors, COUNT(t.donor_id) AS retained_donors,
       SUM(l.total) AS previous_minor, COALESCE(SUM(t.total), 0) AS retained_minor
FROM last l LEFT JOIN this t ON t.donor_id = l.donor_id
"""

RFM_SQL = f"""
SELECT constituent_id, display_name, days, gift_count, lifetime_minor,
  CASE WHEN days <= 90 THEN 5 WHEN days <= 180 THEN 4 WHEN days <= 365 THEN 3
       WHEN days <= 730 THEN 2 ELSE 1 END AS r,
  CASE WHEN gift_count >= 10 THEN 5 WHEN gift_count >= 5 THEN 4 WHEN gift_count >= 3 THEN 3
       WHEN gift_count >= 2 THEN 2 ELSE 1 END AS f,
  CASE WHEN lifetime_minor >= 500000 THEN 5 WHEN lifetime_minor >= 100000 THEN 4
       WHEN lifetime_minor >= 25000 THEN 3 WHEN lifetime_minor >= 5000 THEN 2 ELSE 1 END AS m
FROM (SELECT d.constituent_id, c.display_name, d.gift_count, d.lifetime_minor,
             CAST(julianday('{AS_OF.isoformat()}') - julianday(d.last_gift_date) AS INTEGER) AS days
      FROM donations_donor_total d JOIN core_constituent c ON c.id = d.constituent_id
      WHERE d.currency = 'USD' AND d.gift_count > 0)
ORDER BY -(r + f + m), constituent_id
"""

HAND_SQL = {"lybunt": LYBUNT_SQL, "retention": RETENTION_SQL, "rfm": RFM_SQL}


def _builders() -> dict[str, Callable[[], Awaitable[Any]]]:
    from plugins.donations.reports import donors, totals

    return {
        "lybunt": lambda: donors.lybunt(YEAR, "calendar", "USD"),
        "retention": lambda: donors.retention(YEAR, "calendar", "USD"),
        "rfm": lambda: totals.rfm("USD", AS_OF),
    }


def _rows_of(report: str, built: Any) -> int:
    if report == "retention":
        return int(built.rows[0]["previous_donors"])
    return len(built.rows)


def _hand_rows(report: str, rows: list[Any]) -> int:
    return int(rows[0][0]) if report == "retention" else len(rows)


async def reports(database: Path, runs: int) -> dict[str, Any]:
    """Seconds per run of each report and of its query; row counts must agree."""
    out: dict[str, Any] = {}
    builders = _builders()
    async with booted(sqlite_url(database)):
        for report, build in builders.items():
            ours, hand, counts = [], [], set()
            for _ in range(runs):
                start = time.perf_counter()
                built = await build()
                ours.append(time.perf_counter() - start)
                counts.add(("ours", _rows_of(report, built)))
                connection = sqlite3.connect(database)
                start = time.perf_counter()
                rows = connection.execute(HAND_SQL[report]).fetchall()
                hand.append(time.perf_counter() - start)
                connection.close()
                counts.add(("hand", _hand_rows(report, rows)))
            values = {n for _, n in counts}
            if len(values) != 1:
                raise RuntimeError(f"{report}: the report and its query disagree: {counts}")
            out[report] = {"ours": ours, "hand": hand, "rows": values.pop()}
    return out

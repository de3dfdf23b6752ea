"""The membership reports as plain tables (columns and rows), for CSV and the admin pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plugins.membership import reports
from plugins.membership.queries import MembershipFilter, list_memberships


@dataclass
class Table:
    """Column names and rows of dicts keyed by them."""

    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


async def members_over_time(today: date | None = None) -> Table:
    """One row per month end: a column per level and the total."""
    data = await reports.members_over_time(today=today)
    table = Table(["month", *(s.level_name for s in data.series), "total"])
    for index, month in enumerate(data.months):
        row: dict[str, Any] = {"month": month, "total": data.totals[index]}
        row.update({s.level_name: s.counts[index] for s in data.series})
        table.rows.append(row)
    return table


async def status_over_time(today: date | None = None) -> Table:
    """One row per month end: memberships covered, in grace and lapsed."""
    data = await reports.status_over_time(today=today)
    return Table(
        ["month", "member", "grace", "lapsed"],
        [
            {"month": m, "member": data.member[i], "grace": data.grace[i], "lapsed": data.lapsed[i]}
            for i, m in enumerate(data.months)
        ],
    )


async def activity(today: date | None = None) -> Table:
    """Joined, renewed and lapsed per month."""
    rows = await reports.activity_by_month(today=today)
    return Table(["month", "joined", "renewed", "lapsed"], [r.model_dump() for r in rows])


async def retention(today: date | None = None) -> Table:
    """Renewals due and renewed in the last year, by level."""
    rows = await reports.retention_by_level(today=today)
    return Table(
        ["level_name", "due", "renewed", "percent"],
        [r.model_dump(exclude={"level_id"}) for r in rows],
    )


async def status_now(today: date | None = None) -> Table:
    """Memberships by level and status now."""
    rows = await reports.status_by_level()
    return Table(["level_name", "status", "count"], [r.model_dump() for r in rows])


async def upcoming_expiries(today: date | None = None) -> Table:
    """Active memberships expiring in the next 60 days, soonest first."""
    page = await list_memberships(
        MembershipFilter(expiring_within_days=60, sort="end_date"), page=1, per_page=200
    )
    return Table(
        ["membership_id", "member_name", "level_name", "status", "end_date", "auto_renew"],
        [
            {
                "membership_id": m.id,
                "member_name": m.member_name,
                "level_name": m.level_name,
                "status": m.status,
                "end_date": m.end_date.isoformat(),
                "auto_renew": m.auto_renew,
            }
            for m in page.items
        ],
    )


REPORTS: dict[str, Callable[..., Awaitable[Table]]] = {
    "members-over-time": members_over_time,
    "status-over-time": status_over_time,
    "activity": activity,
    "retention": retention,
    "status": status_now,
    "expiries": upcoming_expiries,
}


def as_csv(table: Table) -> str:
    """The table as CSV text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.columns, extrasaction="ignore")
    writer.writeheader()
    for row in table.rows:
        writer.writerow(row)
    return out.getvalue()

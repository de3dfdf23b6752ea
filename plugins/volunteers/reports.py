"""Volunteering reports: hours and value by month and opportunity, active volunteers,
retention, no-show rate, and volunteers who also give or are members.

"Active" means approved hours dated in the period. The overlap with giving and membership is
found through the segment filters other enabled plugins contribute (``donations.*`` and
``membership.*`` filters that take no parameter or a ``date_from``/``date_to`` period), so
this plugin never imports another plugin's code and the rows simply vanish when they are
disabled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from core import db
from core.plugins.registry import current_registry
from core.ui import segment_filters
from plugins.volunteers import hours
from plugins.volunteers.common import as_int, org, org_today
from plugins.volunteers.series import local_instant

CROSS_PREFIXES = ("donations.", "membership.")


@dataclass(frozen=True)
class Table:
    """A report table: column keys and rows of plain values."""

    key: str
    columns: list[str]
    rows: list[dict[str, Any]]


def months_between(start: date, end: date) -> list[str]:
    """``YYYY-MM`` of every month from ``start``'s to ``end``'s."""
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


async def by_month(start: date, end: date) -> Table:
    """Approved hours, their value and active volunteers per month (every month listed)."""
    totals = {t.key: t for t in await hours.totals("month", start=start, end=end)}
    people = {
        str(r["m"]): as_int(r["n"])
        for r in await db.fetch_all(
            "SELECT SUBSTR(CAST(work_date AS VARCHAR(20)), 1, 7) AS m, "
            "COUNT(DISTINCT constituent_id) AS n FROM volunteers_hours WHERE status = 'approved' "
            "AND work_date >= {} AND work_date <= {} GROUP BY 1",
            start,
            end,
        )
    }
    currency = await hours.value_currency()
    rows = []
    for month in months_between(start, end):
        total = totals.get(month)
        rows.append(
            {
                "month": month,
                "hours": round((total.minutes if total else 0) / 60, 2),
                "value_minor": total.value_minor if total else 0,
                "currency": currency,
                "volunteers": people.get(month, 0),
            }
        )
    return Table("month", ["month", "hours", "value_minor", "currency", "volunteers"], rows)


def _day_start(day: date) -> datetime:
    # Instants compare with instants: a local day starts at local midnight.
    return local_instant(day, time(0, 0), org().zone)


async def by_opportunity(start: date, end: date) -> Table:
    """Approved hours and value per opportunity, with the no-show rate of its shifts."""
    totals = {t.key: t for t in await hours.totals("opportunity", start=start, end=end)}
    attendance = {
        int(r["opportunity_id"]): (as_int(r["attended"]), as_int(r["missed"]))
        for r in await db.fetch_all(
            "SELECT s.opportunity_id, SUM(CASE WHEN g.status = 'attended' THEN 1 ELSE 0 END) "
            "AS attended, SUM(CASE WHEN g.status = 'no_show' THEN 1 ELSE 0 END) AS missed "
            "FROM volunteers_signup g JOIN volunteers_shift s ON s.id = g.shift_id "
            "WHERE s.starts_at >= {} AND s.starts_at < {} GROUP BY s.opportunity_id",
            _day_start(start),
            _day_start(end + timedelta(days=1)),
        )
    }
    currency = await hours.value_currency()
    rows = []
    for row in await db.fetch_all("SELECT id, title FROM volunteers_opportunity ORDER BY title"):
        total = totals.get(str(row["id"]))
        came, missed = attendance.get(int(row["id"]), (0, 0))
        if not total and not came and not missed:
            continue
        rows.append(
            {
                "opportunity": row["title"],
                "hours": round((total.minutes if total else 0) / 60, 2),
                "value_minor": total.value_minor if total else 0,
                "currency": currency,
                "attended": came,
                "no_shows": missed,
                "no_show_pct": round(100 * missed / (came + missed), 1) if came + missed else 0.0,
            }
        )
    columns = ["opportunity", "hours", "value_minor", "currency", "attended", "no_shows",
               "no_show_pct"]  # fmt: skip
    return Table("opportunity", columns, rows)


async def by_person(start: date, end: date) -> Table:
    """Approved hours and their value per volunteer in the period, most hours first."""
    totals = await hours.totals("person", start=start, end=end)
    ids = [int(t.key) for t in totals]
    names: dict[int, str] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        marks = ", ".join("{}" for _ in part)
        for row in await db.fetch_all(
            f"SELECT id, display_name FROM core_constituent WHERE id IN ({marks})", *part
        ):
            names[int(row["id"])] = str(row["display_name"] or "")
    rows = [
        {
            "constituent_id": int(t.key),
            "volunteer": names.get(int(t.key), ""),
            "hours": round(t.minutes / 60, 2),
            "value_minor": t.value_minor,
            "currency": t.currency,
        }
        for t in sorted(totals, key=lambda t: (-t.minutes, int(t.key)))
    ]
    return Table(
        "person", ["constituent_id", "volunteer", "hours", "value_minor", "currency"], rows
    )


async def _active(start: date, end: date) -> set[int]:
    rows = await db.fetch_all(
        "SELECT DISTINCT constituent_id FROM volunteers_hours WHERE status = 'approved' "
        "AND work_date >= {} AND work_date <= {}",
        start,
        end,
    )
    return {int(r["constituent_id"]) for r in rows}


async def retention(start: date, end: date) -> Table:
    """Volunteers active in the period before (same length) and how many came back."""
    length = (end - start).days + 1
    before = await _active(start - timedelta(days=length), start - timedelta(days=1))
    now = await _active(start, end)
    kept = len(before & now)
    rows = [
        {
            "previous_volunteers": len(before),
            "retained_volunteers": kept,
            "new_volunteers": len(now - before),
            "retention_pct": round(100 * kept / len(before), 1) if before else 0.0,
        }
    ]
    return Table("retention", list(rows[0]), rows)


def _cross_value(parameter: type[BaseModel] | None, start: date, end: date) -> Any | None:
    if parameter is None:
        return {}
    for candidate in ({}, {"date_from": start, "date_to": end}):
        try:
            return parameter.model_validate(candidate)
        except ValidationError:
            continue
    return None


async def also_give_or_members(start: date, end: date) -> Table:
    """Of the period's active volunteers, how many each giving/membership filter matches."""
    active = await _active(start, end)
    rows = []
    filters = await segment_filters(current_registry())
    for key, spec in sorted(filters.items()):
        if not key.startswith(CROSS_PREFIXES):
            continue
        value = _cross_value(spec.parameter, start, end)
        if value is None:
            continue
        condition, args = spec.sql(value)
        matched = await db.fetch_all(
            "SELECT c.id FROM core_constituent c WHERE c.deleted_at IS NULL AND " + condition,
            *args,
        )
        both = active & {int(r["id"]) for r in matched}
        rows.append(
            {
                "filter": key,
                "label": spec.label,
                "volunteers": len(active),
                "also": len(both),
                "pct": round(100 * len(both) / len(active), 1) if active else 0.0,
            }
        )
    return Table("overlap", ["filter", "label", "volunteers", "also", "pct"], rows)


async def build_table(kind: str, start: date, end: date) -> Table:
    """One report table: ``month``, ``person``, ``opportunity``, ``retention``, ``overlap``."""
    builders = {
        "month": by_month,
        "person": by_person,
        "opportunity": by_opportunity,
        "retention": retention,
        "overlap": also_give_or_members,
    }
    return await builders[kind](start, end)


def default_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The period asked for, or the last twelve months to today."""
    end = date_to or org_today()
    start = date_from or (end.replace(day=1) - timedelta(days=335)).replace(day=1)
    return start, end


def builder(kind: str) -> Callable[..., Awaitable[Table]]:
    """A ``steward_reports`` build function for one table (period defaults as above)."""

    async def build(date_from: date | None = None, date_to: date | None = None) -> Table:
        start, end = default_period(date_from, date_to)
        return await build_table(kind, start, end)

    return build


CATALOGUE = {
    "volunteers.hours_by_month": ("Volunteer hours and value by month", "month"),
    "volunteers.hours_by_volunteer": ("Volunteer hours and value by volunteer", "person"),
    "volunteers.hours_by_opportunity": (
        "Volunteer hours and no-shows by opportunity",
        "opportunity",
    ),
    "volunteers.retention": ("Volunteer retention", "retention"),
    "volunteers.overlap": ("Volunteers who also give or are members", "overlap"),
}

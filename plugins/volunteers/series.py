"""Recurring shifts: weekly or monthly rules in local time, generated as UTC instants.

A rule says "every N weeks on the start date's weekday" or "every N months on the start
date's day of the month" at a wall-clock time in the organisation's time zone. Each
occurrence is built from its local date and time and only then converted to UTC, so a 10:00
shift stays at 10:00 local time across daylight-saving changes (its UTC instant moves).
Months without the day (the 31st in April) are skipped rather than moved. A wall-clock time
that does not exist on a spring-forward day is moved forward by the gap (02:30 becomes
03:30); an ambiguous one on a fall-back day is the first (summer-time) instant.

"Edit all future" changes the series and every later occurrence that was not edited on its
own (``detached``) or cancelled; "edit one" is :func:`plugins.volunteers.shifts.update_shift`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core import audit, db
from core.clock import utc_now
from core.errors import InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from plugins.volunteers.common import (
    as_date,
    config,
    must_instant,
    org,
    org_date_of,
    org_today,
)
from plugins.volunteers.models import SeriesChange, SeriesIn
from plugins.volunteers.shifts import get_opportunity, insert_shift

MAX_OCCURRENCES = 400


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a local date (gaps move forward)."""
    # fold=0: an ambiguous time is its first instant; a non-existent one is read with the
    # offset before the gap, which lands the same distance after it.
    return datetime.combine(day, wall).replace(tzinfo=zone, fold=0).astimezone(UTC)


def _add_months(day: date, months: int) -> date | None:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return None


def occurrence_dates(
    frequency: str, every_n: int, start_date: date, until_date: date
) -> Iterator[date]:
    """Local dates of a rule from ``start_date`` through ``until_date`` (inclusive)."""
    count = 0
    step = 0
    while count < MAX_OCCURRENCES:
        if frequency == "weekly":
            day: date | None = start_date + timedelta(weeks=every_n * step)
        else:
            day = _add_months(start_date, every_n * step)
            if day is None:
                step += 1
                if step > MAX_OCCURRENCES * 2:
                    return
                continue
        assert day is not None
        if day > until_date:
            return
        yield day
        count += 1
        step += 1


def occurrences(
    frequency: str,
    every_n: int,
    start_date: date,
    until_date: date,
    local_start: str,
    duration_minutes: int,
    zone: ZoneInfo,
) -> list[tuple[datetime, datetime]]:
    """``(starts_at, ends_at)`` UTC pairs of every occurrence of a rule."""
    wall = time.fromisoformat(local_start)
    result = []
    for day in occurrence_dates(frequency, every_n, start_date, until_date):
        start = local_instant(day, wall, zone)
        result.append((start, start + timedelta(minutes=duration_minutes)))
    return result


def _check(data: SeriesIn) -> None:
    if data.until_date < data.start_date:
        raise InvalidInputError({"until_date": "must not be before the start date"})
    horizon = org_today() + timedelta(days=config().series_horizon_days)
    if data.until_date > horizon:
        raise InvalidInputError(
            {"until_date": f"schedules reach at most {config().series_horizon_days} days ahead"}
        )


async def create_series(data: SeriesIn) -> tuple[int, list[int]]:
    """Store a recurring schedule and generate its shifts; returns the series and shift ids."""
    _check(data)
    async with unit_of_work():
        await get_opportunity(data.opportunity_id)
        now = utc_now()
        row = await db.fetch_one(
            "INSERT INTO volunteers_series (opportunity_id, frequency, every_n, start_date, "
            "until_date, local_start, duration_minutes, capacity, created_at, updated_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
            data.opportunity_id,
            data.frequency,
            data.every_n,
            data.start_date,
            data.until_date,
            data.local_start,
            data.duration_minutes,
            data.capacity,
            now,
            now,
        )
        assert row is not None
        series_id = int(row["id"])
        shift_ids = []
        for start, end in occurrences(
            data.frequency,
            data.every_n,
            data.start_date,
            data.until_date,
            data.local_start,
            data.duration_minutes,
            org().zone,
        ):
            shift_ids.append(
                await insert_shift(data.opportunity_id, start, end, data.capacity, series_id)
            )
        await audit.record_change(
            "create",
            "volunteers_series",
            series_id,
            after={**data.model_dump(), "shifts": len(shift_ids)},
        )
        await emit("volunteers.shift_changed", {"series_id": series_id, "shift_ids": shift_ids})
    return series_id, shift_ids


async def get_series(series_id: int) -> dict[str, Any]:
    """A series row; NotFoundError when missing."""
    row = await db.fetch_one("SELECT * FROM volunteers_series WHERE id = {}", series_id)
    if row is None:
        raise NotFoundError(f"no schedule with id {series_id}")
    row["start_date"] = as_date(row["start_date"])
    row["until_date"] = as_date(row["until_date"])
    return row


async def change_future(
    series_id: int, change: SeriesChange, *, after: datetime | None = None
) -> int:
    """Apply a change to the series and to its occurrences from ``after`` (default now) on.

    Occurrences edited on their own or cancelled are left alone; each changed one keeps its
    local date and gets the new local time, length and capacity. Returns how many changed.
    """
    from plugins.volunteers.signups import fill_from_waitlist

    since = after or utc_now()
    async with unit_of_work():
        before = await get_series(series_id)
        local_start = change.local_start or before["local_start"]
        duration = change.duration_minutes or int(before["duration_minutes"])
        capacity = change.capacity or int(before["capacity"])
        await db.execute(
            "UPDATE volunteers_series SET local_start = {}, duration_minutes = {}, capacity = {}, "
            "updated_at = {} WHERE id = {}",
            local_start,
            duration,
            capacity,
            utc_now(),
            series_id,
        )
        rows = await db.fetch_all(
            "SELECT id, starts_at FROM volunteers_shift WHERE series_id = {} AND starts_at >= {} "
            "AND detached = {} AND cancelled_at IS NULL ORDER BY starts_at",
            series_id,
            since,
            False,
        )
        wall = time.fromisoformat(local_start)
        zone = org().zone
        for row in rows:
            day = org_date_of(must_instant(row["starts_at"]))
            start = local_instant(day, wall, zone)
            await db.execute(
                "UPDATE volunteers_shift SET starts_at = {}, ends_at = {}, capacity = {}, "
                "updated_at = {} WHERE id = {}",
                start,
                start + timedelta(minutes=duration),
                capacity,
                utc_now(),
                row["id"],
            )
            await fill_from_waitlist(int(row["id"]))
        await audit.record_change(
            "update",
            "volunteers_series",
            series_id,
            before={k: before[k] for k in ("local_start", "duration_minutes", "capacity")},
            after={
                "local_start": local_start,
                "duration_minutes": duration,
                "capacity": capacity,
                "shifts_changed": len(rows),
            },
        )
        await emit(
            "volunteers.shift_changed",
            {"series_id": series_id, "shift_ids": [int(r["id"]) for r in rows]},
        )
    return len(rows)

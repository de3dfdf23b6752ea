"""Recurring shifts across daylight-saving changes (table-driven), and edit one / all future."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import db
from core.errors import InvalidInputError
from plugins.volunteers import series, shifts, signups
from plugins.volunteers.common import org_today
from plugins.volunteers.models import SeriesChange, SeriesIn, ShiftPatch
from plugins.volunteers.tests.conftest import PersonFactory

MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# (zone, frequency, every_n, start, until, local time, expected UTC starts)
CASES = [
    # Madrid springs forward on 29 March 2026: 10:00 local is 09:00 UTC, then 08:00 UTC.
    (
        MADRID,
        "weekly",
        1,
        date(2026, 3, 22),
        date(2026, 4, 5),
        "10:00",
        [utc(2026, 3, 22, 9), utc(2026, 3, 29, 8), utc(2026, 4, 5, 8)],
    ),
    # Madrid falls back on 25 October 2026.
    (
        MADRID,
        "weekly",
        1,
        date(2026, 10, 18),
        date(2026, 11, 1),
        "18:30",
        [utc(2026, 10, 18, 16, 30), utc(2026, 10, 25, 17, 30), utc(2026, 11, 1, 17, 30)],
    ),
    # New York springs forward on 8 March 2026 (UTC-5 to UTC-4), every two weeks.
    (
        NEW_YORK,
        "weekly",
        2,
        date(2026, 3, 1),
        date(2026, 3, 29),
        "09:00",
        [utc(2026, 3, 1, 14), utc(2026, 3, 15, 13), utc(2026, 3, 29, 13)],
    ),
    # New York falls back on 1 November 2026.
    (
        NEW_YORK,
        "monthly",
        1,
        date(2026, 10, 1),
        date(2026, 12, 1),
        "19:00",
        [utc(2026, 10, 1, 23), utc(2026, 11, 2, 0), utc(2026, 12, 2, 0)],
    ),
    # Monthly on the 31st: months without one are skipped, not moved.
    (
        MADRID,
        "monthly",
        1,
        date(2026, 1, 31),
        date(2026, 5, 31),
        "12:00",
        [utc(2026, 1, 31, 11), utc(2026, 3, 31, 10), utc(2026, 5, 31, 10)],
    ),
    # A wall-clock time inside the spring-forward gap moves forward by the gap.
    (
        MADRID,
        "weekly",
        1,
        date(2026, 3, 22),
        date(2026, 3, 29),
        "02:30",
        [utc(2026, 3, 22, 1, 30), utc(2026, 3, 29, 1, 30)],
    ),
    # An ambiguous fall-back time is its first (summer-time) instant.
    (
        MADRID,
        "weekly",
        1,
        date(2026, 10, 25),
        date(2026, 10, 25),
        "02:30",
        [utc(2026, 10, 25, 0, 30)],
    ),
]


@pytest.mark.parametrize(
    ("zone", "frequency", "every_n", "start", "until", "wall", "expected"), CASES
)
def test_occurrences_keep_local_time_across_daylight_saving(
    zone: ZoneInfo,
    frequency: str,
    every_n: int,
    start: date,
    until: date,
    wall: str,
    expected: list[datetime],
) -> None:
    got = series.occurrences(frequency, every_n, start, until, wall, 90, zone)
    assert [s for s, _ in got] == expected
    assert all(e - s == timedelta(minutes=90) for s, e in got)


async def test_series_generates_shifts_and_edits_all_future_or_one(
    opportunity: int, person: PersonFactory
) -> None:
    start = org_today() + timedelta(days=1)
    series_id, ids = await series.create_series(
        SeriesIn(
            opportunity_id=opportunity,
            frequency="weekly",
            start_date=start,
            until_date=start + timedelta(weeks=5),
            local_start="10:00",
            duration_minutes=120,
            capacity=1,
        )
    )
    assert len(ids) == 6
    # Edit one: the third occurrence moves and leaves the series.
    third = await shifts.get_shift(ids[2])
    moved = await shifts.update_shift(
        ids[2],
        ShiftPatch(
            starts_at=third.starts_at + timedelta(hours=1),
            ends_at=third.ends_at + timedelta(hours=1),
        ),
    )
    assert moved.detached
    # Two people on the fourth: one waits until "all future" raises the capacity.
    a, b = await person("Ana"), await person("Blas")
    await signups.sign_up(ids[3], a)
    waiting = await signups.sign_up(ids[3], b)
    since = (await shifts.get_shift(ids[1])).starts_at
    changed = await series.change_future(
        series_id, SeriesChange(local_start="16:15", capacity=2), after=since
    )
    assert changed == 4  # the 2nd, 4th, 5th and 6th; the first is earlier, the third detached
    zone = ZoneInfo("Europe/Madrid")
    for index, shift_id in enumerate(ids):
        found = await shifts.get_shift(shift_id)
        wall = found.starts_at.astimezone(zone).strftime("%H:%M")
        expected = {0: "10:00", 2: "11:00"}.get(index, "16:15")
        assert wall == expected, index
        assert found.ends_at - found.starts_at == timedelta(hours=2)
    assert (await signups.get_signup(waiting.id)).status == "signed_up"
    assert (
        await db.fetch_value("SELECT local_start FROM volunteers_series WHERE id = {}", series_id)
        == "16:15"
    )


async def test_series_rejects_an_end_before_the_start_or_beyond_the_horizon(
    opportunity: int,
) -> None:
    base = {
        "opportunity_id": opportunity,
        "frequency": "monthly",
        "local_start": "09:00",
        "duration_minutes": 60,
        "capacity": 3,
    }
    today = org_today()
    with pytest.raises(InvalidInputError):
        await series.create_series(
            SeriesIn.model_validate(
                {**base, "start_date": today, "until_date": today - timedelta(days=1)}
            )
        )
    with pytest.raises(InvalidInputError):
        await series.create_series(
            SeriesIn.model_validate(
                {**base, "start_date": today, "until_date": today + timedelta(days=900)}
            )
        )

"""Dates of timelines and follow-ups are days in the organisation's time zone, not UTC."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.interactions import queries, service
from core.interactions.queries import TimelineFilters
from core.plugins.registry import PluginRegistry
from core.settings import Settings
from core.testing import base_settings, create_test_user
from tests.core.interactions.helpers import make_constituent

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return base_settings(database_url, time_zone="America/New_York")


async def test_date_filters_are_new_york_days(registry: PluginRegistry) -> None:
    person = await make_constituent()
    # 22:30 on 9 March in New York is already 10 March in UTC.
    late_evening = datetime(2024, 3, 9, 22, 30, tzinfo=NEW_YORK)
    await service.record_interaction(
        constituent_id=person, interaction_type="core.call", occurred_at=late_evening
    )

    async def count(day: date) -> int:
        page = await queries.timeline(person, filters=TimelineFilters(date_from=day, date_to=day))
        return page.total

    assert await count(date(2024, 3, 9)) == 1
    assert await count(date(2024, 3, 10)) == 0


async def test_overdue_is_measured_against_today_in_new_york(registry: PluginRegistry) -> None:
    assert queries.org_today() == datetime.now(NEW_YORK).date()
    staff = await create_test_user("ny@example.org", ["staff"])
    person = await make_constituent()
    today = datetime.now(NEW_YORK).date()
    for due in (today - timedelta(days=1), today):
        await service.schedule_follow_up(
            constituent_id=person, owner_id=staff.user_id, due=due, subject=f"due {due}"
        )
    result = await queries.list_follow_ups(owner_id=staff.user_id, overdue=True)
    assert [i.follow_up_due for i in result.items] == [today - timedelta(days=1)]
    assert (result.counts.open, result.counts.overdue) == (2, 1)

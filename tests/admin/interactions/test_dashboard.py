"""Core's dashboard cards: my open follow-ups, overdue follow-ups, new constituents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from admin.interactions.cards import month_bounds_utc
from core import db
from core.interactions import queries
from core.testing import BrowserSession, TestUser, create_test_user
from tests.admin.interactions.helpers import count_of, follow_up, make_person, section


async def test_dashboard_shows_the_three_cards(admin_ui: BrowserSession, admin: TestUser) -> None:
    today = queries.org_today()
    start, _ = month_bounds_utc(today, ZoneInfo("UTC"))
    person = await make_person("New This Month")
    await make_person("Also New")
    await make_person("Last Month", created_at=start - timedelta(minutes=1))
    gone = await make_person("Deleted")
    await db.execute(
        "UPDATE core_constituent SET deleted_at = {} WHERE id = {}", datetime.now(UTC), gone
    )
    colleague = await create_test_user("colleague@example.org", ["staff"])
    await follow_up(person, admin.user_id, today - timedelta(days=3), "Mine, late")
    await follow_up(person, admin.user_id, today + timedelta(days=1), "Mine, soon")
    await follow_up(person, colleague.user_id, today - timedelta(days=1), "Theirs, late")
    await follow_up(person, colleague.user_id, today, "Theirs, today")

    response = await admin_ui.get("/admin/")
    assert response.status_code == 200
    html = response.text
    assert count_of(html, "core.my_follow_ups") == 2
    assert count_of(html, "core.overdue_follow_ups") == 2
    assert count_of(html, "core.new_constituents") == 2
    mine = section(html, 'data-card="core.my_follow_ups"', "</section>")
    assert "My open follow-ups" in mine
    assert "Mine, late" in mine
    assert "Mine, soon" in mine
    assert "Theirs" not in mine
    assert "1 overdue" in mine
    overdue = section(html, 'data-card="core.overdue_follow_ups"', "</section>")
    assert "Mine, late" in overdue
    assert "Theirs, late" in overdue
    assert "Theirs, today" not in overdue
    assert html.index("core.my_follow_ups") < html.index("core.new_constituents")


def test_month_bounds_follow_the_org_time_zone() -> None:
    zone = ZoneInfo("America/New_York")
    start, end = month_bounds_utc(date(2024, 12, 15), zone)
    assert start == datetime(2024, 12, 1, 5, 0, tzinfo=UTC)
    assert end == datetime(2025, 1, 1, 5, 0, tzinfo=UTC)
    start, end = month_bounds_utc(date(2024, 3, 31), zone)
    assert (start, end) == (
        datetime(2024, 3, 1, 5, 0, tzinfo=UTC),
        datetime(2024, 4, 1, 4, 0, tzinfo=UTC),
    )

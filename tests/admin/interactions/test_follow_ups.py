"""The follow-ups page: grouping by due day, the owner filter, complete/reschedule/cancel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.interactions import queries, service
from core.testing import BrowserSession, TestUser, create_test_user
from tests.admin.interactions.helpers import follow_up, make_person, section

HTMX = {"HX-Request": "true"}


async def test_follow_ups_are_grouped_by_due_day(admin_ui: BrowserSession, admin: TestUser) -> None:
    person = await make_person()
    today = queries.org_today()
    late = await follow_up(person, admin.user_id, today - timedelta(days=2), "Send the report")
    now = await follow_up(person, admin.user_id, today, "Call back")
    later = await follow_up(person, admin.user_id, today + timedelta(days=3), "Visit")
    colleague = await create_test_user("colleague@example.org", ["staff"])
    theirs = await follow_up(person, colleague.user_id, today - timedelta(days=1), "Theirs")

    response = await admin_ui.get("/admin/follow-ups/")
    assert response.status_code == 200
    html = response.text
    overdue = section(html, 'data-group="overdue"', 'data-group="today"')
    due_today = section(html, 'data-group="today"', 'data-group="upcoming"')
    upcoming = section(html, 'data-group="upcoming"')
    assert f'id="follow-up-{late}"' in overdue
    assert "Overdue" in overdue
    assert f'id="follow-up-{now}"' in due_today
    assert f'id="follow-up-{later}"' in upcoming
    assert f'id="follow-up-{theirs}"' not in html
    assert 'aria-current="page"' in html  # the "Follow-ups" nav entry is active

    everyone = (await admin_ui.get("/admin/follow-ups/?owner=all")).text
    assert f'id="follow-up-{theirs}"' in section(everyone, 'data-group="overdue"')
    assert "Owner: colleague" in everyone
    one = (await admin_ui.get(f"/admin/follow-ups/?owner={colleague.user_id}")).text
    assert f'id="follow-up-{theirs}"' in one
    assert f'id="follow-up-{late}"' not in one
    bad = await admin_ui.get("/admin/follow-ups/?owner=nobody")
    assert bad.status_code == 422


async def test_complete_reschedule_cancel(admin_ui: BrowserSession, admin: TestUser) -> None:
    person = await make_person()
    today = queries.org_today()
    first = await follow_up(person, admin.user_id, today - timedelta(days=1), "One")
    second = await follow_up(person, admin.user_id, today - timedelta(days=1), "Two")
    third = await follow_up(person, admin.user_id, today, "Three")

    done = await admin_ui.submit(f"/admin/follow-ups/{first}/complete", {"owner": "me"})
    assert done.status_code == 303
    assert done.headers["location"] == "/admin/follow-ups/?owner=me"
    assert (await service.get_interaction(first)).follow_up_status == "done"

    new_day = today + timedelta(days=5)
    moved = await admin_ui.submit(
        f"/admin/follow-ups/{second}/reschedule", {"owner": "me", "due": new_day.isoformat()}
    )
    assert moved.status_code == 303
    assert (await service.get_interaction(second)).follow_up_due == new_day

    cancelled = await admin_ui.submit(f"/admin/follow-ups/{third}/cancel", {"owner": "all"})
    assert cancelled.status_code == 303
    assert cancelled.headers["location"] == "/admin/follow-ups/?owner=all"
    assert (await service.get_interaction(third)).follow_up_status == "cancelled"

    again = await admin_ui.submit(f"/admin/follow-ups/{third}/complete", {"owner": "me"})
    assert again.status_code == 303
    assert (await service.get_interaction(third)).follow_up_status == "cancelled"
    page = await admin_ui.get("/admin/follow-ups/")
    assert "This follow-up is no longer open." in page.text

    # With htmx the answer is the list itself, with the message.
    task = await follow_up(person, admin.user_id, today - timedelta(days=1), "Send thanks")
    response = await admin_ui.post(
        f"/admin/follow-ups/{task}/complete",
        data={"owner": "me"},
        headers={**HTMX, "X-CSRF-Token": admin_ui.csrf},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="follow-ups"')
    assert "Follow-up marked as done." in response.text
    assert f'id="follow-up-{task}"' not in response.text


async def test_bad_reschedule_date_is_shown_next_to_the_field(
    admin_ui: BrowserSession, admin: TestUser
) -> None:
    person = await make_person()
    task = await follow_up(person, admin.user_id, queries.org_today(), "Call")
    response = await admin_ui.submit(
        f"/admin/follow-ups/{task}/reschedule", {"owner": "me", "due": "next tuesday"}
    )
    assert response.status_code == 422
    row = section(response.text, f'id="follow-up-{task}"', "</li>")
    assert f'id="due-error-{task}"' in row
    assert "Enter a date as YYYY-MM-DD." in row
    assert 'value="next tuesday"' in row
    before = await service.get_interaction(task)
    assert before.follow_up_due == queries.org_today()


async def test_viewer_cannot_act_and_csrf_is_required(
    make_admin_ui: Any, admin_ui: BrowserSession, admin: TestUser
) -> None:
    viewer = await make_admin_ui(roles=["viewer"])
    person = await make_person()
    task = await follow_up(person, admin.user_id, queries.org_today(), "Call")
    page = await viewer.get("/admin/follow-ups/?owner=all")
    assert page.status_code == 200
    assert f'id="follow-up-{task}"' in page.text
    assert "Mark done" not in page.text
    for action in ("complete", "cancel", "reschedule"):
        response = await viewer.submit(f"/admin/follow-ups/{task}/{action}", {"due": "2030-01-01"})
        assert response.status_code == 403
    assert (await service.get_interaction(task)).follow_up_status == "open"
    no_token = await admin_ui.post(f"/admin/follow-ups/{task}/complete", data={"owner": "me"})
    assert no_token.status_code == 403
    assert (await service.get_interaction(task)).follow_up_status == "open"


async def test_staff_without_interactions_read_get_403(
    make_admin_ui: Any, admin_ui: BrowserSession
) -> None:
    from core.auth import roles

    await roles.create_role("guest", "Guest", ["constituents.read"])
    guest = await make_admin_ui(roles=["guest"])
    assert (await guest.get("/admin/follow-ups/")).status_code == 403
    person = await make_person()
    timeline = await guest.get(f"/admin/constituents/{person}/timeline")
    assert timeline.status_code == 403
    dashboard = (await guest.get("/admin/")).text
    assert 'data-card="core.my_follow_ups"' not in dashboard
    assert 'data-card="core.new_constituents"' in dashboard
    assert 'href="/admin/follow-ups/"' not in dashboard

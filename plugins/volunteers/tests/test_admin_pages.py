"""Admin pages: opportunities, shifts (one-off and recurring), roster, kiosk, hours, reports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from core.testing import BrowserSession
from plugins.volunteers import hours, notify, shifts, signups
from plugins.volunteers.common import org_today
from plugins.volunteers.tests.conftest import PersonFactory, ShiftFactory

MakeUI = Callable[..., Awaitable[BrowserSession]]


async def test_opportunity_and_recurring_shift_forms(admin_ui: BrowserSession) -> None:
    bad = await admin_ui.submit(
        "/admin/volunteers/opportunities", {"title": "", "minimum_age": "x"}
    )
    assert bad.status_code == 422
    assert 'id="error-title"' in bad.text
    made = await admin_ui.submit(
        "/admin/volunteers/opportunities",
        {"title": "Soup kitchen", "required_skills": "Cooking, hygiene", "active": "true"},
    )
    assert made.status_code == 303
    opportunity = (await shifts.list_opportunities())[0]
    assert opportunity.required_skills == ["cooking", "hygiene"]
    start = org_today() + timedelta(days=1)
    schedule = await admin_ui.submit(
        "/admin/volunteers/shifts",
        {
            "opportunity_id": str(opportunity.id),
            "frequency": "weekly",
            "day": start.isoformat(),
            "start_time": "18:00",
            "duration_minutes": "120",
            "capacity": "4",
            "every_n": "1",
            "until_date": (start + timedelta(weeks=3)).isoformat(),
        },
    )
    assert schedule.status_code == 303, schedule.text
    assert len(await shifts.list_shifts(opportunity_id=opportunity.id)) == 4
    missing = await admin_ui.submit(
        "/admin/volunteers/shifts",
        {"opportunity_id": str(opportunity.id), "frequency": "once", "day": "", "capacity": "3"},
    )
    assert missing.status_code == 422
    listing = await admin_ui.get("/admin/volunteers/shifts")
    assert listing.status_code == 200
    assert "Soup kitchen" in listing.text


async def test_roster_signup_on_behalf_status_cancel_and_kiosk(
    admin_ui: BrowserSession, person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id = await shift(capacity=1)
    ana, blas = await person("Arteta"), await person("Blasco")
    first = await admin_ui.submit(
        f"/admin/volunteers/shifts/{shift_id}/signups", {"constituent_id": str(ana)}
    )
    assert first.status_code == 303
    await admin_ui.submit(
        f"/admin/volunteers/shifts/{shift_id}/signups", {"constituent_id": str(blas)}
    )
    page = await admin_ui.get(f"/admin/volunteers/shifts/{shift_id}")
    assert "Arteta" in page.text
    found = await admin_ui.get(f"/admin/volunteers/shifts/{shift_id}?who=blasc")
    assert f'name="constituent_id" value="{blas}"' in found.text
    assert "Waitlisted" in page.text
    roster = await signups.roster(shift_id)
    placed = next(s for s in roster if s.constituent_id == ana)
    confirmed = await admin_ui.submit(
        f"/admin/volunteers/signups/{placed.id}/status", {"status": "confirmed"}
    )
    assert confirmed.status_code == 303
    assert (await signups.get_signup(placed.id)).status == "confirmed"
    kiosk = await admin_ui.get(f"/admin/volunteers/kiosk/{shift_id}?q=artet")
    assert f"/admin/volunteers/kiosk/signups/{placed.id}/in" in kiosk.text
    by_code = await admin_ui.get(
        f"/admin/volunteers/kiosk/{shift_id}?code={notify.checkin_code(placed.id)}"
    )
    assert "Arteta" in by_code.text
    forged = await admin_ui.get(f"/admin/volunteers/kiosk/{shift_id}?code=1-XXXX")
    assert forged.status_code == 422
    arrived = await admin_ui.submit(f"/admin/volunteers/kiosk/signups/{placed.id}/in")
    assert arrived.status_code == 303
    assert (await signups.get_signup(placed.id)).checked_in_at is not None
    left = await admin_ui.submit(f"/admin/volunteers/kiosk/signups/{placed.id}/out")
    assert left.status_code == 303
    corrected = await admin_ui.submit(
        f"/admin/volunteers/signups/{placed.id}/attendance",
        {"checked_in": "10:00", "checked_out": "12:30"},
    )
    assert corrected.status_code == 303
    assert (await hours.person_total(ana)).minutes == 150
    cancelled = await admin_ui.submit(
        f"/admin/volunteers/shifts/{shift_id}/cancel", {"reason": "Flooded"}
    )
    assert cancelled.status_code == 303
    assert (await shifts.get_shift(shift_id)).cancel_reason == "Flooded"


async def test_edit_all_future_from_the_shift_page(
    admin_ui: BrowserSession, opportunity: int
) -> None:
    from plugins.volunteers import series
    from plugins.volunteers.models import SeriesIn

    start = org_today() + timedelta(days=2)
    _sid, ids = await series.create_series(
        SeriesIn(
            opportunity_id=opportunity,
            frequency="weekly",
            start_date=start,
            until_date=start + timedelta(weeks=2),
            local_start="09:00",
            duration_minutes=60,
            capacity=2,
        )
    )
    changed = await admin_ui.submit(
        f"/admin/volunteers/shifts/{ids[1]}/edit",
        {"scope": "future", "start_time": "11:30", "duration_minutes": "90", "capacity": "5"},
    )
    assert changed.status_code == 303
    first, second, third = [await shifts.get_shift(i) for i in ids]
    assert first.capacity == 2
    assert (second.capacity, third.capacity) == (5, 5)
    assert third.ends_at - third.starts_at == timedelta(minutes=90)


async def test_hours_queue_rates_profile_matching_and_reports(
    admin_ui: BrowserSession, person: PersonFactory, opportunity: int, shift: ShiftFactory
) -> None:
    ana = await person("Ana")
    bad_rate = await admin_ui.submit(
        "/admin/volunteers/rates", {"effective_from": "2020-01-01", "rate": "abc"}
    )
    assert bad_rate.status_code == 422
    rate = await admin_ui.submit(
        "/admin/volunteers/rates", {"effective_from": "2020-01-01", "rate": "15.50"}
    )
    assert rate.status_code == 303
    entry = await hours.record_hours(
        hours.HoursIn(
            constituent_id=ana,
            opportunity_id=opportunity,
            work_date=org_today() - timedelta(days=3),
            minutes=120,
        )
    )
    queue = await admin_ui.get("/admin/volunteers/hours")
    assert "Ana" in queue.text
    decided = await admin_ui.submit(
        f"/admin/volunteers/hours/{entry}/decision", {"decision": "approve"}
    )
    assert decided.status_code == 303
    assert (await hours.person_total(ana)).value_minor == 3100
    bad_profile = await admin_ui.submit(f"/admin/volunteers/people/{ana}", {"day5": "morning"})
    assert bad_profile.status_code == 422
    saved = await admin_ui.submit(
        f"/admin/volunteers/people/{ana}",
        {
            "skills": "driving",
            "languages": "Spanish",
            "day5": "09:00-14:00",
            "postcode": "28013",
            "background_status": "clear",
        },
    )
    assert saved.status_code == 303
    profile_page = await admin_ui.get(f"/admin/volunteers/people/{ana}")
    assert "09:00-14:00" in profile_page.text
    shift_id = await shift(capacity=3)
    ranked = await admin_ui.get(f"/admin/volunteers/shifts/{shift_id}/match?postcode=28013")
    assert "Ana" in ranked.text
    invited = await admin_ui.submit(
        f"/admin/volunteers/shifts/{shift_id}/invite", {"constituent_id[]": [str(ana)]}
    )
    assert invited.status_code == 303
    report = await admin_ui.get("/admin/volunteers/reports")
    assert report.status_code == 200
    assert "<svg" in report.text
    csv_text = (await admin_ui.get("/admin/volunteers/reports/month/csv")).text
    assert csv_text.startswith("month,hours,value_minor,currency,volunteers")
    assert ",2.0,3100,EUR,1" in csv_text
    people = (await admin_ui.get("/admin/volunteers/reports/person/csv")).text
    assert f"{ana},Ada Ana,2.0,3100,EUR" in people
    overlap = (await admin_ui.get("/admin/volunteers/reports/overlap/csv")).text
    assert "donations.gave_in_period" in overlap
    bad_period = await admin_ui.get(
        "/admin/volunteers/reports?date_from=2025-05-01&date_to=2024-01-01"
    )
    assert bad_period.status_code == 422
    assert (await admin_ui.get("/admin/volunteers/reports/nope/csv")).status_code == 404


async def test_readers_cannot_change_and_pages_render(
    make_admin_ui: MakeUI, admin_ui: BrowserSession, shift: ShiftFactory
) -> None:
    shift_id = await shift()
    for path in (
        "/admin/volunteers/",
        "/admin/volunteers/opportunities",
        "/admin/volunteers/rates",
        f"/admin/volunteers/shifts/{shift_id}",
        "/admin/volunteers/shifts/new",
    ):
        assert (await admin_ui.get(path)).status_code == 200, path
    viewer = await make_admin_ui(roles=["viewer"])
    assert (await viewer.get("/admin/volunteers/")).status_code == 403
    refused = await viewer.submit(f"/admin/volunteers/shifts/{shift_id}/cancel", {"reason": "x"})
    assert refused.status_code == 403
    assert (await shifts.get_shift(shift_id)).cancelled_at is None


def test_rate_currency_message_is_translated() -> None:
    from core.i18n import use_locale
    from plugins.volunteers.admin_common import service_message

    with use_locale("en"):
        assert service_message("must be USD") == "Rates are in USD."
        assert service_message("must be one of a, b") == "must be one of a, b"

"""Portal: calendar, sign up, waitlist, cancel (own only), my shifts, report hours, profile."""

from __future__ import annotations

from datetime import timedelta

from litestar import Litestar

from core import db
from plugins.volunteers import hours, profiles, shifts, signups
from plugins.volunteers.common import org_today
from plugins.volunteers.models import OpportunityIn
from plugins.volunteers.tests.conftest import ShiftFactory
from tests.portal.conftest import make_donor, sign_in


async def test_sign_up_waitlist_cancel_and_promotion(
    app: Litestar, shift: ShiftFactory, opportunity: int
) -> None:
    ann = await make_donor("ann@example.org", "Ann", "Able")
    bob = await make_donor("bob@example.org", "Bob", "Baker")
    ann_client, bob_client = await sign_in(app, ann), await sign_in(app, bob)
    shift_id = await shift(capacity=1)
    calendar = await ann_client.get("/portal/volunteers/")
    assert calendar.status_code == 200
    assert f"/portal/volunteers/shifts/{shift_id}" in calendar.text
    assert "Places left: 1" in calendar.text
    page = await ann_client.get(f"/portal/volunteers/shifts/{shift_id}")
    assert "Sign up" in page.text
    done = await ann_client.submit(f"/portal/volunteers/shifts/{shift_id}/signup")
    assert done.status_code == 303
    full = await bob_client.get(f"/portal/volunteers/shifts/{shift_id}")
    assert "Join the waitlist" in full.text
    await bob_client.submit(f"/portal/volunteers/shifts/{shift_id}/signup")
    roster = {s.constituent_id: s for s in await signups.roster(shift_id)}
    assert roster[ann.id].source == "portal"
    assert roster[bob.id].status == "waitlisted"
    # Bob cannot cancel Ann's place.
    stolen = await bob_client.submit(f"/portal/volunteers/signups/{roster[ann.id].id}/cancel")
    assert stolen.status_code == 404
    mine = await ann_client.get("/portal/volunteers/mine")
    assert "Food bank" in mine.text
    cancelled = await ann_client.submit(f"/portal/volunteers/signups/{roster[ann.id].id}/cancel")
    assert cancelled.status_code == 303
    assert (await signups.get_signup(roster[bob.id].id)).status == "signed_up"
    home = await bob_client.get("/portal/")
    assert "Volunteering" in home.text


async def test_report_hours_and_profile(app: Litestar, opportunity: int) -> None:
    ann = await make_donor("ann@example.org", "Ann", "Able")
    client = await sign_in(app, ann)
    bad = await client.submit(
        "/portal/volunteers/hours",
        {"opportunity_id": str(opportunity), "work_date": "2025-01-01", "minutes": "0"},
    )
    assert bad.status_code == 422
    future = await client.submit(
        "/portal/volunteers/hours",
        {
            "opportunity_id": str(opportunity),
            "work_date": (org_today() + timedelta(days=3)).isoformat(),
            "minutes": "60",
        },
    )
    assert future.status_code == 422
    ok = await client.submit(
        "/portal/volunteers/hours",
        {"opportunity_id": str(opportunity), "work_date": "2025-01-01", "minutes": "90"},
    )
    assert ok.status_code == 303
    status = await db.fetch_value(
        "SELECT status FROM volunteers_hours WHERE constituent_id = {}", ann.id
    )
    assert status == "pending"
    assert (await hours.person_total(ann.id)).minutes == 0
    bad_profile = await client.submit("/portal/volunteers/profile", {"day2": "afternoons"})
    assert bad_profile.status_code == 422
    saved = await client.submit(
        "/portal/volunteers/profile",
        {"skills": "Cooking, driving", "languages": "Spanish", "day2": "17:00-20:00"},
    )
    assert saved.status_code == 303
    found = await profiles.get_profile(ann.id)
    assert found is not None
    assert found.skills == ["cooking", "driving"]
    assert found.availability == {"2": [("17:00", "20:00")]}
    page = await client.get("/portal/volunteers/profile")
    assert "17:00-20:00" in page.text


async def test_inactive_opportunities_are_hidden(app: Litestar, shift: ShiftFactory) -> None:
    ann = await make_donor("ann@example.org", "Ann", "Able")
    client = await sign_in(app, ann)
    hidden = await shifts.create_opportunity(OpportunityIn(title="Secret", active=False))
    from datetime import UTC, datetime

    from plugins.volunteers.models import ShiftIn

    start = datetime.now(UTC) + timedelta(days=2)
    made = await shifts.create_shift(
        ShiftIn(
            opportunity_id=hidden.id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=2,
        )
    )
    assert "Secret" not in (await client.get("/portal/volunteers/")).text
    assert (await client.get(f"/portal/volunteers/shifts/{made.id}")).status_code == 404
    assert (await client.submit(f"/portal/volunteers/shifts/{made.id}/signup")).status_code == 404

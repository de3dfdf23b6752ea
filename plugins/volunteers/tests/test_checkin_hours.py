"""Check-in and out, corrections, self-reported hours, dated rates and totals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core import db
from core.errors import ConflictError, InvalidInputError
from plugins.volunteers import checkin, hours, notify, signups
from plugins.volunteers.common import org_today
from plugins.volunteers.tests.conftest import PersonFactory, ShiftFactory


async def test_checkin_and_out_record_approved_hours_and_corrections_follow(
    person: PersonFactory, shift: ShiftFactory, opportunity: int
) -> None:
    shift_id = await shift(capacity=3)
    ana = await person("Ana")
    made = await signups.sign_up(shift_id, ana)
    arrived = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    inside = await checkin.check_in(made.id, at=arrived)
    assert inside.status == "attended"
    with pytest.raises(InvalidInputError):
        await checkin.check_out(made.id, at=arrived + timedelta(seconds=30))
    again = await checkin.check_in(made.id, at=arrived + timedelta(hours=1))
    assert again.checked_in_at == arrived
    await checkin.check_out(made.id, at=arrived + timedelta(minutes=150))
    total = await hours.person_total(ana)
    assert total.minutes == 150
    await checkin.correct_attendance(made.id, arrived, arrived + timedelta(minutes=90))
    assert (await hours.person_total(ana)).minutes == 90
    count = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM volunteers_hours WHERE signup_id = {}", made.id
    )
    assert int(count) == 1
    with pytest.raises(InvalidInputError):
        await checkin.correct_attendance(made.id, arrived, arrived - timedelta(minutes=1))


async def test_kiosk_finds_people_by_name_or_by_their_code(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id, other = await shift(), await shift()
    ana = await signups.sign_up(shift_id, await person("Zubizarreta"))
    await signups.sign_up(shift_id, await person("Otero"))
    found = await checkin.search_roster(shift_id, "zubi")
    assert [s.id for s in found] == [ana.id]
    code = notify.checkin_code(ana.id)
    assert (await checkin.signup_for_code(shift_id, code.lower())).id == ana.id
    with pytest.raises(InvalidInputError):
        await checkin.signup_for_code(other, code)
    scanned = f"http://127.0.0.1:8000/admin/volunteers/kiosk/{shift_id}?code={code}"
    assert (await checkin.signup_for_code(shift_id, scanned)).id == ana.id
    forged = f"{ana.id}-AAAAAAAA"
    with pytest.raises(InvalidInputError):
        await checkin.signup_for_code(shift_id, forged)


async def test_waitlisted_people_cannot_check_in(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id = await shift(capacity=1)
    await signups.sign_up(shift_id, await person("Ana"))
    waiting = await signups.sign_up(shift_id, await person("Blas"))
    with pytest.raises(ConflictError):
        await checkin.check_in(waiting.id)


async def test_self_reported_hours_wait_for_approval_and_use_the_dated_rate(
    person: PersonFactory, opportunity: int
) -> None:
    ana = await person("Ana")
    await hours.add_rate(
        hours.RateIn(effective_from=date(2020, 1, 1), rate_minor=1500, currency="EUR")
    )
    early = await hours.record_hours(
        hours.HoursIn(
            constituent_id=ana, opportunity_id=opportunity, work_date=date(2024, 5, 2), minutes=120
        )
    )
    assert (await hours.person_total(ana)).minutes == 0  # pending
    assert [p["id"] for p in await hours.pending_hours()] == [early]
    await hours.decide_hours(early, approve=True, user_id=None)
    with pytest.raises(ConflictError):
        await hours.decide_hours(early, approve=False, user_id=None)
    before = await hours.person_total(ana)
    assert (before.minutes, before.value_minor) == (120, 3000)
    # A new rate from today on leaves the past value alone.
    await hours.add_rate(hours.RateIn(effective_from=org_today(), rate_minor=3000, currency="EUR"))
    today_id = await hours.record_hours(
        hours.HoursIn(
            constituent_id=ana, opportunity_id=opportunity, work_date=org_today(), minutes=30
        ),
        source="staff",
    )
    assert today_id
    after = await hours.person_total(ana)
    assert (after.minutes, after.value_minor) == (150, 3000 + 1500)
    by_month = {t.key: t.value_minor for t in await hours.totals("month")}
    assert by_month["2024-05"] == 3000
    rejected = await hours.record_hours(
        hours.HoursIn(
            constituent_id=ana, opportunity_id=opportunity, work_date=date(2024, 5, 3), minutes=60
        )
    )
    await hours.decide_hours(rejected, approve=False, user_id=None)
    assert (await hours.person_total(ana)).minutes == 150


async def test_rates_cannot_rewrite_history_and_hours_are_validated(
    person: PersonFactory, opportunity: int
) -> None:
    await hours.add_rate(
        hours.RateIn(effective_from=date(2020, 1, 1), rate_minor=1000, currency="EUR")
    )
    with pytest.raises(InvalidInputError):
        await hours.add_rate(
            hours.RateIn(effective_from=date(2021, 1, 1), rate_minor=1, currency="EUR")
        )
    with pytest.raises(InvalidInputError):
        await hours.add_rate(
            hours.RateIn(
                effective_from=org_today() + timedelta(days=5), rate_minor=1, currency="USD"
            )
        )
    ana = await person("Ana")
    with pytest.raises(InvalidInputError):
        await hours.record_hours(
            hours.HoursIn(
                constituent_id=ana,
                opportunity_id=opportunity,
                work_date=org_today() + timedelta(days=2),
                minutes=60,
            )
        )
    with pytest.raises(InvalidInputError):
        await hours.record_hours(
            hours.HoursIn(
                constituent_id=ana, opportunity_id=opportunity, work_date=org_today(), minutes=1000
            )
        )

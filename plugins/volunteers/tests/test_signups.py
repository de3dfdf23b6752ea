"""Sign-ups: hard capacity under concurrency, waitlist order and promotion exactly once."""

from __future__ import annotations

import asyncio

import pytest

from core import db
from core.errors import ConflictError, InvalidInputError
from core.mail import service as mail
from plugins.volunteers import shifts, signups
from plugins.volunteers.models import ShiftPatch
from plugins.volunteers.tests.conftest import PersonFactory, ShiftFactory


async def statuses(shift_id: int) -> dict[str, int]:
    rows = await db.fetch_all(
        "SELECT status, COUNT(*) AS n FROM volunteers_signup WHERE shift_id = {} GROUP BY status",
        shift_id,
    )
    return {row["status"]: int(row["n"]) for row in rows}


async def test_thirty_simultaneous_signups_fill_ten_places_and_wait_twenty(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id = await shift(capacity=10)
    people = [await person(f"Racer{i}") for i in range(30)]
    results = await asyncio.gather(*(signups.sign_up(shift_id, p) for p in people))
    assert sum(r.status == "signed_up" for r in results) == 10
    assert sum(r.status == "waitlisted" for r in results) == 20
    assert await statuses(shift_id) == {"signed_up": 10, "waitlisted": 20}
    positions = sorted(r.waitlist_position or 0 for r in results if r.status == "waitlisted")
    assert positions == list(range(1, 21))
    found = await shifts.get_shift(shift_id)
    assert (found.taken, found.waitlisted, found.free) == (10, 20, 0)


async def test_cancellation_promotes_the_first_waiting_person_once(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id = await shift(capacity=2)
    a, b, c, d = [await person(n) for n in ("Alba", "Bea", "Carla", "Dora")]
    first = await signups.sign_up(shift_id, a)
    await signups.sign_up(shift_id, b)
    third = await signups.sign_up(shift_id, c)
    fourth = await signups.sign_up(shift_id, d)
    assert (third.status, third.waitlist_position) == ("waitlisted", 1)
    assert (fourth.status, fourth.waitlist_position) == ("waitlisted", 2)
    # The same cancellation twice, at once: one place frees, one person moves up.
    await asyncio.gather(signups.cancel_signup(first.id), signups.cancel_signup(first.id))
    assert (await signups.get_signup(third.id)).status == "signed_up"
    assert (await signups.get_signup(fourth.id)).status == "waitlisted"
    assert await statuses(shift_id) == {"cancelled": 1, "signed_up": 2, "waitlisted": 1}
    outbox = await mail.list_outbox(page=1, per_page=50)
    promoted = [m for m in outbox.items if m.tag == "volunteers.promoted"]
    assert len(promoted) == 1
    assert "carla" in promoted[0].to_address


async def test_concurrent_cancellations_promote_each_waiting_person_exactly_once(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id = await shift(capacity=5)
    people = [await person(f"P{i}") for i in range(12)]
    made = [await signups.sign_up(shift_id, p) for p in people]
    placed = [s for s in made if s.status == "signed_up"]
    await asyncio.gather(*(signups.cancel_signup(s.id) for s in placed[:3]))
    assert await statuses(shift_id) == {"cancelled": 3, "signed_up": 5, "waitlisted": 4}
    promoted = [await signups.get_signup(s.id) for s in made[5:8]]
    assert all(s.status == "signed_up" for s in promoted)  # the first three in line
    rest = [await signups.get_signup(s.id) for s in made[8:]]
    assert [s.status for s in rest] == ["waitlisted"] * 4


async def test_signing_up_twice_keeps_one_signup_and_reopens_a_cancelled_one(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id = await shift(capacity=1)
    a, b = await person("Ana"), await person("Blas")
    once = await signups.sign_up(shift_id, a, source="portal")
    again = await signups.sign_up(shift_id, a)
    assert again.id == once.id
    assert again.source == "portal"
    waiting = await signups.sign_up(shift_id, b)
    await signups.cancel_signup(waiting.id)
    reopened = await signups.sign_up(shift_id, b)
    assert reopened.id == waiting.id
    assert reopened.status == "waitlisted"


async def test_more_capacity_promotes_and_cancelled_or_past_shifts_refuse(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id = await shift(capacity=1)
    a, b = await person("Ana"), await person("Blas")
    await signups.sign_up(shift_id, a)
    waiting = await signups.sign_up(shift_id, b)
    await shifts.update_shift(shift_id, ShiftPatch(capacity=2))
    assert (await signups.get_signup(waiting.id)).status == "signed_up"
    await shifts.cancel_shift(shift_id, "Storm warning")
    with pytest.raises(ConflictError):
        await signups.sign_up(shift_id, await person("Cruz"))
    past = await shift(days=-1)
    with pytest.raises(ConflictError):
        await signups.sign_up(past, a)


async def test_cancelling_a_shift_emails_everyone_once(
    person: PersonFactory, shift: ShiftFactory
) -> None:
    shift_id = await shift(capacity=1)
    a, b = await person("Ana"), await person("Blas")
    await signups.sign_up(shift_id, a)
    await signups.sign_up(shift_id, b)
    await shifts.cancel_shift(shift_id, "Storm warning")
    await shifts.cancel_shift(shift_id, "again")
    outbox = await mail.list_outbox(page=1, per_page=50)
    sent = [m for m in outbox.items if m.tag == "volunteers.cancelled"]
    assert len(sent) == 2
    assert await statuses(shift_id) == {"cancelled": 2}
    stored = await mail.get_outbox(sent[0].id)
    assert "Storm warning" in stored.text_body


async def test_minimum_age_and_status_rules(person: PersonFactory, shift: ShiftFactory) -> None:
    from plugins.volunteers.models import OpportunityIn

    opp = await shifts.create_opportunity(OpportunityIn(title="Bar", minimum_age=18))
    young = await person("Young", birth_date="2020-01-01")
    from datetime import UTC, datetime, timedelta

    from plugins.volunteers.models import ShiftIn

    start = datetime.now(UTC) + timedelta(days=2)
    made = await shifts.create_shift(
        ShiftIn(
            opportunity_id=opp.id, starts_at=start, ends_at=start + timedelta(hours=1), capacity=3
        )
    )
    with pytest.raises(InvalidInputError):
        await signups.sign_up(made.id, young)
    adult = await signups.sign_up(made.id, await person("Adult", birth_date="1990-01-01"))
    marked = await signups.set_status(adult.id, "confirmed")
    assert marked.status == "confirmed"
    with pytest.raises(InvalidInputError):
        await signups.set_status(adult.id, "cancelled")

"""Reminders: sent once even when the job runs twice, at the right elapsed time across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import db
from core.mail import service as mail
from plugins.volunteers import jobs, shifts, signups
from plugins.volunteers.models import Shift, ShiftIn
from plugins.volunteers.tests.conftest import PersonFactory


async def reminders_sent() -> list[str]:
    page = await mail.list_outbox(page=1, per_page=100)
    return [m.text_body for m in page.items if m.tag == "volunteers.reminder"]


# (shift start in UTC, moment the job runs, reminder expected) with a 24-hour setting.
# Madrid springs forward on 28 March 2027: a 10:00 shift that day is 08:00 UTC, and the
# reminder is due 24 elapsed hours earlier, at 09:00 local time the day before.
DST_CASES = [
    (datetime(2027, 3, 28, 8, tzinfo=UTC), datetime(2027, 3, 27, 7, 59, tzinfo=UTC), False),
    (datetime(2027, 3, 28, 8, tzinfo=UTC), datetime(2027, 3, 27, 8, 0, tzinfo=UTC), True),
    # Madrid falls back on 31 October 2027: a 10:00 shift is 09:00 UTC.
    (datetime(2027, 10, 31, 9, tzinfo=UTC), datetime(2027, 10, 30, 8, 59, tzinfo=UTC), False),
    (datetime(2027, 10, 31, 9, tzinfo=UTC), datetime(2027, 10, 30, 9, 0, tzinfo=UTC), True),
    # A shift already started gets no reminder.
    (datetime(2027, 3, 28, 8, tzinfo=UTC), datetime(2027, 3, 28, 8, 0, tzinfo=UTC), False),
]


@pytest.mark.parametrize(("starts", "now", "expected"), DST_CASES)
async def test_reminder_is_due_by_elapsed_hours_across_daylight_saving(
    person: PersonFactory, opportunity: int, starts: datetime, now: datetime, expected: bool
) -> None:
    made = await shifts.create_shift(
        ShiftIn(
            opportunity_id=opportunity,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=4,
        )
    )
    await signups.sign_up(made.id, await person("Ana"))
    assert await jobs.send_due_reminders(now) == (1 if expected else 0)


async def test_reminders_are_sent_once_even_when_the_job_runs_twice(
    person: PersonFactory, opportunity: int
) -> None:
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
    made = await shifts.create_shift(
        ShiftIn(
            opportunity_id=opportunity,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=4,
        )
    )
    ana = await signups.sign_up(made.id, await person("Ana"))
    await signups.sign_up(made.id, await person("Blas", email=False))
    cancelled = await signups.sign_up(made.id, await person("Cruz"))
    await signups.cancel_signup(cancelled.id)
    assert await jobs.send_reminders() == 1
    assert await jobs.send_reminders() == 0
    texts = await reminders_sent()
    assert len(texts) == 1
    page = await mail.list_outbox(page=1, per_page=10)
    html = next(m.html_body for m in page.items if m.tag == "volunteers.reminder") or ""
    assert "<svg" in html
    from plugins.volunteers.notify import checkin_code

    assert checkin_code(ana.id) in texts[0]
    assert f"/admin/volunteers/kiosk/{made.id}?code=" in texts[0]
    notices = await db.fetch_value("SELECT COUNT(*) AS n FROM volunteers_notice")
    assert int(notices) == 2  # Blas has no address: claimed, nothing to send


async def test_a_refused_address_does_not_stop_the_other_reminders(
    person: PersonFactory, opportunity: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.errors import InvalidInputError
    from plugins.volunteers import notify

    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    made = await shifts.create_shift(
        ShiftIn(
            opportunity_id=opportunity,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=4,
        )
    )
    bad = await signups.sign_up(made.id, await person("Bad"))
    await signups.sign_up(made.id, await person("Good"))
    real = notify.send_notice

    async def refuse_first(
        kind: notify.Kind, constituent_id: int, shift: Shift, *, signup_id: int | None = None
    ) -> int | None:
        if constituent_id == bad.constituent_id:
            raise InvalidInputError({"to": "not a valid address"})
        return await real(kind, constituent_id, shift, signup_id=signup_id)

    monkeypatch.setattr(notify, "send_notice", refuse_first)
    assert await jobs.send_due_reminders() == 1
    assert await jobs.send_due_reminders() == 0  # the refused one is not retried forever

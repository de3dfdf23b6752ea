"""Jobs: reminders sent once (twice run, interrupted run), auto-renewal, recomputation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from core import db
from core.jobs.execution import run_one
from core.jobs.service import enqueue
from core.jobs.specs import job_specs
from core.mail import send_mail
from core.mail.testing import SmtpSink, smtp_sink
from core.settings import Settings
from core.testing import base_settings
from plugins.membership import jobs, memberships, reminders, store
from plugins.membership.autorenew import auto_renew_due
from plugins.membership.models import JoinIn
from plugins.membership.tests.conftest import ORG_ZONE, LevelFactory, PersonFactory, SetToday

D = date


async def _outbox(tag: str = reminders.TAG) -> list[dict[str, Any]]:
    return await db.fetch_all(
        "SELECT to_address, subject, text_body FROM core_mail_outbox WHERE tag = {} ORDER BY id",
        tag,
    )


async def _reminder_interactions() -> int:
    value = await db.fetch_value(
        "SELECT COUNT(*) FROM core_interaction WHERE interaction_type = 'membership.reminder'"
    )
    return int(value)


async def _three_members(person: PersonFactory, level: LevelFactory) -> list[int]:
    yearly = await level("Yearly", grace_days=30)
    ids = []
    for name in ("One", "Two", "Three"):
        member = await person(name, email=f"{name.lower()}@example.org")
        ids.append((await memberships.join(JoinIn(member_id=member, level_id=yearly.id))).id)
    return ids


async def test_reminder_job_run_twice_sends_each_reminder_once(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2025, 6, 1))
    ids = await _three_members(person, level)
    today(D(2026, 5, 2))  # 30 days before the 1 June 2026 end
    await jobs.send_reminders()
    await jobs.send_reminders()
    sent = await _outbox()
    assert sorted(m["to_address"] for m in sent) == [
        "one@example.org",
        "three@example.org",
        "two@example.org",
    ]
    assert "expires soon" in sent[0]["subject"]
    assert "June 1, 2026" in sent[0]["text_body"]
    assert await _reminder_interactions() == 3
    today(D(2026, 5, 28))  # the 7-day reminder is a different one
    assert await reminders.send_due_reminders() == 3
    assert await reminders.send_due_reminders() == 0
    today(D(2026, 6, 9))  # in grace, 8 days after expiry
    assert await reminders.send_due_reminders() == 3
    assert len(await _outbox()) == 9
    rows = await db.fetch_all(
        "SELECT kind, days FROM membership_reminder WHERE membership_id = {} ORDER BY id", ids[0]
    )
    assert [(r["kind"], r["days"]) for r in rows] == [("before", 30), ("before", 7), ("grace", 7)]


async def test_interrupted_reminder_job_resumes_without_duplicates(
    person: PersonFactory, level: LevelFactory, today: SetToday, monkeypatch: pytest.MonkeyPatch
) -> None:
    today(D(2025, 6, 1))
    await _three_members(person, level)
    today(D(2026, 5, 25))
    real_send = send_mail
    calls = {"n": 0}

    async def crash_on_second(mail: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return await real_send(mail)

    monkeypatch.setattr(reminders, "send_mail", crash_on_second)
    with pytest.raises(RuntimeError):
        await jobs.send_reminders()
    assert len(await _outbox()) == 1  # the second's transaction rolled back: nothing sent
    assert await db.fetch_value("SELECT COUNT(*) FROM membership_reminder") == 1
    monkeypatch.setattr(reminders, "send_mail", real_send)
    await jobs.send_reminders()  # the job queue runs it again
    await jobs.send_reminders()
    sent = await _outbox()
    assert len(sent) == 3
    assert len({m["to_address"] for m in sent}) == 3
    assert await _reminder_interactions() == 3


async def test_no_reminder_without_an_address_or_when_cancelled(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2025, 6, 1))
    yearly = await level("Yearly")
    silent = await memberships.join(JoinIn(member_id=await person("Silent"), level_id=yearly.id))
    gone_member = await person("Gone", email="gone@example.org")
    gone = await memberships.join(JoinIn(member_id=gone_member, level_id=yearly.id))
    await memberships.cancel(gone.id)
    today(D(2026, 5, 30))
    assert await reminders.send_due_reminders() == 0
    assert await _outbox() == []
    status = await db.fetch_value(
        "SELECT status FROM membership_reminder WHERE membership_id = {}", silent.id
    )
    assert status == "no_address"


def test_due_kind_table() -> None:
    end = D(2026, 6, 1)
    cases = [
        (D(2026, 4, 1), None),
        (D(2026, 5, 2), ("before", 30)),
        (D(2026, 5, 20), ("before", 30)),
        (D(2026, 5, 25), ("before", 7)),
        (D(2026, 6, 1), None),  # expiry day: grace, too early for the 7-day grace reminder
        (D(2026, 6, 8), ("grace", 7)),
        (D(2026, 7, 1), None),  # grace over
    ]
    for day, expected in cases:
        assert reminders.due_kind(end, 30, day, [30, 7], [7]) == expected, day


async def test_auto_renew_charges_through_donations_once(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    today(D(2025, 6, 1))
    yearly = await level("Yearly", dues_minor=4500)
    member = await person(email="auto@example.org")
    membership = await memberships.join(
        JoinIn(member_id=member, level_id=yearly.id, auto_renew=True)
    )
    today(D(2026, 5, 20))
    assert await auto_renew_due() == []  # not yet within 3 days
    today(D(2026, 5, 30))
    assert await reminders.send_due_reminders() == 0  # auto-renewing: no "please renew"
    await jobs.auto_renew()
    await jobs.auto_renew()
    after = await store.fetch_membership(membership.id)
    assert after.end_date == D(2027, 6, 1)
    gifts = await db.fetch_all(
        "SELECT amount_minor, payment_method FROM donations_gift WHERE donor_id = {} ORDER BY id",
        member,
    )
    assert [(g["amount_minor"], g["payment_method"]) for g in gifts] == [
        (4500, "other"),
        (4500, "direct_debit"),
    ]


async def test_periodic_jobs_run_through_the_queue(
    person: PersonFactory, level: LevelFactory, today: SetToday
) -> None:
    specs = await job_specs()
    for name in ("recompute_statuses", "send_reminders", "auto_renew"):
        assert specs[f"membership.{name}"].every_seconds == 86_400
    today(D(2025, 1, 1))
    yearly = await level("Yearly", grace_days=0)
    membership = await memberships.join(
        JoinIn(member_id=await person(email="q@example.org"), level_id=yearly.id)
    )
    today(D(2026, 1, 2))
    await enqueue("membership.recompute_statuses", {})
    outcome = await run_one("test-worker")
    assert outcome is not None
    assert outcome.outcome == "succeeded"
    assert (await store.fetch_membership(membership.id)).status == "expired"


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with smtp_sink() as server:
        yield server


class TestSpanishOverSmtp:
    """A reminder delivered by a real SMTP server, in Spanish."""

    @pytest.fixture
    def settings(self, database_url: str, sink: SmtpSink) -> Settings:
        return base_settings(
            database_url,
            time_zone=ORG_ZONE,
            default_currency="USD",
            plugin_settings={"membership": {"reminder_language": "es"}},
            **sink.settings(),
        )

    async def test_reminder_in_spanish(
        self,
        app: object,  # registers the plugins' message catalogues
        sink: SmtpSink,
        person: PersonFactory,
        level: LevelFactory,
        today: SetToday,
    ) -> None:
        today(D(2025, 6, 1))
        yearly = await level("Anual")
        member = await person(email="socia@example.org")
        await memberships.join(JoinIn(member_id=member, level_id=yearly.id))
        today(D(2026, 5, 28))
        assert await reminders.send_due_reminders() == 1
        from core.mail import deliver_pending

        await deliver_pending()
        [mail] = sink.wait_for(1)
        assert "vence pronto" in mail.message["Subject"]
        assert "1 de junio de 2026" in mail.part("plain")


class TestWithoutDonations:
    """The plugin works alone: no gifts, no charging, everything else the same."""

    @pytest.fixture
    def settings(self, database_url: str) -> Settings:
        return base_settings(
            database_url, time_zone=ORG_ZONE, default_currency="USD", plugins=["membership"]
        )

    async def test_join_renew_remind_without_donations(
        self, person: PersonFactory, level: LevelFactory, today: SetToday
    ) -> None:
        today(D(2025, 6, 1))
        yearly = await level("Yearly", dues_minor=4500)
        member = await person(email="alone@example.org")
        membership = await memberships.join(
            JoinIn(member_id=member, level_id=yearly.id, auto_renew=True)
        )
        assert membership.gift_id is None
        renewed = await memberships.renew(membership.id)
        assert renewed.end_date == D(2027, 6, 1)
        assert renewed.gift_id is None
        today(D(2027, 5, 30))
        assert await auto_renew_due() == []  # nothing charges dues without donations
        assert await reminders.send_due_reminders() == 1  # so the member is reminded
        terms = await store.terms_of(membership.id)
        assert [t.gift_id for t in terms] == [None, None]

"""Pledge reminders by email: each instalment reminded once, even when the job runs twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest

from core import db
from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.mail import deliver_pending
from core.mail.testing import SmtpSink, smtp_sink
from core.settings import Settings
from core.testing import base_settings
from plugins.donations import jobs, pledge_reminders, pledges
from plugins.donations.common import org_today
from plugins.donations.tests.conftest import ORG_ZONE


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """A running SMTP server collecting what it receives."""
    with smtp_sink() as server:
        yield server


@pytest.fixture
def settings(database_url: str, sink: SmtpSink) -> Settings:
    """The donations test organisation writing to donors in Spanish, by SMTP."""
    return base_settings(
        database_url,
        time_zone=ORG_ZONE,
        default_currency="USD",
        plugin_settings={"donations": {"receipt_language": "es", "pledge_reminder_days": 10}},
        **sink.settings(),
    )


async def _donor(email: str | None) -> int:
    data = {
        "kind": "individual",
        "first_name": "Grace",
        "last_name": "Hopper",
        "emails": [{"email": email, "is_primary": True}] if email else [],
    }
    return (await create_constituent(ConstituentIn.model_validate(data))).id


async def _pledge(donor_id: int, first_due_in_days: int) -> pledges.Pledge:
    today = org_today()
    return await pledges.create_pledge(
        pledges.PledgeIn(
            donor_id=donor_id,
            amount_minor=30_000,
            currency="USD",
            pledge_date=today,
            count=3,
            frequency="monthly",
            first_due=today + timedelta(days=first_due_in_days),
        )
    )


async def test_due_instalments_are_reminded_once(app: object, sink: SmtpSink) -> None:
    due_soon = await _pledge(await _donor("grace@example.org"), first_due_in_days=5)
    await _pledge(await _donor("later@example.org"), first_due_in_days=40)
    first = await pledge_reminders.send_due_pledge_reminders()
    again = await jobs.remind_pledges()
    assert (first.sent, first.without_address, again) == (1, 0, 0)
    await deliver_pending()
    [mail] = sink.wait_for(1)
    assert mail.message["To"] == "grace@example.org"
    assert "vence" in str(mail.message["Subject"])  # Spanish, as the settings ask
    assert "100,00" in mail.part("plain") or "100.00" in mail.part("plain")
    assert "/portal/donations/" in mail.part("html")
    reminded = await pledges.get_pledge(due_soon.id)
    assert reminded.instalments[0].reminded_at is not None
    assert reminded.instalments[1].reminded_at is None  # a month later: not yet


async def test_concurrent_runs_send_one_reminder(app: object, sink: SmtpSink) -> None:
    await _pledge(await _donor("grace@example.org"), first_due_in_days=1)
    runs = await asyncio.gather(*(pledge_reminders.send_due_pledge_reminders() for _ in range(4)))
    assert sum(run.sent for run in runs) == 1
    count = "SELECT COUNT(*) AS n FROM core_mail_outbox WHERE tag = {}"
    assert await db.fetch_value(count, pledge_reminders.TAG) == 1


async def test_donor_without_address_is_counted_not_mailed(app: object, sink: SmtpSink) -> None:
    await _pledge(await _donor(None), first_due_in_days=2)
    run = await pledge_reminders.send_due_pledge_reminders()
    assert (run.sent, run.without_address) == (0, 1)
    assert (await pledge_reminders.send_due_pledge_reminders()).without_address == 0

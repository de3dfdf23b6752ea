"""Pledge reminders by email: each unpaid instalment is reminded once, shortly before it is due.

The daily job ``donations.pledge_reminders`` calls :func:`send_due_pledge_reminders`. Each
instalment is claimed with a conditional ``UPDATE ... WHERE reminded_at IS NULL`` in the same
transaction that records the message in the outbox (and queues its delivery), so a second
run, or two workers at once, cannot remind anyone twice, and a crash before the commit leaves
the instalment unreminded for the next run.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import db
from core.clock import utc_now
from core.events import unit_of_work
from core.mail import OutgoingMail, render_mail, send_mail
from plugins.donations.common import config, org
from plugins.donations.pledges import InstalmentOut, Pledge, due_reminders
from plugins.donations.receipt_mail import donor_address

TAG = "donations.pledge_reminder"


@dataclass(frozen=True)
class ReminderRun:
    """What one run did: reminders mailed, and instalments skipped for want of an address."""

    sent: int
    without_address: int


def pledge_link() -> str:
    """Where a donor sees their pledges (the portal's giving page)."""
    return f"{org().public_base_url.rstrip('/')}/portal/donations/"


async def _claim(instalment_id: int) -> bool:
    """Mark the instalment reminded unless another run already did; True when we did."""
    row = await db.fetch_one(
        "UPDATE donations_instalment SET reminded_at = {} "
        "WHERE id = {} AND reminded_at IS NULL RETURNING id",
        utc_now(),
        instalment_id,
    )
    return row is not None


async def remind(pledge: Pledge, instalment: InstalmentOut) -> bool | None:
    """Remind the donor of one instalment; True sent, False already reminded, None no address."""
    address = await donor_address(pledge.donor_id)
    async with unit_of_work():
        if not await _claim(instalment.id):
            return False
        if address is None:
            return None  # claimed anyway: staff see it unreminded-by-mail in the pledge page
        email, name = address
        context = {
            "name": name,
            "pledge": pledge,
            "instalment": instalment,
            "due_minor": instalment.amount_minor - instalment.paid_minor,
            "link": pledge_link(),
            "org_name": org().org_name,
        }
        language = config().receipt_language or org().locale
        subject, text, html = render_mail("donations/mail/pledge_reminder", context, language)
        await send_mail(OutgoingMail(to=email, subject=subject, text=text, html=html, tag=TAG))
    return True


async def send_due_pledge_reminders(days_ahead: int | None = None) -> ReminderRun:
    """Remind every donor whose unpaid instalment falls due within ``days_ahead`` days."""
    if days_ahead is None:
        days_ahead = config().pledge_reminder_days
    sent = without_address = 0
    for pledge, instalment in await due_reminders(days_ahead):
        outcome = await remind(pledge, instalment)
        sent += outcome is True
        without_address += outcome is None
    return ReminderRun(sent=sent, without_address=without_address)

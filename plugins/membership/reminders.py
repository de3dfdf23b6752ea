"""Renewal reminders by email, each sent exactly once.

For each membership the job picks at most one due reminder: before expiry, the *smallest*
configured offset already reached (a job that first runs five days before expiry sends the
7-day reminder, not the 30-day one too); in grace, the largest offset reached. The reminder
row (unique per membership, kind, end date and offset), the outbox message and the timeline
interaction are written in one transaction: if the job is interrupted before it commits,
nothing was sent and a rerun sends it; once committed, a rerun finds the row and skips it.
With SMTP, ``send_mail`` inside a transaction queues the message, so delivery happens only
after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core import db
from core.clock import utc_now
from core.events import emit, unit_of_work
from core.mail import OutgoingMail, render_mail, send_mail
from plugins.membership import store, timeline
from plugins.membership.common import as_date, config, donations_active, org, org_today
from plugins.membership.memberships import event_payload
from plugins.membership.models import Membership
from plugins.membership.online import LAST_PAID_BY_CHECKOUT

TAG = "membership.reminder"


@dataclass(frozen=True)
class DueReminder:
    """A reminder due for one membership."""

    membership_id: int
    kind: str  # before | grace
    days: int
    end_date: date


def due_kind(
    end: date, grace_days: int, today: date, before: list[int], after: list[int]
) -> tuple[str, int] | None:
    """The reminder due on ``today`` for a membership ending on ``end``, or None."""
    if today < end:
        reached = [d for d in before if today >= end - timedelta(days=d)]
        return ("before", min(reached)) if reached else None
    if today < end + timedelta(days=grace_days):
        reached = [d for d in after if today >= end + timedelta(days=d) and d < grace_days]
        return ("grace", max(reached)) if reached else None
    return None


async def due_reminders(today: date) -> list[DueReminder]:
    """Every reminder due today that has not been sent (one query, filtered in Python)."""
    settings = config()
    horizon = today + timedelta(days=max(settings.reminder_days_before, default=0))
    rows = await db.fetch_all(
        "SELECT m.id, m.end_date, m.auto_renew, l.grace_days, "
        f"CASE WHEN {LAST_PAID_BY_CHECKOUT} THEN 1 ELSE 0 END AS by_checkout "
        "FROM membership_membership m "
        "JOIN membership_level l ON l.id = m.level_id WHERE m.lifecycle = 'active' "
        "AND m.end_date <= {} AND m.override_status IS NULL",
        horizon,
    )
    sent = {
        (int(r["membership_id"]), str(r["kind"]), as_date(r["end_date"]), int(r["days"]))
        for r in await db.fetch_all(
            "SELECT membership_id, kind, end_date, days FROM membership_reminder "
            "WHERE end_date >= {}",
            today - timedelta(days=400),
        )
    }
    charged = donations_active()
    due: list[DueReminder] = []
    for row in rows:
        end = as_date(row["end_date"])
        assert end is not None
        found = due_kind(
            end,
            int(row["grace_days"]),
            today,
            settings.reminder_days_before,
            settings.grace_reminder_days,
        )
        if found is None:
            continue
        kind, days = found
        if kind == "before" and charged and row["auto_renew"] and not row["by_checkout"]:
            continue  # it will be charged; no need to ask
        if (int(row["id"]), kind, end, days) not in sent:
            due.append(DueReminder(int(row["id"]), kind, days, end))
    return due


async def _address(constituent_id: int) -> tuple[str, str] | None:
    row = await db.fetch_one(
        "SELECT e.email, c.display_name, c.preferred_name, c.first_name FROM core_email e "
        "JOIN core_constituent c ON c.id = e.constituent_id WHERE e.constituent_id = {} "
        "AND c.deleted_at IS NULL ORDER BY e.is_primary DESC, e.id LIMIT 1",
        constituent_id,
    )
    if row is None:
        return None
    name = row["preferred_name"] or row["first_name"] or row["display_name"] or ""
    return str(row["email"]), str(name)


def _render(membership: Membership, reminder: DueReminder, name: str) -> tuple[str, str, str]:
    base = org().public_base_url.rstrip("/")
    context = {
        "name": name,
        "membership": membership,
        "kind": reminder.kind,
        "days": reminder.days,
        "end_date": reminder.end_date,
        "link": f"{base}/portal/membership/",
        "org_name": org().org_name,
    }
    locale = config().reminder_language or org().locale
    return render_mail("membership/mail/reminder", context, locale=locale)


async def send_one(reminder: DueReminder) -> bool:
    """Claim, send and record one reminder in one transaction; False if already sent."""
    async with unit_of_work():
        claimed = await db.fetch_one(
            "INSERT INTO membership_reminder (membership_id, constituent_id, kind, end_date, "
            "days, status, created_at) SELECT id, member_id, {}, {}, {}, 'claimed', {} "
            "FROM membership_membership WHERE id = {} "
            "ON CONFLICT (membership_id, kind, end_date, days) DO NOTHING RETURNING id",
            reminder.kind,
            reminder.end_date,
            reminder.days,
            utc_now(),
            reminder.membership_id,
        )
        if claimed is None:
            return False
        membership = await store.fetch_membership(reminder.membership_id)
        address = await _address(membership.member_id)
        if address is None:
            await db.execute(
                "UPDATE membership_reminder SET status = 'no_address' WHERE id = {}",
                claimed["id"],
            )
            return False
        email, name = address
        subject, text, html = _render(membership, reminder, name)
        outbox_id = await send_mail(
            OutgoingMail(to=email, subject=subject, text=text, html=html, tag=TAG)
        )
        await db.execute(
            "UPDATE membership_reminder SET status = 'sent', outbox_id = {}, sent_at = {} "
            "WHERE id = {}",
            outbox_id,
            utc_now(),
            claimed["id"],
        )
        await timeline.record_reminder(membership, reminder.kind, reminder.days, outbox_id)
        await emit(
            "membership.reminder_sent",
            event_payload(membership, kind=reminder.kind, days=reminder.days),
        )
    return True


async def send_due_reminders(today: date | None = None) -> int:
    """Send every reminder due today; returns how many were sent."""
    sent = 0
    for reminder in await due_reminders(today or org_today()):
        if await send_one(reminder):
            sent += 1
    return sent

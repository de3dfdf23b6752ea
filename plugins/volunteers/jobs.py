"""Scheduled jobs of the volunteers plugin: shift reminders, sent once each.

A reminder goes out when a shift starts within ``reminder_hours_before`` hours (elapsed
time, so a daylight-saving change between the reminder and the shift does not move it).
Each one is claimed by inserting a ``volunteers_notice`` row with a unique key in the same
transaction that records the mail, so a second run, or two workers at once, send nothing
more. The key carries the shift's start, so a shift moved later gets a fresh reminder.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core import db
from core.clock import utc_now
from core.errors import InvalidInputError
from core.events import unit_of_work
from plugins.volunteers import notify
from plugins.volunteers.common import config, must_instant
from plugins.volunteers.shifts import get_shift

REMINDER_EVERY_SECONDS = 900
logger = logging.getLogger("stewardship.volunteers")


async def claim_notice(key: str, constituent_id: int, now: datetime) -> bool:
    """Record that a notice is sent; False when it already was (the unique key exists)."""
    row = await db.fetch_one(
        "INSERT INTO volunteers_notice (notice_key, constituent_id, sent_at) VALUES ({}, {}, {}) "
        "ON CONFLICT (notice_key) DO NOTHING RETURNING id",
        key,
        constituent_id,
        now,
    )
    return row is not None


async def send_due_reminders(now: datetime | None = None) -> int:
    """Email every reminder now due and not yet sent; returns how many were sent."""
    moment = now or utc_now()
    horizon = moment + timedelta(hours=config().reminder_hours_before)
    due = await db.fetch_all(
        "SELECT g.id, g.constituent_id, g.shift_id, s.starts_at FROM volunteers_signup g "
        "JOIN volunteers_shift s ON s.id = g.shift_id WHERE s.cancelled_at IS NULL "
        "AND s.starts_at > {} AND s.starts_at <= {} AND g.status IN ('signed_up', 'confirmed') "
        "ORDER BY s.starts_at, g.id",
        moment,
        horizon,
    )
    sent = 0
    for row in due:
        starts = must_instant(row["starts_at"])
        key = f"reminder:{row['id']}:{int(starts.timestamp())}"
        async with unit_of_work():
            if not await claim_notice(key, int(row["constituent_id"]), moment):
                continue
            shift = await get_shift(int(row["shift_id"]))
            try:
                outbox_id = await notify.send_notice(
                    "reminder", int(row["constituent_id"]), shift, signup_id=int(row["id"])
                )
            except InvalidInputError:
                # An address the mail layer refuses: keep the claim (retrying cannot help)
                # and go on with the other reminders.
                logger.warning("reminder for sign-up %s not sent: bad address", row["id"])
                continue
            if outbox_id:
                sent += 1
    return sent


async def send_reminders() -> int:
    """Job handler: send the reminders due now."""
    return await send_due_reminders()

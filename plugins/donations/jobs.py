"""Scheduled jobs of the donations plugin."""

from __future__ import annotations

from core import db
from plugins.donations import pledge_reminders, recurring, rollups
from plugins.donations.common import current_fiscal_year


async def lapse_recurring() -> int:
    """Mark overdue recurring gifts lapsed; returns how many."""
    return len(await recurring.lapse_overdue())


async def refresh_rollups() -> int:
    """Rebuild rollups computed for an earlier fiscal year (this/last year move on)."""
    stale = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM donations_donor_total WHERE as_of_fiscal_year <> {}",
        current_fiscal_year(),
    )
    return await rollups.recompute_all() if int(stale or 0) else 0


async def remind_pledges() -> int:
    """Email donors whose pledge instalments fall due soon; returns how many were sent."""
    return (await pledge_reminders.send_due_pledge_reminders()).sent

"""Handlers of the plugin's periodic jobs (see ``steward_jobs`` in :mod:`hooks`).

Each is idempotent: a second run the same day changes and sends nothing more.
"""

from __future__ import annotations

from plugins.membership.autorenew import auto_renew_due
from plugins.membership.recompute import recompute_all
from plugins.membership.reminders import send_due_reminders


async def recompute_statuses() -> None:
    """Bring every membership's status up to date with today's date."""
    await recompute_all()


async def send_reminders() -> None:
    """Send the renewal reminders due today (each one once)."""
    await send_due_reminders()


async def auto_renew() -> None:
    """Renew and charge the auto-renewing memberships that are due (donations enabled)."""
    await auto_renew_due()

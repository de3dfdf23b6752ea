"""Automatic renewal: memberships that opted in are renewed and charged through donations.

Only when the donations plugin is enabled (the dues become a gift recorded by its services,
paid by the configured method, e.g. a direct debit mandate). A membership is renewed when it
is within ``auto_renew_days_before`` days of its end (or in grace); the renewal moves the end
date a whole period on, so a second run the same day finds nothing to do.

The job never charges a card: no card is kept on file. A membership whose last dues were
paid on Stripe's page is therefore not renewed here (its member is reminded and renews
online), and neither is one with a renewal checkout still open, so a member paying online
while the job runs is never charged twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from core import db
from core.clock import utc_now
from core.errors import StewardError
from plugins.membership.common import config, donations_active, org_today
from plugins.membership.memberships import renew
from plugins.membership.models import RenewIn
from plugins.membership.online import LAST_PAID_BY_CHECKOUT, RENEWAL_IN_FLIGHT


async def auto_renew_due(today: date | None = None) -> list[int]:
    """Renew every auto-renewing membership that is due; the ids renewed."""
    if not donations_active():
        return []
    day = today or org_today()
    settings = config()
    rows = await db.fetch_all(
        "SELECT m.id, m.end_date, l.grace_days FROM membership_membership m "
        "JOIN membership_level l ON l.id = m.level_id WHERE m.auto_renew = {} "
        "AND l.auto_renew_allowed = {} AND m.lifecycle = 'active' AND m.end_date <= {} "
        f"AND NOT {LAST_PAID_BY_CHECKOUT} AND NOT {RENEWAL_IN_FLIGHT} ORDER BY m.id",
        True,
        True,
        day + timedelta(days=settings.auto_renew_days_before),
        utc_now(),
    )
    renewed: list[int] = []
    for row in rows:
        end = row["end_date"]
        end_day = end if isinstance(end, date) else date.fromisoformat(str(end)[:10])
        if day >= end_day + timedelta(days=int(row["grace_days"])):
            continue  # lapsed: an automatic charge would surprise the member; they rejoin
        try:
            await renew(
                int(row["id"]), RenewIn(on=day, payment_method=settings.auto_renew_payment_method)
            )
        except StewardError:
            continue  # changed meanwhile (cancelled); the next run looks again
        renewed.append(int(row["id"]))
    return renewed

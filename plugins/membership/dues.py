"""Dues payments: recorded as gifts through the donations plugin when it is enabled.

The membership plugin works without donations: then no gift is recorded and staff track
payment outside the system. With donations enabled, each paid term gets one gift with source
``membership`` and external id ``term:<term id>``, so a retried request records it once.
"""

from __future__ import annotations

from datetime import date

from core import db
from plugins.membership import store
from plugins.membership.common import config, donations_active
from plugins.membership.models import Level, PaymentMethod

GIFT_SOURCE = "membership"


async def record_dues(
    membership_id: int,
    member_id: int,
    level: Level,
    term_id: int,
    amount_minor: int,
    day: date,
    method: PaymentMethod | None,
    *,
    paid_gift_id: int | None = None,
) -> int | None:
    """Record the dues gift for a term; the gift's id, or None (nothing due, no donations).

    ``paid_gift_id`` is a gift donations already recorded for these dues (an online payment
    reported by the gateway's webhook): it is linked instead of recording another.
    """
    if paid_gift_id is not None:
        await _link_gift(membership_id, term_id, paid_gift_id)
        return paid_gift_id
    if amount_minor <= 0 or not donations_active():
        return None
    # Imported here: the donations package is only used when that plugin is enabled.
    from plugins.donations.gifts import record_gift
    from plugins.donations.models import GiftIn

    gift = await record_gift(
        GiftIn(
            donor_id=member_id,
            amount_minor=amount_minor,
            currency=level.currency,
            gift_date=day,
            payment_method=method or config().dues_payment_method,
            source=GIFT_SOURCE,
            external_id=f"term:{term_id}",
            notes=f"Membership dues: {level.name}",
        )
    )
    await _link_gift(membership_id, term_id, gift.id)
    return gift.id


async def _link_gift(membership_id: int, term_id: int, gift_id: int) -> None:
    await store.set_term_gift(term_id, gift_id)
    await db.execute(
        "UPDATE membership_membership SET gift_id = {} WHERE id = {}", gift_id, membership_id
    )

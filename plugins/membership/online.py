"""Dues paid online through a gateway's hosted checkout (Stripe Checkout, via donations).

Starting a payment stores a ``membership_online_payment`` row keyed by donations' checkout
id: what it is for (join, renew, upgrade or downgrade), the level, the amount quoted and
until when the quote holds. The payer is sent to the gateway's page; nothing about the
membership changes yet. When the gateway's signed webhook reports the payment, donations
records the gift and emits ``donations.checkout_completed``; :func:`apply_paid_checkout`
(called from this plugin's ``steward_on_event``) then applies the action, linking that gift
to the new term. The row is settled with a conditional update in the same transaction as the
change, so a replayed event applies nothing twice.

A payment that does not match (another amount or currency, paid after the quote expired, a
newer checkout started meanwhile, or a membership that cannot take the change any more) is
not applied: the gift stays recorded and staff get an open follow-up on the member's
timeline. A cancelled checkout changes nothing; the member may start another one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core import db
from core.clock import utc_now
from core.errors import ConflictError, NotFoundError, StewardError
from core.events import unit_of_work
from core.i18n import gettext as _
from core.interactions import service as interactions
from plugins.membership import level_change, memberships, store, timeline
from plugins.membership.common import as_instant, as_int, config, donations_active, org_today
from plugins.membership.levels import get_level
from plugins.membership.models import ChangeLevelIn, JoinIn, Level, Membership, RenewIn

BASE = "/portal/membership"

# SQL over ``membership_membership m``: its last dues gift came through a hosted checkout.
# Such a membership has no mandate to collect from, so the auto-renew job leaves it alone
# and its member gets the renewal reminders with the link to pay online.
LAST_PAID_BY_CHECKOUT = (
    "EXISTS (SELECT 1 FROM membership_online_payment p WHERE p.membership_id = m.id "
    "AND p.status = 'applied' AND p.gift_id = m.gift_id)"
)
# SQL over ``membership_membership m``: a renewal checkout that may still be paid.
RENEWAL_IN_FLIGHT = (
    "EXISTS (SELECT 1 FROM membership_online_payment p WHERE p.membership_id = m.id "
    "AND p.action = 'renew' AND p.status = 'open' AND p.expires_at > {})"
)


@dataclass(frozen=True)
class OnlinePayment:
    """A stored online payment of dues and where it stands."""

    id: int
    checkout_id: int
    membership_id: int
    member_id: int
    action: str
    level_id: int
    amount_minor: int
    currency: str
    expires_at: datetime
    status: str
    problem: str
    gift_id: int | None


def pays_by_checkout() -> bool:
    """True when dues are paid on the gateway's page (donations enabled, Stripe configured)."""
    if not donations_active():
        return False
    from plugins.donations.portal_service import gateway_name

    return gateway_name() == "stripe"


def _instant(value: Any) -> datetime:
    instant = as_instant(value)
    if instant is None:
        raise ValueError("a stored payment without its quote expiry")
    return instant


def _payment(row: dict[str, Any]) -> OnlinePayment:
    return OnlinePayment(
        id=int(row["id"]),
        checkout_id=int(row["checkout_id"]),
        membership_id=int(row["membership_id"]),
        member_id=int(row["member_id"]),
        action=str(row["action"]),
        level_id=int(row["level_id"]),
        amount_minor=as_int(row["amount_minor"]),
        currency=str(row["currency"]),
        expires_at=_instant(row["expires_at"]),
        status=str(row["status"]),
        problem=str(row["problem"] or ""),
        gift_id=None if row["gift_id"] is None else int(row["gift_id"]),
    )


async def payment_of_checkout(checkout_id: int) -> OnlinePayment | None:
    """The online payment started with donations' checkout ``checkout_id``, if any."""
    row = await db.fetch_one(
        "SELECT * FROM membership_online_payment WHERE checkout_id = {}", checkout_id
    )
    return None if row is None else _payment(row)


async def own_payment(member_id: int, checkout_id: int) -> OnlinePayment:
    """One of the member's own online payments; anyone else's is reported missing."""
    payment = await payment_of_checkout(checkout_id)
    if payment is None or payment.member_id != member_id:
        raise NotFoundError("no such payment")
    return payment


async def _start(
    membership: Membership, action: str, level: Level, amount_minor: int, email: str | None
) -> str:
    """Open the gateway's checkout for ``amount_minor`` and store what it pays for."""
    from plugins.donations import gateways

    expires = utc_now() + timedelta(minutes=config().online_quote_minutes)
    page = gateways.CheckoutPage(
        description=_("Membership dues: %(level)s", level=level.name),
        success_path=f"{BASE}/paid/{{checkout_id}}",
        cancel_path=f"{BASE}/?payment=cancelled",
        expires_at=expires,
    )
    data = gateways.CheckoutIn(
        amount_minor=amount_minor,
        currency=level.currency,
        constituent_id=membership.member_id,
        email=email or None,
        gateway="stripe",
    )
    started = await gateways.start_checkout(data, page)
    async with unit_of_work():
        # An older checkout paid after this one starts is not applied (staff review it).
        await db.execute(
            "UPDATE membership_online_payment SET status = 'superseded' "
            "WHERE membership_id = {} AND status = 'open'",
            membership.id,
        )
        await db.execute(
            "INSERT INTO membership_online_payment (checkout_id, membership_id, member_id, "
            "action, level_id, amount_minor, currency, expires_at, status, problem, "
            "created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, 'open', '', {})",
            started.checkout_id,
            membership.id,
            membership.member_id,
            action,
            level.id,
            amount_minor,
            level.currency,
            expires,
            utc_now(),
        )
    return started.redirect_url


async def start_join(member_id: int, email: str | None, level_id: int) -> tuple[Membership, str]:
    """Join as *pending* and open the checkout for the first dues; (membership, page URL).

    A free level needs no payment: the membership is active at once and the URL is empty.
    """
    joined = await memberships.join(
        JoinIn(member_id=member_id, level_id=level_id, source="portal", paid=False)
    )
    if joined.lifecycle != "pending":
        return joined, ""
    return joined, await start_first_dues(joined, email)


async def start_first_dues(membership: Membership, email: str | None) -> str:
    """Open the checkout for a pending membership's first dues (again after a cancel)."""
    if membership.lifecycle != "pending":
        raise ConflictError("the membership is not waiting for its first dues")
    level = await get_level(membership.level_id)
    term = await store.latest_term(membership.id)
    amount = term.due_minor if term is not None else level.dues_minor
    return await _start(membership, "join", level, amount, email)


async def start_renewal(membership: Membership, email: str | None) -> str:
    """Open the checkout for one more period at the membership's level."""
    if membership.lifecycle != "active":
        raise ConflictError("only an active membership can be renewed online")
    level = await get_level(membership.level_id)
    return await _start(membership, "renew", level, level.dues_minor, email)


async def start_level_change(membership: Membership, email: str | None, level_id: int) -> str:
    """Open the checkout for the amount due today to move to ``level_id``."""
    quote = await level_change.quote_level_change(membership.id, level_id)
    if quote.due_minor <= 0:
        raise ConflictError("nothing is due for this change")
    level = await get_level(level_id)
    return await _start(membership, quote.kind, level, quote.due_minor, email)


def _mismatch(payment: OnlinePayment, amount: int, currency: str, paid_at: datetime) -> str:
    if payment.status == "superseded":
        return "a newer payment was started for this membership"
    if (amount, currency.upper()) != (payment.amount_minor, payment.currency):
        return (
            f"{amount} {currency.upper()} was paid; {payment.amount_minor} "
            f"{payment.currency} was quoted"
        )
    if paid_at > payment.expires_at:
        return "the quote had expired when it was paid"
    return ""


async def _settle(payment: OnlinePayment, status: str, gift_id: int, problem: str) -> bool:
    row = await db.fetch_one(
        "UPDATE membership_online_payment SET status = {}, gift_id = {}, problem = {}, "
        "settled_at = {} WHERE id = {} AND status IN ('open', 'superseded') RETURNING id",
        status,
        gift_id,
        problem[:200],
        utc_now(),
        payment.id,
    )
    return row is not None


async def _apply(payment: OnlinePayment, gift_id: int) -> None:
    """Make the change paid for; ConflictError when it no longer fits what was quoted."""
    membership = await store.fetch_membership(payment.membership_id)
    if payment.action == "join":
        await memberships.confirm_payment(membership.id, "online", paid_gift_id=gift_id)
        return
    if payment.action == "renew":
        level = await get_level(membership.level_id)
        if (level.id, level.dues_minor) != (payment.level_id, payment.amount_minor):
            raise ConflictError("the level or its dues changed after the payment started")
        await memberships.renew(
            membership.id, RenewIn(payment_method="online"), paid_gift_id=gift_id
        )
        return
    quote = await level_change.quote_level_change(membership.id, payment.level_id)
    if quote.due_minor != payment.amount_minor:
        raise ConflictError(
            f"the amount due for this change is now {quote.due_minor}, not {payment.amount_minor}"
        )
    data = ChangeLevelIn(level_id=payment.level_id, payment_method="online")
    await level_change.change_membership_level(membership.id, data, paid_gift_id=gift_id)


async def _follow_up(payment: OnlinePayment, problem: str) -> None:
    membership = await store.fetch_membership(payment.membership_id)
    await interactions.record_interaction(
        constituent_id=membership.member_id,
        interaction_type=timeline.CHANGE_TYPE,
        payload=timeline.ChangeInteraction(
            membership_id=membership.id,
            kind="payment_to_review",
            level_name=membership.level_name,
            end_date=membership.end_date.isoformat(),
            status=membership.status,
        ),
        direction="inbound",
        initiated_by="constituent",
        subject=f"{timeline.CHANGE_SUBJECTS['payment_to_review']} ({payment.action}): {problem}",
        follow_up_due=org_today(),
        external_ref=f"membership-payment:{payment.checkout_id}",
    )


async def apply_paid_checkout(
    checkout_id: int, gift_id: int, amount_minor: int, currency: str, paid_at: datetime
) -> str:
    """Apply the action a paid checkout was for, once.

    Returns ``applied``, ``follow_up`` (paid but not applied: staff review it),
    ``duplicate`` (settled before) or ``not_membership`` (a donation, not dues).
    """
    payment = await payment_of_checkout(checkout_id)
    if payment is None:
        return "not_membership"
    if payment.status not in ("open", "superseded"):
        return "duplicate"
    problem = _mismatch(payment, amount_minor, currency, paid_at)
    if not problem:
        try:
            async with unit_of_work():
                if not await _settle(payment, "applied", gift_id, ""):
                    return "duplicate"
                await _apply(payment, gift_id)
            return "applied"
        except StewardError as exc:
            problem = str(exc) or type(exc).__name__
    async with unit_of_work():
        if not await _settle(payment, "follow_up", gift_id, problem):
            return "duplicate"
        await _follow_up(payment, problem)
    return "follow_up"

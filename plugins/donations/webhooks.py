"""Gateway webhooks: verified, idempotent on the provider's event id, safe out of order.

Each event is claimed by inserting ``(provider, event_id)`` into ``donations_webhook_event``
with ``ON CONFLICT DO NOTHING`` in the same transaction that acts on it: a repeated or
concurrent delivery finds the row taken and does nothing. Gifts are also keyed by
``(source, external_id)`` = (provider, payment id). A refund that arrives before its payment
is stored as ``deferred`` and applied when the payment is recorded.

A completed checkout is matched to our ``donations_checkout`` row by the gateway's session
id; the ``checkout_id`` in the session's metadata is used only for a row whose session id
was never stored or agrees. After a one-off payment is recorded, the event
``donations.checkout_completed`` (checkout id, gift id, amount paid, when) tells other
plugins, which keep their own row keyed by the checkout id for what the payment was for.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from core import db
from core.constituents.schemas import ConstituentIn, EmailIn
from core.constituents.service import create_constituent
from core.errors import StewardError
from core.events import emit, unit_of_work
from plugins.donations import gift_store, gifts, recurring
from plugins.donations.common import config, org_date_of
from plugins.donations.models import GiftIn


class WebhookSignatureError(StewardError):
    """A webhook whose signature is missing, forged or too old (answered with 400)."""

    status_code = 400
    title = "Invalid webhook signature"


def verify_stripe(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, if Stripe signed ``payload`` within the tolerance; otherwise raise."""
    import stripe

    settings = config()
    if not settings.stripe_webhook_secret or not signature:
        raise WebhookSignatureError("missing signature or webhook secret")
    try:
        stripe.Webhook.construct_event(
            payload,
            signature,
            settings.stripe_webhook_secret,
            tolerance=settings.webhook_tolerance_seconds,
        )
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise WebhookSignatureError(str(exc)) from exc
    parsed: dict[str, Any] = json.loads(payload)  # plain dicts, not StripeObjects
    return parsed


async def _claim(provider: str, event: dict[str, Any], ref: str | None) -> bool:
    row = await db.fetch_one(
        "INSERT INTO donations_webhook_event (provider, event_id, event_type, object_ref, "
        "status, payload, received_at) VALUES ({}, {}, {}, {}, 'received', {}, {}) "
        "ON CONFLICT (provider, event_id) DO NOTHING RETURNING id",
        provider,
        str(event["id"]),
        str(event.get("type", "")),
        ref,
        json.dumps(event, sort_keys=True),
        datetime.now(UTC),
    )
    return row is not None


async def _mark(provider: str, event_id: str, status: str) -> None:
    await db.execute(
        "UPDATE donations_webhook_event SET status = {}, processed_at = {} "
        "WHERE provider = {} AND event_id = {}",
        status,
        datetime.now(UTC),
        provider,
        event_id,
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _ref(event: dict[str, Any]) -> str | None:
    obj = event.get("data", {}).get("object", {})
    kind = str(event.get("type", ""))
    if kind == "checkout.session.completed":
        return _text(obj.get("payment_intent") or obj.get("subscription"))
    if kind == "charge.refunded":
        return _text(obj.get("payment_intent"))
    if kind.startswith("invoice."):
        return _text(obj.get("subscription"))
    return None


async def process_event(provider: str, event: dict[str, Any]) -> str:
    """Act on one verified event once; returns processed, deferred, ignored or duplicate."""
    ref = _ref(event)
    async with unit_of_work():
        if not await _claim(provider, event, ref):
            return "duplicate"
        handler = HANDLERS.get(str(event.get("type")))
        outcome = "ignored" if handler is None else await handler(provider, event)
        await _mark(provider, str(event["id"]), outcome)
    return outcome


async def _donor(checkout: dict[str, Any] | None, obj: dict[str, Any]) -> int:
    if checkout and checkout.get("constituent_id"):
        return int(checkout["constituent_id"])
    details = obj.get("customer_details") or {}
    email = (details.get("email") or (checkout or {}).get("email") or "").strip().lower()
    if email:
        row = await db.fetch_one(
            "SELECT e.constituent_id FROM core_email e JOIN core_constituent c "
            "ON c.id = e.constituent_id WHERE lower(e.email) = {} AND c.deleted_at IS NULL "
            "ORDER BY e.constituent_id LIMIT 1",
            email,
        )
        if row is not None:
            return int(row["constituent_id"])
    name = (details.get("name") or email.split("@")[0] or "Online donor")[:100]
    made = await create_constituent(
        ConstituentIn(
            kind="individual",
            last_name=name,
            source="online giving",
            emails=[EmailIn(email=email, is_primary=True)] if email else [],
        )
    )
    return made.id


async def _checkout_of(provider: str, obj: dict[str, Any]) -> dict[str, Any] | None:
    session = _text(obj.get("id"))
    if session:
        row = await db.fetch_one(
            "SELECT * FROM donations_checkout WHERE gateway = {} AND session_ref = {} "
            "ORDER BY id LIMIT 1",
            provider,
            session,
        )
        if row is not None:
            return row
    checkout_id = (obj.get("metadata") or {}).get("checkout_id")
    if not checkout_id or not str(checkout_id).isdigit() or len(str(checkout_id)) > 12:
        return None
    row = await db.fetch_one("SELECT * FROM donations_checkout WHERE id = {}", int(checkout_id))
    if row is None or row["session_ref"] not in (None, session):
        return None  # the metadata names a checkout of another session
    return row


def _received_at(event: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(event.get("created") or 0), UTC)


async def _checkout_completed(provider: str, event: dict[str, Any]) -> str:
    obj = event["data"]["object"]
    checkout = await _checkout_of(provider, obj)
    donor = await _donor(checkout, obj)
    fund_id = (checkout or {}).get("fund_id")
    amount, currency = int(obj["amount_total"]), str(obj["currency"]).upper()
    if checkout is not None:
        await db.execute(
            "UPDATE donations_checkout SET status = 'completed', completed_at = {} WHERE id = {}",
            datetime.now(UTC),
            checkout["id"],
        )
    if obj.get("mode") == "subscription":
        made = await recurring.create_recurring(
            recurring.RecurringIn(
                donor_id=donor,
                amount_minor=amount,
                currency=currency,
                frequency=(checkout or {}).get("frequency") or "monthly",
                start_date=org_date_of(_received_at(event)),
                fund_id=fund_id,
                gateway=provider,
                gateway_ref=obj.get("subscription"),
            )
        )
        if provider == "offline":  # no invoices follow: the first payment is now
            await recurring.record_payment(
                made.id,
                source=provider,
                external_id=obj["payment_intent"],
                received_at=_received_at(event),
            )
        return "processed"
    gift = await gifts.record_gift(
        GiftIn(
            donor_id=donor,
            amount_minor=amount,
            currency=currency,
            received_at=_received_at(event),
            payment_method="online",
            source=provider,
            external_id=obj["payment_intent"],
            splits=[{"fund_id": fund_id, "amount_minor": amount}] if fund_id else [],
        )
    )
    await _apply_deferred_refunds(provider, obj["payment_intent"], gift.id)
    if checkout is not None:
        await emit(
            "donations.checkout_completed",
            {
                "checkout_id": int(checkout["id"]),
                "gateway": provider,
                "gift_id": gift.id,
                "donor_id": donor,
                "amount_minor": amount,
                "currency": currency,
                "paid_at": _received_at(event).isoformat(),
            },
        )
    return "processed"


async def _apply_deferred_refunds(provider: str, payment_ref: str, gift_id: int) -> None:
    deferred = await db.fetch_all(
        "SELECT event_id FROM donations_webhook_event WHERE provider = {} AND object_ref = {} "
        "AND status = 'deferred' AND event_type = 'charge.refunded'",
        provider,
        payment_ref,
    )
    if deferred:
        await gifts.refund_gift(gift_id)
        for row in deferred:
            await _mark(provider, row["event_id"], "processed")


async def _charge_refunded(provider: str, event: dict[str, Any]) -> str:
    payment_ref = event["data"]["object"].get("payment_intent")
    gift = await gift_store.find_by_external(provider, payment_ref) if payment_ref else None
    if gift is None:
        return "deferred"  # the payment has not arrived yet; applied when it does
    if gift.status == "received":
        await gifts.refund_gift(gift.id)
    return "processed"


async def _invoice_paid(provider: str, event: dict[str, Any]) -> str:
    obj = event["data"]["object"]
    row = await db.fetch_one(
        "SELECT id FROM donations_recurring WHERE gateway = {} AND gateway_ref = {}",
        provider,
        obj.get("subscription"),
    )
    if row is None:
        return "deferred"
    await recurring.record_payment(
        int(row["id"]),
        amount_minor=int(obj["amount_paid"]),
        source=provider,
        external_id=obj.get("payment_intent") or obj["id"],
        received_at=_received_at(event),
    )
    return "processed"


async def _subscription_deleted(provider: str, event: dict[str, Any]) -> str:
    obj = event["data"]["object"]
    row = await db.fetch_one(
        "SELECT id, status FROM donations_recurring WHERE gateway = {} AND gateway_ref = {}",
        provider,
        obj.get("id"),
    )
    if row is None or row["status"] == "closed":
        return "ignored"
    closed = recurring.RecurringPatch(status="closed")
    await recurring.change_recurring(int(row["id"]), closed, sync_gateway=False)
    return "processed"


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "charge.refunded": _charge_refunded,
    "invoice.paid": _invoice_paid,
    "customer.subscription.deleted": _subscription_deleted,
}

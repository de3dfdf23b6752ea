"""Online giving: a payment-gateway interface, a built-in offline gateway and Stripe Checkout.

The donor pays on the gateway's own page (Stripe Checkout), so card data never reaches this
server. :func:`start_checkout` stores a ``donations_checkout`` row and asks the gateway for a
page to send the donor to; the money arrives later through a webhook
(:mod:`plugins.donations.webhooks`). The offline gateway completes a checkout on request,
through the same code path, so the demo and the tests work without Stripe.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field, field_validator

from core import db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from plugins.donations.common import as_int, config, org
from plugins.donations.models import Input, PositiveMinor, RecordId, check_currency


class CheckoutIn(Input):
    """A donation the donor is about to pay online (one-off or recurring)."""

    amount_minor: PositiveMinor
    currency: str = Field(min_length=3, max_length=3)
    frequency: Literal["once", "monthly", "quarterly", "annually"] = "once"
    fund_id: RecordId | None = None
    constituent_id: RecordId | None = None
    email: str | None = Field(default=None, max_length=254)
    gateway: Literal["offline", "stripe"] = "offline"

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)


class CheckoutStart(BaseModel):
    """Where to send the donor to pay."""

    checkout_id: int
    gateway: str
    redirect_url: str
    session_ref: str | None


class Gateway(Protocol):
    """A payment gateway: it creates a hosted payment page for a stored checkout."""

    name: str

    def create_session(self, checkout_id: int, data: CheckoutIn) -> tuple[str, str]:
        """Return (session reference, URL of the hosted payment page)."""
        ...


class OfflineGateway:
    """Pretend payments for demos and tests; completed by :func:`complete_offline`."""

    name = "offline"

    def create_session(self, checkout_id: int, data: CheckoutIn) -> tuple[str, str]:
        """A local reference and the portal page that completes it."""
        return f"offline_{checkout_id}", f"/portal/donations/offline/{checkout_id}"


class StripeGateway:
    """Stripe Checkout: a hosted page; ``metadata.checkout_id`` ties the webhook back to us."""

    name = "stripe"

    def create_session(self, checkout_id: int, data: CheckoutIn) -> tuple[str, str]:
        """Create a Checkout Session with Stripe's library (network call)."""
        import stripe

        settings = config()
        if not settings.stripe_secret_key:
            raise ConflictError("the Stripe gateway is not configured")
        base = org().public_base_url.rstrip("/")
        price: Any = {
            "currency": data.currency.lower(),
            "unit_amount": data.amount_minor,
            "product_data": {"name": f"Donation to {org().org_name}"},
        }
        if data.frequency != "once":
            interval = {"monthly": ("month", 1), "quarterly": ("month", 3), "annually": ("year", 1)}
            unit, count = interval[data.frequency]
            price["recurring"] = {"interval": unit, "interval_count": count}
        params: Any = {
            "api_key": settings.stripe_secret_key,
            "mode": "payment" if data.frequency == "once" else "subscription",
            "line_items": [{"price_data": price, "quantity": 1}],
            "client_reference_id": str(checkout_id),
            "metadata": {"checkout_id": str(checkout_id)},
            "success_url": base + settings.success_url,
            "cancel_url": base + settings.cancel_url,
        }
        if data.email:
            params["customer_email"] = data.email
        session = stripe.checkout.Session.create(**params)
        return str(session.id), str(session.url)


GATEWAYS: dict[str, Gateway] = {"offline": OfflineGateway(), "stripe": StripeGateway()}


async def start_checkout(data: CheckoutIn) -> CheckoutStart:
    """Store the checkout and create the gateway's payment page."""
    if data.constituent_id is None and not data.email:
        raise InvalidInputError({"email": "an email or a constituent is required"})
    row = await db.fetch_one(
        "INSERT INTO donations_checkout (gateway, constituent_id, email, amount_minor, currency, "
        "frequency, fund_id, status, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, 'open', {}) "
        "RETURNING id",
        data.gateway,
        data.constituent_id,
        data.email,
        data.amount_minor,
        data.currency,
        data.frequency,
        data.fund_id,
        datetime.now(UTC),
    )
    assert row is not None
    checkout_id = int(row["id"])
    ref, url = GATEWAYS[data.gateway].create_session(checkout_id, data)
    await db.execute(
        "UPDATE donations_checkout SET session_ref = {} WHERE id = {}", ref, checkout_id
    )
    return CheckoutStart(
        checkout_id=checkout_id, gateway=data.gateway, redirect_url=url, session_ref=ref
    )


async def get_checkout(checkout_id: int) -> dict[str, Any]:
    """A stored checkout row; NotFoundError when missing."""
    row = await db.fetch_one("SELECT * FROM donations_checkout WHERE id = {}", checkout_id)
    if row is None:
        raise NotFoundError(f"no checkout {checkout_id}")
    row["amount_minor"] = as_int(row["amount_minor"])
    return row


async def complete_offline(checkout_id: int) -> Any:
    """Complete an offline checkout as if the gateway had reported payment."""
    from plugins.donations import webhooks

    checkout = await get_checkout(checkout_id)
    if checkout["gateway"] != "offline":
        raise ConflictError("only offline checkouts can be completed here")
    return await webhooks.process_event(
        "offline",
        {
            "id": f"offline_evt_{checkout_id}",
            "type": "checkout.session.completed",
            "created": int(datetime.now(UTC).timestamp()),
            "data": {
                "object": {
                    "id": checkout["session_ref"],
                    "metadata": {"checkout_id": str(checkout_id)},
                    "amount_total": checkout["amount_minor"],
                    "currency": checkout["currency"].lower(),
                    "payment_intent": f"offline_pi_{checkout_id}",
                    "mode": "payment" if checkout["frequency"] == "once" else "subscription",
                    "subscription": f"offline_sub_{checkout_id}",
                    "customer_details": {"email": checkout["email"]},
                }
            },
        },
    )

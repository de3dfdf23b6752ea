"""Online giving: a payment-gateway interface, a built-in offline gateway and Stripe Checkout.

The donor pays on the gateway's own page (Stripe Checkout), so card data never reaches this
server. :func:`start_checkout` stores a ``donations_checkout`` row and asks the gateway for a
page to send the donor to; the money arrives later through a webhook
(:mod:`plugins.donations.webhooks`). The offline gateway completes a checkout on request,
through the same code path, so the demo and the tests work without Stripe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field, field_validator

from core import db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from plugins.donations.common import as_int
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


@dataclass(frozen=True)
class CheckoutPage:
    """How another plugin's payment looks on the gateway's page and where it returns.

    Set by services (membership dues), never taken from a request: ``description`` names
    what is paid for, the paths (under ``/portal/``) replace the donations thank-you and
    cancel pages (``{checkout_id}`` is filled in), and ``expires_at`` closes the page when
    the price quoted stops holding (Stripe accepts 30 minutes to 24 hours from now).
    """

    description: str
    success_path: str
    cancel_path: str
    expires_at: datetime | None = None

    def __post_init__(self) -> None:
        for path in (self.success_path, self.cancel_path):
            if not path.startswith("/portal/"):
                raise ValueError(f"checkout return paths stay in the portal, not {path!r}")


class CheckoutStart(BaseModel):
    """Where to send the donor to pay."""

    checkout_id: int
    gateway: str
    redirect_url: str
    session_ref: str | None


class SubscriptionChange(BaseModel):
    """What changed on a recurring gift, to be made on the gateway's subscription too."""

    amount_minor: int
    currency: str
    frequency: str
    status: Literal["active", "paused", "closed"]
    amount_changed: bool
    status_changed: bool


class GatewayError(ConflictError):
    """The payment gateway refused or could not make a change (shown to the user, 409)."""


class Gateway(Protocol):
    """A payment gateway: hosted payment pages and the subscriptions they start."""

    name: str

    async def create_session(
        self, checkout_id: int, data: CheckoutIn, page: CheckoutPage | None = None
    ) -> tuple[str, str]:
        """Return (session reference, URL of the hosted payment page)."""
        ...

    async def change_subscription(self, ref: str, change: SubscriptionChange) -> None:
        """Make a recurring gift's change on the gateway's subscription ``ref``."""
        ...


class OfflineGateway:
    """Pretend payments for demos and tests; completed by :func:`complete_offline`."""

    name = "offline"

    async def create_session(
        self, checkout_id: int, data: CheckoutIn, page: CheckoutPage | None = None
    ) -> tuple[str, str]:
        """A local confirmation page stands in for the gateway's page."""
        return f"offline_{checkout_id}", f"/portal/donations/offline/{checkout_id}"

    async def change_subscription(self, ref: str, change: SubscriptionChange) -> None:
        """Nothing to tell: offline recurring gifts live only here."""


def gateway_named(name: str) -> Gateway | None:
    """The gateway called ``name`` (offline or stripe), or None for one we do not know."""
    from plugins.donations.stripe_gateway import StripeGateway

    known: dict[str, Gateway] = {"offline": OfflineGateway(), "stripe": StripeGateway()}
    return known.get(name)


async def start_checkout(data: CheckoutIn, page: CheckoutPage | None = None) -> CheckoutStart:
    """Store the checkout and create the gateway's payment page.

    ``page`` is for other plugins' payments (membership dues): what the page says and where
    the payer returns. When the gateway's webhook reports the payment, the gift is recorded
    and ``donations.checkout_completed`` is emitted with the checkout's id.
    """
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
    gateway = gateway_named(data.gateway)
    assert gateway is not None  # CheckoutIn allows known gateways only
    ref, url = await gateway.create_session(checkout_id, data, page)
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

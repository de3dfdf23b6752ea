"""API for online giving: checkouts, the offline gateway and the Stripe webhook."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.params import JSONBody
from pydantic import BaseModel

from plugins.donations import gateways, webhooks
from plugins.donations.api_support import TAGS, WRITE, Id, PreciseJSONRequest

MAX_WEBHOOK_BYTES = 512 * 1024


class WebhookResult(BaseModel):
    """What the webhook did with the event."""

    outcome: str


@post("/checkouts", opt=WRITE, request_class=PreciseJSONRequest, tags=TAGS)
async def start_checkout(data: JSONBody[gateways.CheckoutIn]) -> gateways.CheckoutStart:
    """Start an online donation; send the donor to ``redirect_url``."""
    return await gateways.start_checkout(data)


@post("/checkouts/{checkout_id:int}/complete-offline", opt=WRITE, status_code=200, tags=TAGS)
async def complete_offline(checkout_id: Id) -> WebhookResult:
    """Complete an offline (demo) checkout as if the gateway had been paid."""
    return WebhookResult(outcome=await gateways.complete_offline(checkout_id))


@post(
    "/webhooks/stripe",
    opt={"public": True, "exclude_from_csrf": True},
    status_code=200,
    tags=TAGS,
)
async def stripe_webhook(request: Request[Any, Any, Any]) -> WebhookResult:
    """Stripe events, verified with the webhook secret; forged or stale ones get 400."""
    payload = await request.body()
    if len(payload) > MAX_WEBHOOK_BYTES:
        raise webhooks.WebhookSignatureError("payload too large")
    event = webhooks.verify_stripe(payload, request.headers.get("stripe-signature"))
    return WebhookResult(outcome=await webhooks.process_event("stripe", event))


ROUTES: list[Any] = [start_checkout, complete_offline, stripe_webhook]

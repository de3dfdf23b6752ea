"""Stripe: Checkout Sessions for giving, and keeping subscriptions in step with changes.

Calls go through Stripe's own library (``stripe.StripeClient`` with its httpx client, so
they do not block the event loop). ``stripe_api_base`` points the client elsewhere than
``https://api.stripe.com``: Stripe's ``stripe-mock`` in development, a loopback server in
the tests. Any Stripe failure becomes a :class:`~plugins.donations.gateways.GatewayError`
(409) naming what the provider said; nothing is changed here when Stripe refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import stripe

from core.errors import ConflictError
from plugins.donations.common import config, org
from plugins.donations.gateways import CheckoutIn, CheckoutPage, GatewayError, SubscriptionChange


class StripeHTTPXClient(stripe.HTTPXClient):
    """Stripe's httpx client, sending its form body as ``content``.

    The library passes the already-encoded body as ``data=``, which httpx deprecates for
    text; the request on the wire is the same.
    """

    def _get_request_args_kwargs(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any
    ) -> list[Any]:
        args: list[Any] = super()._get_request_args_kwargs(method, url, headers, post_data)
        options = args[1]
        body = options.pop("data", None)
        if body:
            options["content"] = body
        return args


INTERVALS = {"monthly": ("month", 1), "quarterly": ("month", 3), "annually": ("year", 1)}


def stripe_client() -> stripe.StripeClient:
    """A client for the configured account; ConflictError when Stripe is not configured."""
    settings = config()
    if not settings.stripe_secret_key:
        raise ConflictError("the Stripe gateway is not configured")
    return stripe.StripeClient(
        settings.stripe_secret_key,
        base_addresses={"api": settings.stripe_api_base},
        http_client=StripeHTTPXClient(),
        max_network_retries=2,
    )


def _recurring(frequency: str) -> dict[str, Any]:
    unit, count = INTERVALS[frequency]
    return {"interval": unit, "interval_count": count}


def _failure(exc: stripe.StripeError) -> GatewayError:
    said = exc.user_message or str(exc) or type(exc).__name__
    return GatewayError(f"the payment provider refused the change: {said}")


class StripeGateway:
    """Stripe Checkout: a hosted page; ``metadata.checkout_id`` ties the webhook back to us."""

    name = "stripe"

    async def create_session(
        self, checkout_id: int, data: CheckoutIn, page: CheckoutPage | None = None
    ) -> tuple[str, str]:
        """Create a Checkout Session (one-off payment or subscription)."""
        settings = config()
        base = org().public_base_url.rstrip("/")
        name = page.description if page else f"Donation to {org().org_name}"
        price: dict[str, Any] = {
            "currency": data.currency.lower(),
            "unit_amount": data.amount_minor,
            "product_data": {"name": name},
        }
        if data.frequency != "once":
            price["recurring"] = _recurring(data.frequency)
        params: dict[str, Any] = {
            "mode": "payment" if data.frequency == "once" else "subscription",
            "line_items": [{"price_data": price, "quantity": 1}],
            "client_reference_id": str(checkout_id),
            "metadata": {"checkout_id": str(checkout_id)},
            "success_url": base + settings.success_url,
            "cancel_url": base + settings.cancel_url,
        }
        if page is not None:
            ours = str(checkout_id)
            params["success_url"] = base + page.success_path.replace("{checkout_id}", ours)
            params["cancel_url"] = base + page.cancel_path.replace("{checkout_id}", ours)
            if page.expires_at is not None:
                params["expires_at"] = int(page.expires_at.timestamp())
        if data.email:
            params["customer_email"] = data.email
        try:
            session = await stripe_client().v1.checkout.sessions.create_async(cast(Any, params))
        except stripe.StripeError as exc:
            raise _failure(exc) from exc
        return str(session.id), str(session.url)

    async def change_subscription(self, ref: str, change: SubscriptionChange) -> None:
        """New amount or frequency (from the next invoice), pause, resume or cancel."""
        client = stripe_client()
        try:
            if change.status == "closed":
                await client.v1.subscriptions.cancel_async(ref)
                return
            params: dict[str, Any] = {}
            if change.amount_changed:
                params.update(await _new_price(client, ref, change))
            if change.status_changed:
                paused = change.status == "paused"
                params["pause_collection"] = {"behavior": "void"} if paused else ""
            if params:
                await client.v1.subscriptions.update_async(ref, cast(Any, params))
        except stripe.StripeError as exc:
            raise _failure(exc) from exc


async def _new_price(
    client: stripe.StripeClient, ref: str, change: SubscriptionChange
) -> dict[str, Any]:
    """The ``items`` change giving the subscription's one item the new amount and interval."""
    subscription = await client.v1.subscriptions.retrieve_async(ref)
    item = subscription["items"]["data"][0]
    product = item["price"]["product"]
    price = {
        "currency": change.currency.lower(),
        "unit_amount": change.amount_minor,
        "product": product if isinstance(product, str) else product["id"],
        "recurring": _recurring(change.frequency),
    }
    return {"items": [{"id": item["id"], "price_data": price}], "proration_behavior": "none"}

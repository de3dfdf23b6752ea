"""Online giving: the offline gateway and the Stripe webhook (signed locally, no network)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from core import db
from plugins.donations import gateways
from plugins.donations.tests.conftest import PersonFactory

SECRET = "whsec_test_secret"


def signed(
    event: dict[str, Any], *, secret: str = SECRET, age: int = 0
) -> tuple[bytes, dict[str, str]]:
    """The body and Stripe-Signature header Stripe would send."""
    body = json.dumps(event).encode()
    stamp = int(time.time()) - age
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"stripe-signature": f"t={stamp},v1={digest}", "content-type": "application/json"}


def completed(
    event_id: str, payment: str, amount: int = 2_500, checkout_id: int | None = None
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "cs_test_1",
                "mode": "payment",
                "amount_total": amount,
                "currency": "usd",
                "payment_intent": payment,
                "metadata": {"checkout_id": str(checkout_id)} if checkout_id else {},
                "customer_details": {"email": "Grace@Example.org", "name": "Hopper"},
            }
        },
    }


def refunded(event_id: str, payment: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "charge.refunded",
        "created": int(time.time()),
        "data": {"object": {"id": "ch_1", "payment_intent": payment, "amount_refunded": 2_500}},
    }


async def gift_rows() -> list[dict[str, Any]]:
    return await db.fetch_all(
        "SELECT donor_id, amount_minor, status FROM donations_gift ORDER BY id"
    )


URL = "/api/v1/donations/webhooks/stripe"


async def test_25_concurrent_deliveries_create_one_gift(client: httpx.AsyncClient) -> None:
    body, headers = signed(completed("evt_1", "pi_1"))
    responses = await asyncio.gather(
        *[client.post(URL, content=body, headers=headers) for _ in range(25)]
    )
    assert {r.status_code for r in responses} == {200}
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes.count("processed") == 1
    assert outcomes.count("duplicate") == 24
    rows = await gift_rows()
    assert len(rows) == 1
    assert int(rows[0]["amount_minor"]) == 2_500
    # The same payment under another event id is still one gift.
    body, headers = signed(completed("evt_2", "pi_1"))
    assert (await client.post(URL, content=body, headers=headers)).status_code == 200
    assert len(await gift_rows()) == 1


async def test_forged_or_stale_signatures_get_400_and_no_gift(client: httpx.AsyncClient) -> None:
    event = completed("evt_forged", "pi_9")
    body, headers = signed(event, secret="whsec_wrong")
    assert (await client.post(URL, content=body, headers=headers)).status_code == 400
    body, headers = signed(event, age=301)
    assert (await client.post(URL, content=body, headers=headers)).status_code == 400
    assert (await client.post(URL, content=body)).status_code == 400
    body, headers = signed(event)
    tampered = body.replace(b"2500", b"9999")
    assert (await client.post(URL, content=tampered, headers=headers)).status_code == 400
    assert await gift_rows() == []
    assert await db.fetch_all("SELECT id FROM donations_webhook_event") == []


async def test_refund_before_payment_is_applied_when_the_payment_arrives(
    client: httpx.AsyncClient,
) -> None:
    body, headers = signed(refunded("evt_r", "pi_late"))
    response = await client.post(URL, content=body, headers=headers)
    assert response.json() == {"outcome": "deferred"}
    body, headers = signed(completed("evt_p", "pi_late"))
    assert (await client.post(URL, content=body, headers=headers)).json() == {
        "outcome": "processed"
    }
    rows = await gift_rows()
    assert [r["status"] for r in rows] == ["refunded"]
    totals = await db.fetch_all("SELECT * FROM donations_donor_total")
    assert totals == []
    # Donor matched by email next time, case-insensitively.
    body, headers = signed(completed("evt_q", "pi_next"))
    await client.post(URL, content=body, headers=headers)
    donors = {r["donor_id"] for r in await gift_rows()}
    assert len(donors) == 1


async def test_offline_gateway_one_off_and_recurring(
    api: httpx.AsyncClient, person: PersonFactory, fund: int
) -> None:
    donor = await person()
    response = await api.post(
        "/api/v1/donations/checkouts",
        json={"amount_minor": 1_000, "currency": "USD", "constituent_id": donor, "fund_id": fund},
    )
    assert response.status_code == 201, response.text
    start = response.json()
    assert start["redirect_url"].startswith("/portal/donations/offline/")
    done = await api.post(f"/api/v1/donations/checkouts/{start['checkout_id']}/complete-offline")
    assert done.json() == {"outcome": "processed"}
    again = await gateways.complete_offline(start["checkout_id"])
    assert again == "duplicate"
    monthly = await gateways.start_checkout(
        gateways.CheckoutIn(
            amount_minor=500, currency="USD", constituent_id=donor, frequency="monthly"
        )
    )
    assert await gateways.complete_offline(monthly.checkout_id) == "processed"
    rows = await gift_rows()
    assert [int(r["amount_minor"]) for r in rows] == [1_000, 500]
    recurring = await db.fetch_all("SELECT status, gateway FROM donations_recurring")
    assert recurring == [{"status": "active", "gateway": "offline"}]

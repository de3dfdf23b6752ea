"""Stripe Checkout and subscription changes through Stripe's library, against a loopback API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from litestar import Litestar

from core.settings import Settings
from core.testing import BrowserSession, base_settings
from plugins.donations import gateways, recurring
from plugins.donations.tests.conftest import ORG_ZONE, PersonFactory
from plugins.donations.tests.stripe_api import FakeStripe, fake_stripe
from portal.testing import make_donor, sign_in


@pytest.fixture
def stripe_api() -> Iterator[FakeStripe]:
    """The loopback Stripe API."""
    with fake_stripe() as api:
        yield api


@pytest.fixture
def settings(database_url: str, stripe_api: FakeStripe) -> Settings:
    """Donations configured for Stripe, its API on loopback."""
    return base_settings(
        database_url,
        time_zone=ORG_ZONE,
        default_currency="USD",
        plugin_settings={
            "donations": {"stripe_secret_key": "sk_test_123", "stripe_api_base": stripe_api.url}
        },
    )


async def _plan(donor: int, ref: str = "sub_1") -> recurring.Recurring:
    return await recurring.create_recurring(
        recurring.RecurringIn(
            donor_id=donor,
            amount_minor=2_000,
            currency="USD",
            start_date=date(2026, 1, 5),
            gateway="stripe",
            gateway_ref=ref,
        )
    )


async def test_checkout_session_is_created_with_stripe(
    stripe_api: FakeStripe, person: PersonFactory
) -> None:
    donor = await person()
    started = await gateways.start_checkout(
        gateways.CheckoutIn(
            amount_minor=5_000,
            currency="USD",
            frequency="monthly",
            constituent_id=donor,
            gateway="stripe",
        )
    )
    assert started.redirect_url == "https://checkout.stripe.com/c/pay/cs_test_1"
    [call] = stripe_api.calls
    assert call.path == "/v1/checkout/sessions"
    assert call.form["mode"] == "subscription"
    assert call.form["line_items[0][price_data][unit_amount]"] == "5000"
    assert call.form["line_items[0][price_data][recurring][interval]"] == "month"
    assert call.form["metadata[checkout_id]"] == str(started.checkout_id)


async def test_the_portal_links_to_stripe_checkout_instead_of_redirecting(
    app: Litestar, stripe_api: FakeStripe
) -> None:
    # The portal's ``form-action 'self'`` policy would stop a form's redirect to Stripe.
    donor = await make_donor("ann@example.org", "Ann", "Able")
    client = await sign_in(app, donor)
    response = await client.submit(
        "/portal/donations/give", {"amount": "25.00", "currency": "USD", "frequency": "once"}
    )
    assert response.status_code == 200, response.text
    assert "location" not in response.headers
    assert 'href="https://checkout.stripe.com/c/pay/cs_test_1"' in response.text
    assert "form-action 'self'" in response.headers["content-security-policy"]
    [call] = stripe_api.calls
    assert call.form["line_items[0][price_data][unit_amount]"] == "2500"


async def test_amount_pause_resume_and_cancel_reach_the_subscription(
    stripe_api: FakeStripe, person: PersonFactory
) -> None:
    plan = await _plan(await person())
    await recurring.change_recurring(plan.id, recurring.RecurringPatch(amount_minor=3_500))
    retrieve, update = stripe_api.calls
    assert (retrieve.method, retrieve.path) == ("GET", "/v1/subscriptions/sub_1")
    assert update.form["items[0][id]"] == "si_1"
    assert update.form["items[0][price_data][unit_amount]"] == "3500"
    assert update.form["items[0][price_data][product]"] == "prod_1"
    assert update.form["proration_behavior"] == "none"
    await recurring.change_recurring(plan.id, recurring.RecurringPatch(status="paused"))
    assert stripe_api.calls[-1].form["pause_collection[behavior]"] == "void"
    await recurring.change_recurring(plan.id, recurring.RecurringPatch(status="active"))
    assert stripe_api.calls[-1].form["pause_collection"] == ""
    await recurring.change_recurring(plan.id, recurring.RecurringPatch(status="closed"))
    assert stripe_api.paths()[-1] == "DELETE /v1/subscriptions/sub_1"
    assert (await recurring.get_recurring(plan.id)).status == "closed"


async def test_a_refusal_changes_nothing_here(
    stripe_api: FakeStripe, person: PersonFactory, admin_ui: BrowserSession
) -> None:
    plan = await _plan(await person(), ref="sub_missing")
    with pytest.raises(gateways.GatewayError, match="No such subscription"):
        await recurring.change_recurring(plan.id, recurring.RecurringPatch(amount_minor=9_000))
    assert (await recurring.get_recurring(plan.id)).amount_minor == 2_000
    response = await admin_ui.submit(
        f"/admin/donations/recurring/{plan.id}/status", {"status": "paused"}
    )
    assert response.status_code == 303
    page = await admin_ui.get(response.headers["location"])
    assert "Nothing was changed" in page.text
    assert (await recurring.get_recurring(plan.id)).status == "active"

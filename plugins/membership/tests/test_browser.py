"""In a real browser: a member joins in the portal and pays on the Stripe stand-in's checkout,
the signed webhook makes the membership active, the member sees it with the card link, and
staff renew it in the admin.

The server runs with Stripe configured against the loopback Stripe API stand-in; the hosted
checkout page (``checkout.stripe.com``) is served by the browser itself through Playwright's
routing, so nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from core.mail.testing import SmtpSink
from core.testing_browser import (
    LiveServer,
    running_server,
    screenshot_dir,
    sign_in,
)
from plugins.donations.tests.stripe_api import FakeStripe, fake_stripe

SECRET = "whsec_browser_membership"
LINK = re.compile(r"https?://\S+/portal/login/confirm\S*")
EMAIL = "marta.soler@example.org"


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"membership-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def stripe_api() -> Iterator[FakeStripe]:
    """The loopback Stripe API the server talks to."""
    with fake_stripe() as api:
        yield api


@pytest.fixture(scope="module")
def stripe_server(
    template_database: str,
    tmp_path_factory: pytest.TempPathFactory,
    mail_sink: SmtpSink,
    stripe_api: FakeStripe,
) -> Iterator[LiveServer]:
    """``steward serve`` with donations taking payments through Stripe (the stand-in)."""
    donations = "STEWARD_PLUGIN_SETTINGS__DONATIONS__"
    stripe_settings = {
        f"{donations}STRIPE_SECRET_KEY": "sk_test_browser",
        f"{donations}STRIPE_WEBHOOK_SECRET": SECRET,
        f"{donations}STRIPE_API_BASE": stripe_api.url,
    }
    folder = tmp_path_factory.mktemp("live-stripe")
    with running_server(template_database, folder, mail_sink, stripe_settings) as server:
        yield server


def post_webhook(server: LiveServer, stripe_api: FakeStripe) -> str:
    """Stripe reports the last checkout session paid: signed with Stripe's library."""
    number = sum(1 for c in stripe_api.calls if c.path == "/v1/checkout/sessions")
    form = next(c.form for c in reversed(stripe_api.calls) if c.path == "/v1/checkout/sessions")
    event = {
        "id": f"evt_browser_{number}",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": f"cs_test_{number}",
                "mode": "payment",
                "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
                "currency": form["line_items[0][price_data][currency]"],
                "payment_intent": f"pi_browser_{number}",
                "metadata": {"checkout_id": form["metadata[checkout_id]"]},
            }
        },
    }
    body = json.dumps(event)
    request = urllib.request.Request(  # noqa: S310 - the loopback test server
        f"{server.url}/api/v1/donations/webhooks/stripe",
        data=body.encode(),
        headers={
            "stripe-signature": stripe.WebhookSignature.generate_signature_header(body, SECRET),
            "content-type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        outcome: str = json.loads(response.read())["outcome"]
    return outcome


def serve_checkout_page(page: Any, stripe_api: FakeStripe) -> None:
    """Stripe's hosted page, stood in for: what is paid and a Pay link to the success URL."""

    def fulfil(route: Any) -> None:
        form = next(c.form for c in reversed(stripe_api.calls) if c.path == "/v1/checkout/sessions")
        name = form["line_items[0][price_data][product_data][name]"]
        html = (
            f"<!doctype html><title>Checkout</title><h1>{name}</h1>"
            f'<a href="{form["success_url"]}">Pay</a> <a href="{form["cancel_url"]}">Back</a>'
        )
        route.fulfill(status=200, content_type="text/html", body=html)

    page.route("https://checkout.stripe.com/**", fulfil)


def add_level_and_member(page: Any) -> None:
    """As staff: a level offered online and the member's contact record."""
    page.goto("/admin/membership/levels/new")
    page.get_by_label("Name").fill("Amiga")
    page.get_by_label("Dues").fill("40.00")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/admin/membership/levels.*"))
    page.goto("/admin/constituents/new?kind=individual")
    page.get_by_label("First name").fill("Marta")
    page.get_by_label("Last name").fill("Soler")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/constituents/\d+$"))


def member_joins_and_pays(
    chromium: Any, server: LiveServer, sink: SmtpSink, stripe_api: FakeStripe
) -> None:
    """As the member: sign in by emailed link, join, pay on the stand-in, come back."""
    context = chromium.new_context(base_url=server.url, locale="en-GB")
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        serve_checkout_page(page, stripe_api)
        already = len(sink.messages)
        page.goto("/portal/login")
        page.get_by_role("textbox", name="Email", exact=True).first.fill(EMAIL)
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.get_by_role("heading").first.wait_for()
        mail = sink.wait_for(already + 1, timeout=20)[already]
        match = LINK.search(mail.part("plain"))
        assert match is not None, mail.part("plain")
        page.goto(match.group(0))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/portal/")

        page.goto("/portal/membership/")
        page.get_by_role("button", name="Join and pay").click()
        page.get_by_role("link", name="Continue to the secure payment page").click()
        page.wait_for_url("https://checkout.stripe.com/**")
        assert page.get_by_role("heading", name="Membership dues: Amiga").is_visible()
        page.get_by_role("link", name="Pay").click()
        page.wait_for_url(re.compile(r".*/portal/membership/paid/\d+$"))
        # The member is back before Stripe's webhook: the page says so.
        page.get_by_text("Your payment is being processed.").wait_for()
        shot(page, "portal-processing")

        assert post_webhook(server, stripe_api) == "processed"
        page.get_by_role("link", name="Check again").click()
        page.get_by_text("Payment received.").wait_for()
        shot(page, "portal-paid")

        page.get_by_role("link", name="Back to my membership").click()
        page.get_by_role("heading", name="Amiga").wait_for()
        facts = page.locator("dl.facts")
        assert facts.get_by_text("new", exact=True).is_visible()  # the status: a new member
        card = page.get_by_role("link", name="Download my membership card (PDF)")
        assert card.get_attribute("href") == "/portal/membership/card.pdf"
        shot(page, "portal-membership")
    finally:
        context.close()


def test_member_pays_dues_on_stripe_and_staff_renew(
    stripe_server: LiveServer,
    stripe_api: FakeStripe,
    chromium: Any,
    mail_sink: SmtpSink,
) -> None:
    context = chromium.new_context(
        base_url=stripe_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, stripe_server)
        add_level_and_member(page)
        member_joins_and_pays(chromium, stripe_server, mail_sink, stripe_api)

        page.goto("/admin/membership/")
        page.get_by_role("link", name="Marta Soler").click()
        page.wait_for_url(re.compile(r".*/admin/membership/members/\d+$"))
        history = page.locator("table").last
        assert history.get_by_role("cell", name="Joined").is_visible()
        assert history.get_by_role("link", name=re.compile(r"40[.,]00")).is_visible()
        expires = page.locator("dt", has_text="Expires on").locator("xpath=..").inner_text()
        with page.expect_navigation():
            page.get_by_role("button", name="Renew", exact=True).click()
        page.get_by_text("Membership renewed.").wait_for()
        assert page.locator("dt", has_text="Expires on").locator("xpath=..").inner_text() != (
            expires
        )
        assert history.get_by_role("cell", name="Renewed").is_visible()
        shot(page, "admin-renewed")
    finally:
        context.close()

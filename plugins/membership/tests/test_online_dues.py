"""Dues paid on Stripe Checkout: join, renew and change level, applied by the signed webhook.

Stripe's API is the loopback stand-in (``plugins/donations/tests/stripe_api.py``); webhook
payloads are signed with Stripe's own library.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import stripe
from litestar import Litestar

from core import db
from core.settings import Settings
from core.testing import base_settings
from plugins.donations.tests.stripe_api import FakeStripe, fake_stripe
from plugins.membership import autorenew, memberships, online, reminders, store
from plugins.membership.models import JoinIn
from plugins.membership.tests.conftest import ORG_ZONE, LevelFactory, SetToday
from tests.portal.conftest import PortalClient, make_donor, sign_in

SECRET = "whsec_membership_test"
WEBHOOK = "/api/v1/donations/webhooks/stripe"


@pytest.fixture
def stripe_api() -> Iterator[FakeStripe]:
    """The loopback Stripe API."""
    with fake_stripe() as api:
        yield api


@pytest.fixture
def settings(database_url: str, stripe_api: FakeStripe) -> Settings:
    """Donations paid through Stripe (its API on loopback), membership dues included."""
    return base_settings(
        database_url,
        time_zone=ORG_ZONE,
        default_currency="USD",
        plugin_settings={
            "donations": {
                "stripe_secret_key": "sk_test_123",
                "stripe_webhook_secret": SECRET,
                "stripe_api_base": stripe_api.url,
            }
        },
    )


def session_event(
    stripe_api: FakeStripe, number: int, *, amount: int | None = None, delay: int = 0
) -> dict[str, Any]:
    """``checkout.session.completed`` for the ``number``-th session the stand-in created."""
    calls = [c for c in stripe_api.calls if c.path == "/v1/checkout/sessions"]
    form = calls[number - 1].form
    paid = int(form["line_items[0][price_data][unit_amount]"]) if amount is None else amount
    return {
        "id": f"evt_{number}_{paid}_{delay}",
        "type": "checkout.session.completed",
        "created": int(time.time()) + delay,
        "data": {
            "object": {
                "id": f"cs_test_{number}",
                "mode": "payment",
                "amount_total": paid,
                "currency": form["line_items[0][price_data][currency]"],
                "payment_intent": f"pi_{number}_{paid}_{delay}",
                "metadata": {"checkout_id": form["metadata[checkout_id]"]},
            }
        },
    }


async def deliver(client: httpx.AsyncClient, event: dict[str, Any]) -> str:
    """Post the event as Stripe would, signed with Stripe's library."""
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
    response = await client.post(
        WEBHOOK,
        content=body.encode(),
        headers={"stripe-signature": header, "content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["outcome"])


async def member(app: Litestar, email: str = "ann@example.org") -> tuple[int, PortalClient]:
    donor = await make_donor(email, "Ann", "Able")
    return donor.id, await sign_in(app, donor)


async def gift_count() -> int:
    return int(await db.fetch_value("SELECT COUNT(*) FROM donations_gift"))


async def test_join_is_paid_on_stripe_and_applied_by_the_webhook_once(
    app: Litestar, level: LevelFactory, today: SetToday, stripe_api: FakeStripe
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic", dues_minor=3000)
    ann, client = await member(app)
    page = await client.get("/portal/membership/")
    assert "Join and pay" in page.text

    joined = await client.submit("/portal/membership/join", {"level_id": str(basic.id)})
    assert joined.status_code == 200
    assert 'href="https://checkout.stripe.com/c/pay/cs_test_1"' in joined.text
    [call] = stripe_api.calls
    assert call.form["line_items[0][price_data][product_data][name]"] == "Membership dues: Basic"
    assert call.form["success_url"].endswith("/portal/membership/paid/1")
    assert call.form["cancel_url"].endswith("/portal/membership/?payment=cancelled")
    assert int(call.form["expires_at"]) > time.time() + 30 * 60 - 5
    [mine] = await store.memberships_of(ann)
    assert mine.lifecycle == "pending"

    # Back from Stripe before the webhook: honest "processing".
    early = await client.get("/portal/membership/paid/1")
    assert "being processed" in early.text

    event = session_event(stripe_api, 1)
    assert await deliver(client, event) == "processed"
    assert await deliver(client, event) == "duplicate"  # a replay does nothing
    mine = await store.fetch_membership(mine.id)
    assert (mine.lifecycle, mine.counts_as_member) == ("active", True)
    gift = await db.fetch_one("SELECT id, amount_minor, payment_method FROM donations_gift")
    assert gift is not None
    assert (int(gift["amount_minor"]), gift["payment_method"]) == (
        3000,
        "online",
    )
    assert await gift_count() == 1
    [term] = await store.terms_of(mine.id)
    assert term.gift_id == int(gift["id"]) == mine.gift_id
    done = await client.get("/portal/membership/paid/1")
    assert "Payment received" in done.text
    home = await client.get("/portal/membership/")
    assert "/portal/membership/card.pdf" in home.text

    # Someone else's payment page is missing for them.
    _bob, other = await member(app, "bob@example.org")
    assert (await other.get("/portal/membership/paid/1")).status_code == 404


async def test_cancelled_checkout_changes_nothing_and_can_be_retried(
    app: Litestar, level: LevelFactory, today: SetToday, stripe_api: FakeStripe
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic", dues_minor=3000)
    ann, client = await member(app)
    await client.submit("/portal/membership/join", {"level_id": str(basic.id)})
    back = await client.get("/portal/membership/", params={"payment": "cancelled"})
    assert "nothing was charged" in back.text
    assert "Pay my dues online" in back.text
    [mine] = await store.memberships_of(ann)
    assert mine.lifecycle == "pending"
    assert await gift_count() == 0

    again = await client.submit("/portal/membership/pay")
    assert "/c/pay/cs_test_2" in again.text
    # The first page, paid anyway after the second started, is not applied: staff review it.
    assert await deliver(client, session_event(stripe_api, 1)) == "processed"
    first = await online.payment_of_checkout(1)
    assert first is not None
    assert first.status == "follow_up"
    assert (await store.fetch_membership(mine.id)).lifecycle == "pending"
    assert await deliver(client, session_event(stripe_api, 2)) == "processed"
    assert (await store.fetch_membership(mine.id)).lifecycle == "active"
    assert await gift_count() == 2  # both payments are recorded as money received


async def test_renewal_and_upgrade_paid_online(
    app: Litestar, level: LevelFactory, today: SetToday, stripe_api: FakeStripe
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic", dues_minor=3000, tier=1)
    gold = await level("Gold", dues_minor=9000, tier=2)
    ann, client = await member(app)
    mine = await memberships.join(JoinIn(member_id=ann, level_id=basic.id))

    renewing = await client.submit("/portal/membership/renew")
    assert "/c/pay/cs_test_1" in renewing.text
    assert (await store.fetch_membership(mine.id)).end_date == date(2027, 1, 1)  # not yet
    assert await deliver(client, session_event(stripe_api, 1)) == "processed"
    assert (await store.fetch_membership(mine.id)).end_date == date(2028, 1, 1)

    today(date(2026, 7, 2))
    quote = await client.get("/portal/membership/", params={"level": str(gold.id)})
    assert "and change level" in quote.text
    upgrading = await client.submit("/portal/membership/level", {"level_id": str(gold.id)})
    assert "/c/pay/cs_test_2" in upgrading.text
    assert (await store.fetch_membership(mine.id)).level_id == basic.id
    assert await deliver(client, session_event(stripe_api, 2)) == "processed"
    after = await store.fetch_membership(mine.id)
    assert after.level_id == gold.id
    last = await store.latest_term(mine.id)
    assert last is not None
    assert last.kind == "upgrade"
    assert last.gift_id == after.gift_id


async def test_wrong_amount_or_expired_quote_is_not_applied(
    app: Litestar, level: LevelFactory, today: SetToday, stripe_api: FakeStripe
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic", dues_minor=3000)
    ann, client = await member(app)
    mine = await memberships.join(JoinIn(member_id=ann, level_id=basic.id))
    await client.submit("/portal/membership/renew")
    assert await deliver(client, session_event(stripe_api, 1, amount=100)) == "processed"
    await client.submit("/portal/membership/renew")
    late = session_event(stripe_api, 2, delay=2 * 3600)
    assert await deliver(client, late) == "processed"

    assert (await store.fetch_membership(mine.id)).end_date == date(2027, 1, 1)
    problems = [(await online.payment_of_checkout(n)) for n in (1, 2)]
    assert [p.status if p else None for p in problems] == ["follow_up", "follow_up"]
    assert problems[0] is not None
    assert "quoted" in problems[0].problem
    assert problems[1] is not None
    assert "expired" in problems[1].problem
    tasks = await db.fetch_all(
        "SELECT follow_up_status FROM core_interaction WHERE constituent_id = {} "
        "AND external_ref LIKE 'membership-payment:%'",
        ann,
    )
    assert [t["follow_up_status"] for t in tasks] == ["open", "open"]
    assert await gift_count() == 3  # join + both payments: the money is recorded, staff decide


async def test_donations_that_are_not_dues_are_left_alone(
    app: Litestar, stripe_api: FakeStripe
) -> None:
    ann, client = await member(app)
    given = await client.submit("/portal/donations/give", {"amount": "25.00", "currency": "USD"})
    assert given.status_code == 200
    assert "cs_test_1" in given.text  # the link to the payment page
    assert await deliver(client, session_event(stripe_api, 1)) == "processed"
    assert await gift_count() == 1
    assert await online.payment_of_checkout(1) is None
    assert await store.memberships_of(ann) == []


async def test_auto_renew_leaves_stripe_paid_memberships_to_the_member(
    app: Litestar, level: LevelFactory, today: SetToday, stripe_api: FakeStripe
) -> None:
    today(date(2026, 1, 1))
    basic = await level("Basic", dues_minor=3000, auto_renew_allowed=True)
    ann, client = await member(app)
    await client.submit("/portal/membership/join", {"level_id": str(basic.id)})
    await deliver(client, session_event(stripe_api, 1))
    [mine] = await store.memberships_of(ann)
    await db.execute("UPDATE membership_membership SET auto_renew = {}", True)
    bob = await make_donor("bob@example.org", "Bob", "Baker")
    staff_paid = await memberships.join(
        JoinIn(member_id=bob.id, level_id=basic.id, auto_renew=True)
    )

    today(date(2026, 12, 30))
    assert await autorenew.auto_renew_due() == [staff_paid.id]
    assert await autorenew.auto_renew_due() == []  # a second run charges nothing more
    assert (await store.fetch_membership(mine.id)).end_date == date(2027, 1, 1)
    due = await reminders.due_reminders(date(2026, 12, 30))
    assert [r.membership_id for r in due] == [mine.id]  # asked to renew online instead

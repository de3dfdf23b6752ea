"""Portal giving: donate through the offline gateway, My giving, receipts, recurring gifts."""

from __future__ import annotations

import re

from litestar import Litestar

from core import db
from plugins.donations import recurring
from portal.testing import Donor, PortalClient, make_donor, sign_in

CHECKOUT = re.compile(r"/portal/donations/offline/(\d+)$")


async def _donate(client: PortalClient, amount: str = "25.00", frequency: str = "once") -> int:
    response = await client.submit(
        "/portal/donations/give", {"amount": amount, "currency": "USD", "frequency": frequency}
    )
    assert response.status_code == 303, response.text
    match = CHECKOUT.search(response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


async def _pair(app: Litestar) -> tuple[Donor, PortalClient, Donor, PortalClient]:
    ann = await make_donor("ann@example.org", "Ann", "Able")
    bob = await make_donor("bob@example.org", "Bob", "Baker")
    return ann, await sign_in(app, ann), bob, await sign_in(app, bob)


async def test_offline_donation_records_one_gift_shown_in_my_giving(app: Litestar) -> None:
    ann, client, _bob, other = await _pair(app)
    form = await client.get("/portal/donations/give")
    assert form.status_code == 200
    assert 'name="amount"' in form.text
    checkout_id = await _donate(client)
    page = await client.get(f"/portal/donations/offline/{checkout_id}")
    assert page.status_code == 200
    done = await client.submit(f"/portal/donations/offline/{checkout_id}")
    assert done.status_code == 303
    again = await client.submit(f"/portal/donations/offline/{checkout_id}")
    assert again.status_code == 409
    rows = await db.fetch_all("SELECT donor_id, amount_minor FROM donations_gift")
    assert [(r["donor_id"], int(r["amount_minor"])) for r in rows] == [(ann.id, 2500)]
    giving = await client.get("/portal/donations/")
    assert giving.status_code == 200
    assert "25.00" in giving.text
    gift_id = (await db.fetch_one("SELECT id FROM donations_gift"))["id"]  # type: ignore[index]
    pdf = await client.get(f"/portal/donations/gifts/{gift_id}/receipt")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    home = await client.get("/portal/")
    assert "/portal/donations/" in home.text
    # Donor B can neither download A's receipt nor see A's gift.
    receipt_id = (await db.fetch_one("SELECT id FROM donations_receipt"))["id"]  # type: ignore[index]
    assert (await other.get(f"/portal/donations/receipts/{receipt_id}/pdf")).status_code == 404
    assert (await other.get(f"/portal/donations/gifts/{gift_id}/receipt")).status_code == 404
    assert (await client.get(f"/portal/donations/receipts/{receipt_id}/pdf")).status_code == 200
    statement = await client.submit("/portal/donations/statement", {"year": "2099:USD"})
    assert statement.status_code == 404
    await client.aclose()
    await other.aclose()


async def test_donor_cannot_complete_another_donors_checkout(app: Litestar) -> None:
    _ann, client, _bob, other = await _pair(app)
    checkout_id = await _donate(client)
    assert (await other.get(f"/portal/donations/offline/{checkout_id}")).status_code == 404
    assert (await other.submit(f"/portal/donations/offline/{checkout_id}")).status_code == 404
    assert await db.fetch_value("SELECT COUNT(*) FROM donations_gift") == 0
    await client.aclose()
    await other.aclose()


async def test_csrf_is_required(app: Litestar) -> None:
    ann = await make_donor("ann@example.org")
    client = await sign_in(app, ann)
    response = await client.post(
        "/portal/donations/give", data={"amount": "10", "currency": "USD", "frequency": "once"}
    )
    assert response.status_code == 403
    assert await db.fetch_value("SELECT COUNT(*) FROM donations_checkout") == 0
    await client.aclose()


async def test_bad_amount_keeps_what_was_typed(app: Litestar) -> None:
    ann = await make_donor("ann@example.org")
    client = await sign_in(app, ann)
    response = await client.submit(
        "/portal/donations/give", {"amount": "12.345", "currency": "USD", "frequency": "once"}
    )
    assert response.status_code == 422
    assert 'value="12.345"' in response.text
    await client.aclose()


async def test_recurring_gift_change_pause_resume_cancel(app: Litestar) -> None:
    ann, client, _bob, other = await _pair(app)
    checkout_id = await _donate(client, "10", "monthly")
    assert (await client.submit(f"/portal/donations/offline/{checkout_id}")).status_code == 303
    [plan] = await recurring.list_recurring(donor_id=ann.id)
    assert plan.amount_minor == 1000
    base = f"/portal/donations/recurring/{plan.id}"
    assert (await other.submit(f"{base}/amount", {"amount": "1"})).status_code == 404
    assert (await client.submit(f"{base}/amount", {"amount": "abc"})).status_code == 422
    assert (await client.submit(f"{base}/amount", {"amount": "15"})).status_code == 303
    assert (await client.submit(f"{base}/pause")).status_code == 303
    assert (await client.submit(f"{base}/resume")).status_code == 303
    assert (await client.submit(f"{base}/cancel")).status_code == 303
    kinds = [
        (c.kind, c.old_amount_minor, c.new_amount_minor)
        for c in await recurring.change_log(plan.id)
    ]
    assert ("upgrade", 1000, 1500) in kinds
    statuses = [c.new_status for c in await recurring.change_log(plan.id) if c.kind == "status"]
    assert statuses == ["paused", "active", "closed"]
    page = await client.get("/portal/donations/")
    assert "Cancel this recurring gift" not in page.text
    await client.aclose()
    await other.aclose()

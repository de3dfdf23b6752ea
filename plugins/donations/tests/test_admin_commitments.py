"""Admin pages for pledges and recurring gifts: create, write off, change, permissions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from core import db
from core.testing import BrowserSession
from plugins.donations import pledges, recurring
from plugins.donations.tests.conftest import PersonFactory

MakeUI = Callable[..., Awaitable[BrowserSession]]


async def test_pledge_create_and_write_off(
    admin_ui: BrowserSession, person: PersonFactory, fund: int
) -> None:
    donor = await person("Hopper")
    form = await admin_ui.get("/admin/donations/pledges/new")
    assert form.status_code == 200
    fields = {
        "donor_id": str(donor),
        "amount": "1x",
        "currency": "USD",
        "pledge_date": "2026-01-10",
        "count": "3",
        "frequency": "monthly",
        "fund_id": str(fund),
    }
    bad = await admin_ui.submit("/admin/donations/pledges", fields)
    assert bad.status_code == 422
    assert 'value="1x"' in bad.text
    made = await admin_ui.submit("/admin/donations/pledges", {**fields, "amount": "300"})
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    [pledge] = await pledges.list_pledges(donor_id=donor)
    assert url.endswith(f"/admin/donations/pledges/{pledge.id}")
    assert [i.amount_minor for i in pledge.instalments] == [10_000, 10_000, 10_000]
    await pledges.pay_pledge(pledge.id, 10_000, gift_date=date(2026, 1, 12))
    detail = await admin_ui.get(url)
    assert detail.status_code == 200
    assert "/admin/donations/gifts/" in detail.text  # the payment is listed
    assert (await admin_ui.get("/admin/donations/pledges")).status_code == 200
    assert (await admin_ui.submit(f"{url}/write-off")).status_code == 303
    after = await pledges.get_pledge(pledge.id)
    assert (after.status, after.written_off_minor, after.balance_minor) == (
        "written_off",
        20_000,
        0,
    )
    assert (await admin_ui.submit(f"{url}/write-off")).status_code == 303  # flash error
    assert (await pledges.get_pledge(pledge.id)).written_off_minor == 20_000


async def test_recurring_pages_change_and_log(
    admin_ui: BrowserSession, person: PersonFactory
) -> None:
    donor = await person("Turing")
    plan = await recurring.create_recurring(
        recurring.RecurringIn(
            donor_id=donor, amount_minor=1_000, currency="USD", start_date=date(2026, 1, 1)
        )
    )
    url = f"/admin/donations/recurring/{plan.id}"
    assert (await admin_ui.get("/admin/donations/recurring")).status_code == 200
    assert (await admin_ui.get(url)).status_code == 200
    bad = await admin_ui.submit(f"{url}/amount", {"amount": "-"})
    assert bad.status_code == 422
    assert (await admin_ui.submit(f"{url}/amount", {"amount": "8"})).status_code == 303
    assert (await admin_ui.submit(f"{url}/status", {"status": "paused"})).status_code == 303
    assert (await admin_ui.submit(f"{url}/status", {"status": "active"})).status_code == 303
    assert (await admin_ui.submit(f"{url}/status", {"status": "closed"})).status_code == 303
    log = [(c.kind, c.new_amount_minor, c.new_status) for c in await recurring.change_log(plan.id)]
    assert log[1:] == [
        ("downgrade", 800, None),
        ("status", None, "paused"),
        ("status", None, "active"),
        ("status", None, "closed"),
    ]
    page = await admin_ui.get(url)
    assert "Downgrade" in page.text


async def test_viewer_reads_but_cannot_change(
    make_admin_ui: MakeUI, admin_ui: BrowserSession, person: PersonFactory
) -> None:
    donor = await person("Lamarr")
    plan = await recurring.create_recurring(
        recurring.RecurringIn(
            donor_id=donor, amount_minor=1_000, currency="USD", start_date=date(2026, 1, 1)
        )
    )
    viewer = await make_admin_ui(roles=["viewer"])
    assert (await viewer.get("/admin/donations/pledges/new")).status_code == 403
    refused = await viewer.submit(
        f"/admin/donations/recurring/{plan.id}/status", {"status": "closed"}
    )
    assert refused.status_code == 403
    assert await db.fetch_value("SELECT status FROM donations_recurring") == "active"

"""Admin gift pages: overview, list, record (happy path and bad input), edit, refund, delete."""

from __future__ import annotations

from core.testing import BrowserSession
from plugins.donations import gift_store, gifts
from plugins.donations.models import GiftIn, GiftPatch
from plugins.donations.tests.conftest import PersonFactory


async def test_overview_and_gift_pages_render(
    admin_ui: BrowserSession, person: PersonFactory, fund: int
) -> None:
    donor = await person("Lovelace")
    gift = await gifts.record_gift(
        GiftIn(
            donor_id=donor,
            amount_minor=12_345,
            currency="USD",
            splits=[{"fund_id": fund, "amount_minor": 12_345}],
        )
    )
    page = await admin_ui.get("/admin/donations/")
    assert page.status_code == 200, page.text
    assert 'href="/admin/donations/"' in page.text  # the nav entry
    assert "<svg" in page.text
    assert 'class="bar' in page.text
    assert "Lovelace" in page.text
    listing = await admin_ui.get(f"/admin/donations/gifts?fund_id={fund}&status=received")
    assert listing.status_code == 200
    assert f"/admin/donations/gifts/{gift.id}" in listing.text
    detail = await admin_ui.get(f"/admin/donations/gifts/{gift.id}")
    assert detail.status_code == 200
    assert "General" in detail.text
    assert "123.45" in detail.text
    bad_filter = await admin_ui.get("/admin/donations/gifts?date_from=yesterday")
    assert bad_filter.status_code == 422
    assert 'id="error-date_from"' in bad_filter.text


async def test_record_gift_form(admin_ui: BrowserSession, person: PersonFactory, fund: int) -> None:
    donor = await person("Hopper")
    form = await admin_ui.get(f"/admin/donations/gifts/new?constituent_id={donor}")
    assert form.status_code == 200
    assert f'value="{donor}"' in form.text
    assert "Donor: Ada Hopper" in form.text
    assert 'value="USD" selected' in form.text
    bad = await admin_ui.submit(
        "/admin/donations/gifts",
        {
            "donor_id": str(donor),
            "amount": "12.345",
            "currency": "USD",
            "gift_date": "2026-03-01",
            "payment_method": "cash",
            "status": "received",
            "fund_id": str(fund),
            "notes": "kept note",
        },
    )
    assert bad.status_code == 422
    assert 'id="error-amount"' in bad.text
    assert 'value="12.345"' in bad.text
    assert "kept note" in bad.text
    good = await admin_ui.submit(
        "/admin/donations/gifts",
        {
            "donor_id": str(donor),
            "amount": "1,250.50",
            "currency": "USD",
            "gift_date": "2026-03-01",
            "payment_method": "cheque",
            "status": "received",
            "fund_id": str(fund),
            "anonymous": "true",
        },
    )
    assert good.status_code == 303, good.text
    gift_id = int(good.headers["location"].rsplit("/", 1)[1])
    stored = await gift_store.fetch_gift(gift_id)
    assert (stored.amount_minor, stored.anonymous, stored.splits[0].fund_id) == (
        125_050,
        True,
        fund,
    )
    missing_donor = await admin_ui.submit(
        "/admin/donations/gifts",
        {
            "donor_id": "999999",
            "amount": "5",
            "currency": "USD",
            "gift_date": "2026-03-01",
            "payment_method": "cash",
            "status": "received",
        },
    )
    assert missing_donor.status_code == 422
    assert 'id="error-donor_id"' in missing_donor.text


async def test_edit_refund_and_delete(
    admin_ui: BrowserSession, person: PersonFactory, fund: int
) -> None:
    donor = await person("Curie")
    gift = await gifts.record_gift(
        GiftIn(
            donor_id=donor,
            amount_minor=5_000,
            currency="USD",
            splits=[{"fund_id": fund, "amount_minor": 5_000}],
        )
    )
    edit = await admin_ui.get(f"/admin/donations/gifts/{gift.id}/edit")
    assert edit.status_code == 200
    assert 'value="50.00"' in edit.text
    saved = await admin_ui.submit(
        f"/admin/donations/gifts/{gift.id}",
        {
            "donor_id": str(donor),
            "amount": "75",
            "currency": "USD",
            "gift_date": "2026-02-01",
            "payment_method": "card",
            "status": "received",
            "fund_id": str(fund),
        },
    )
    assert saved.status_code == 303
    assert (await gift_store.fetch_gift(gift.id)).amount_minor == 7_500
    confirm = await admin_ui.get(f"/admin/donations/gifts/{gift.id}/refund")
    assert confirm.status_code == 200
    refunded = await admin_ui.submit(f"/admin/donations/gifts/{gift.id}/refund")
    assert refunded.status_code == 303
    assert (await gift_store.fetch_gift(gift.id)).status == "refunded"
    deleted = await admin_ui.submit(f"/admin/donations/gifts/{gift.id}/delete")
    assert deleted.status_code == 303
    assert (await admin_ui.get(f"/admin/donations/gifts/{gift.id}")).status_code == 404


def test_typed_amounts_are_read_in_either_notation() -> None:
    from core.i18n import use_locale
    from plugins.donations.admin_common import normalise_amount

    with use_locale("en"):
        assert normalise_amount("1,250.50") == "1250.50"
        assert normalise_amount("1,250") == "1250"
        assert normalise_amount("25,50") == "25.50"
    with use_locale("es"):
        assert normalise_amount("1.250,50") == "1250.50"
        assert normalise_amount("1.250") == "1250"
        assert normalise_amount("25.50") == "25.50"
    assert normalise_amount("25.5.0") == "25.5.0"  # refused later by core.money


async def test_timeline_item_follows_the_gift(
    admin_ui: BrowserSession, person: PersonFactory
) -> None:
    import json

    from core import db

    first, second = await person("Noether"), await person("Germain")
    gift = await gifts.record_gift(GiftIn(donor_id=first, amount_minor=2_500, currency="USD"))
    page = await admin_ui.get(f"/admin/constituents/{first}/timeline")
    assert "$25.00" in page.text
    assert "(Received)" in page.text
    await gifts.update_gift(gift.id, GiftPatch(amount_minor=4_000, donor_id=second))
    await gifts.refund_gift(gift.id)
    row = await db.fetch_one(
        "SELECT constituent_id, payload FROM core_interaction WHERE external_ref = {}",
        f"gift:{gift.id}",
    )
    assert row is not None
    payload = row["payload"] if isinstance(row["payload"], dict) else json.loads(row["payload"])
    assert (row["constituent_id"], payload["amount_minor"], payload["status"]) == (
        second,
        4_000,
        "refunded",
    )
    moved = await admin_ui.get(f"/admin/constituents/{second}/timeline")
    assert "$40.00" in moved.text
    assert "(Refunded)" in moved.text
    assert f'href="/admin/donations/gifts/{gift.id}"' in moved.text

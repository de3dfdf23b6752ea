"""The gift form's splits, soft credits, tribute, matching and benefit value."""

from __future__ import annotations

from typing import Any

from core.testing import BrowserSession
from plugins.donations import gift_store, structure
from plugins.donations.tests.conftest import PersonFactory


def _gift(donor: int, amount: str = "100", **extra: str) -> dict[str, Any]:
    return {
        "donor_id": str(donor),
        "amount": amount,
        "currency": "USD",
        "gift_date": "2026-03-01",
        "payment_method": "cheque",
        "status": "received",
        **extra,
    }


async def _second_fund() -> int:
    return (await structure.create_fund(structure.FundIn(code="BLD", name="Building"))).id


def _gift_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_gift_split_across_funds_with_credits_and_tribute(
    admin_ui: BrowserSession, person: PersonFactory, fund: int
) -> None:
    donor, solicitor, spouse = await person("Hopper"), await person("Ruiz"), await person("Ana")
    building = await _second_fund()
    form = await admin_ui.get("/admin/donations/gifts/new")
    for field in ("split_fund_4", "credit_id_3", "tribute_type", "matches_gift_id"):
        assert f'name="{field}"' in form.text
    response = await admin_ui.submit(
        "/admin/donations/gifts",
        _gift(
            donor,
            "100",
            split_fund_1=str(fund),
            split_amount_1="60",
            split_fund_2=str(building),
            split_amount_2="40",
            credit_id_1=str(solicitor),
            credit_type_1="solicitor",
            credit_id_2=str(spouse),
            credit_type_2="household",
            credit_amount_2="50",
            tribute_type="in_memory",
            honoree_name="Rosa Ruiz",
            notify_name="Luis Ruiz",
            notify_email="luis@example.org",
            non_deductible="15",
        ),
    )
    gift = await gift_store.fetch_gift(_gift_id(response))
    assert sorted((s.fund_id, s.amount_minor) for s in gift.splits) == sorted(
        [(fund, 6_000), (building, 4_000)]
    )
    assert sorted((c.constituent_id, c.credit_type, c.amount_minor) for c in gift.soft_credits) == (
        sorted([(solicitor, "solicitor", 10_000), (spouse, "household", 5_000)])
    )
    assert gift.tribute is not None
    assert (gift.tribute.tribute_type, gift.tribute.notify_email) == (
        "in_memory",
        "luis@example.org",
    )
    assert gift.non_deductible_minor == 1_500
    edit = await admin_ui.get(f"/admin/donations/gifts/{gift.id}/edit")
    assert 'value="60.00"' in edit.text
    assert 'value="Rosa Ruiz"' in edit.text
    # Saving the form as shown keeps every part; clearing the tribute removes it.
    saved = await admin_ui.submit(
        f"/admin/donations/gifts/{gift.id}",
        _gift(
            donor,
            "100",
            split_fund_1=str(fund),
            split_amount_1="100",
            credit_id_1=str(solicitor),
            credit_type_1="solicitor",
        ),
    )
    assert saved.status_code == 303, saved.text
    edited = await gift_store.fetch_gift(gift.id)
    assert [(s.fund_id, s.amount_minor) for s in edited.splits] == [(fund, 10_000)]
    assert [c.constituent_id for c in edited.soft_credits] == [solicitor]
    assert edited.tribute is None


async def test_bad_parts_are_shown_next_to_their_row(
    admin_ui: BrowserSession, person: PersonFactory, fund: int
) -> None:
    donor = await person("Hopper")
    building = await _second_fund()
    uneven = await admin_ui.submit(
        "/admin/donations/gifts",
        _gift(
            donor,
            "100",
            split_fund_1=str(fund),
            split_amount_1="60",
            split_fund_2=str(building),
            split_amount_2="30",
        ),
    )
    assert uneven.status_code == 422
    assert "must add up to the gift" in uneven.text
    assert 'value="30"' in uneven.text  # what was typed is kept
    incomplete = await admin_ui.submit(
        "/admin/donations/gifts",
        _gift(
            donor,
            split_amount_2="10",
            credit_type_1="solicitor",
            credit_id_3="999999",
            credit_type_3="matched",
            honoree_name="Nobody",
        ),
    )
    assert incomplete.status_code == 422
    for field in ("split_fund_2", "credit_id_1", "tribute_type"):
        assert f'id="error-{field}"' in incomplete.text, field
    unknown = await admin_ui.submit(
        "/admin/donations/gifts",
        _gift(donor, credit_id_3="999999", credit_type_3="matched"),
    )
    assert unknown.status_code == 422
    assert 'id="error-credit_id_3"' in unknown.text
    assert "no contact with this number" in unknown.text


async def test_matching_gift_credits_the_employee(
    admin_ui: BrowserSession, person: PersonFactory
) -> None:
    employee = await person("Lovelace")
    employer = await person("Babbage Engines", kind="organisation")
    own = _gift_id(await admin_ui.submit("/admin/donations/gifts", _gift(employee, "50")))
    match = await admin_ui.submit(
        "/admin/donations/gifts", _gift(employer, "50", matches_gift_id=str(own))
    )
    matching = await gift_store.fetch_gift(_gift_id(match))
    assert matching.matches_gift_id == own
    assert [(c.constituent_id, c.credit_type) for c in matching.soft_credits] == [
        (employee, "matched")
    ]
    self_match = await admin_ui.submit(
        "/admin/donations/gifts", _gift(employee, "50", matches_gift_id=str(own))
    )
    assert self_match.status_code == 422
    assert 'id="error-matches_gift_id"' in self_match.text
    missing = await admin_ui.submit(
        "/admin/donations/gifts", _gift(employer, "50", matches_gift_id="999999")
    )
    assert missing.status_code == 422
    assert "no gift with this number" in missing.text

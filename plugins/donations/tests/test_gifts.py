"""Gifts: recording, idempotency, validation, edits, refunds, deletes and exact rollups."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core import db
from core.errors import ConflictError, InvalidInputError
from plugins.donations import gift_store, gifts, rollups
from plugins.donations.models import GiftIn, GiftPatch
from plugins.donations.tests.conftest import PersonFactory


def gift(donor: int, amount: int, **extra: object) -> GiftIn:
    """A gift input in US dollars."""
    return GiftIn.model_validate(
        {"donor_id": donor, "amount_minor": amount, "currency": "USD", **extra}
    )


async def totals(constituent_id: int) -> dict[str, object]:
    rows = await rollups.donor_totals(constituent_id)
    return rows[0].model_dump() if rows else {}


async def test_amounts_up_to_ten_to_the_thirteen_round_trip(
    person: PersonFactory, fund: int
) -> None:
    donor = await person()
    big = 10**13 + 7
    made = await gifts.record_gift(
        gift(
            donor, big, gift_date=date(2024, 1, 5), splits=[{"fund_id": fund, "amount_minor": big}]
        )
    )
    again = await gift_store.fetch_gift(made.id)
    assert again.amount_minor == big
    assert again.splits[0].amount_minor == big
    raw = await db.fetch_value("SELECT amount_minor FROM donations_gift WHERE id = {}", made.id)
    assert int(raw) == big
    assert not isinstance(raw, float)
    assert (await totals(donor))["lifetime_minor"] == big


async def test_gift_date_in_org_time_zone_and_fiscal_year(person: PersonFactory) -> None:
    donor = await person()
    # 23:30 on 31 December in UTC-6 is 05:30 on 1 January in UTC.
    late = datetime(2025, 1, 1, 5, 30, tzinfo=UTC)
    made = await gifts.record_gift(gift(donor, 100, received_at=late))
    assert made.gift_date == date(2024, 12, 31)
    assert made.fiscal_year == 2025  # fiscal year July 2024 - June 2025
    july = await gifts.record_gift(gift(donor, 50, gift_date=date(2025, 7, 1)))
    assert july.fiscal_year == 2026


async def test_external_id_is_idempotent_and_conflicts_on_other_facts(
    person: PersonFactory,
) -> None:
    donor = await person()
    first = await gifts.record_gift(gift(donor, 500, source="import", external_id="A-1"))
    again = await gifts.record_gift(gift(donor, 500, source="import", external_id="A-1"))
    assert again.id == first.id
    other_source = await gifts.record_gift(gift(donor, 500, source="web", external_id="A-1"))
    assert other_source.id != first.id
    with pytest.raises(ConflictError):
        await gifts.record_gift(gift(donor, 999, source="import", external_id="A-1"))
    assert (await totals(donor))["gift_count"] == 2
    timeline = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_interaction WHERE constituent_id = {} "
        "AND interaction_type = 'donations.gift'",
        donor,
    )
    assert int(timeline) == 2


async def test_splits_soft_credits_and_references_are_validated(
    person: PersonFactory, fund: int
) -> None:
    donor, other = await person("A"), await person("B")
    with pytest.raises(InvalidInputError) as bad:
        await gifts.record_gift(gift(donor, 100, splits=[{"fund_id": fund, "amount_minor": 90}]))
    assert "splits" in bad.value.errors
    with pytest.raises(InvalidInputError) as bad:
        await gifts.record_gift(
            gift(
                donor,
                100,
                non_deductible_minor=101,
                soft_credits=[
                    {"constituent_id": other, "credit_type": "solicitor", "amount_minor": 101}
                ],
                campaign_id=999,
                payment_method="in_kind",
            )
        )
    assert set(bad.value.errors) >= {
        "non_deductible_minor",
        "soft_credits.0.amount_minor",
        "campaign_id",
        "in_kind_description",
    }


async def test_rollups_follow_edit_refund_and_delete(person: PersonFactory, fund: int) -> None:
    donor, solicitor, other = await person("A"), await person("S"), await person("O")
    first = await gifts.record_gift(gift(donor, 1_000, gift_date=date(2023, 3, 1)))
    big = await gifts.record_gift(
        gift(
            donor,
            5_000,
            gift_date=date(2024, 8, 1),
            splits=[{"fund_id": fund, "amount_minor": 5_000}],
            soft_credits=[
                {"constituent_id": solicitor, "credit_type": "solicitor", "amount_minor": 5_000}
            ],
        )
    )
    t = await totals(donor)
    assert (t["gift_count"], t["lifetime_minor"], t["largest_gift_minor"]) == (2, 6_000, 5_000)
    assert (t["first_gift_date"], t["last_gift_date"]) == (date(2023, 3, 1), date(2024, 8, 1))
    assert (await totals(solicitor))["soft_credit_minor"] == 5_000

    edited = await gifts.update_gift(big.id, GiftPatch(amount_minor=7_000))
    assert edited.splits[0].amount_minor == 7_000
    assert (await totals(donor))["lifetime_minor"] == 8_000

    await gifts.update_gift(big.id, GiftPatch(donor_id=other))
    assert (await totals(donor))["lifetime_minor"] == 1_000
    assert (await totals(other))["lifetime_minor"] == 7_000

    await gifts.refund_gift(first.id)
    assert await totals(donor) == {}
    with pytest.raises(ConflictError):
        await gifts.refund_gift(first.id)
    await gifts.delete_gift(big.id)
    assert await totals(other) == {}
    assert (await totals(solicitor)).get("soft_credit_minor", 0) == 0
    listed, count = await gifts.list_gifts(donor_id=donor)
    assert count == 1
    assert listed[0].status == "refunded"


async def test_matching_gift_hard_credits_employer_and_soft_credits_employee(
    person: PersonFactory,
) -> None:
    employee, employer = await person("E"), await person("Acme", kind="organisation")
    own = await gifts.record_gift(gift(employee, 2_500))
    matched = await gifts.record_matching_gift(own.id, employer, 2_500)
    assert matched.matches_gift_id == own.id
    assert (await totals(employer))["lifetime_minor"] == 2_500
    employee_totals = await totals(employee)
    assert (employee_totals["lifetime_minor"], employee_totals["soft_credit_minor"]) == (
        2_500,
        2_500,
    )
    assert (await gifts.record_matching_gift(own.id, employer, 2_500)).id == matched.id


async def test_household_totals_never_double_count(person: PersonFactory) -> None:
    from core.constituents import households

    a, b, outsider = await person("A"), await person("B"), await person("Z")
    house = await person("Home", kind="household")
    for member in (a, b):
        await households.add_member(house, member)
    # A gives, soft-credited to B (a household credit): counts once.
    await gifts.record_gift(
        gift(
            a,
            1_000,
            soft_credits=[{"constituent_id": b, "credit_type": "household", "amount_minor": 1_000}],
        )
    )
    await gifts.record_gift(gift(b, 300))
    # An outsider's gift credited to both members counts once, as a soft credit.
    await gifts.record_gift(
        gift(
            outsider,
            700,
            soft_credits=[
                {"constituent_id": a, "credit_type": "in_honour", "amount_minor": 700},
                {"constituent_id": b, "credit_type": "in_honour", "amount_minor": 700},
            ],
        )
    )
    summary = await rollups.household_totals(house, "USD")
    assert (summary.hard_credit_minor, summary.soft_credit_minor, summary.total_minor) == (
        1_300,
        700,
        2_000,
    )

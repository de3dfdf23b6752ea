"""Pledges, recurring gifts and batch entry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import db
from core.errors import ConflictError, InvalidInputError
from plugins.donations import batches, pledges, recurring, rollups
from plugins.donations.common import org_today
from plugins.donations.models import GiftIn
from plugins.donations.tests.conftest import PersonFactory


async def test_pledge_schedule_payments_and_write_off(person: PersonFactory, fund: int) -> None:
    donor = await person()
    pledge = await pledges.create_pledge(
        pledges.PledgeIn(
            donor_id=donor,
            amount_minor=1_000,
            currency="USD",
            pledge_date=date(2024, 1, 31),
            count=3,
            frequency="monthly",
            fund_id=fund,
        )
    )
    assert [(i.due_date, i.amount_minor) for i in pledge.instalments] == [
        (date(2024, 1, 31), 333),
        (date(2024, 2, 29), 333),
        (date(2024, 3, 31), 334),
    ]
    assert (await rollups.donor_totals(donor)) == []  # a promise is not money
    paid = await pledges.pay_pledge(pledge.id, 400, gift_date=date(2024, 2, 1))
    assert paid.paid_minor == 400
    assert paid.balance_minor == 600
    assert [i.paid_minor for i in paid.instalments] == [333, 67, 0]
    assert all(i.overdue for i in paid.instalments[1:])  # their dates are in the past
    with pytest.raises(InvalidInputError):
        await pledges.pay_pledge(pledge.id, 601)
    reminders = await pledges.due_reminders()
    assert [i.id for _, i in reminders] == [i.id for i in paid.instalments[1:]]
    closed = await pledges.write_off(pledge.id)
    assert (closed.status, closed.written_off_minor, closed.balance_minor) == (
        "written_off",
        600,
        0,
    )
    with pytest.raises(ConflictError):
        await pledges.pay_pledge(pledge.id, 1)
    assert (await rollups.donor_totals(donor))[0].lifetime_minor == 400


async def test_pledge_fulfilled_when_paid(person: PersonFactory) -> None:
    donor = await person()
    pledge = await pledges.create_pledge(
        pledges.PledgeIn(
            donor_id=donor,
            amount_minor=500,
            currency="USD",
            pledge_date=date(2024, 5, 1),
            instalments=[{"due_date": date(2024, 6, 1), "amount_minor": 500}],
        )
    )
    assert (await pledges.pay_pledge(pledge.id, 500)).status == "fulfilled"


async def test_recurring_changes_lapse_and_expected_value(person: PersonFactory) -> None:
    donor = await person()
    today = org_today()
    made = await recurring.create_recurring(
        recurring.RecurringIn(donor_id=donor, amount_minor=1_000, currency="USD", start_date=today)
    )
    gift = await recurring.record_payment(made.id, gift_date=today)
    after = await recurring.get_recurring(made.id)
    assert after.next_date > today
    assert after.last_paid_date == gift.gift_date
    await recurring.change_recurring(made.id, recurring.RecurringPatch(amount_minor=1_500))
    await recurring.change_recurring(made.id, recurring.RecurringPatch(amount_minor=1_200))
    await recurring.change_recurring(made.id, recurring.RecurringPatch(status="paused"))
    kinds = [c.kind for c in await recurring.change_log(made.id)]
    assert kinds == ["created", "upgrade", "downgrade", "status"]
    assert await recurring.expected_this_fiscal_year(made.id) == 1_000  # paused: received only
    await recurring.change_recurring(made.id, recurring.RecurringPatch(status="active"))
    expected = await recurring.expected_this_fiscal_year(made.id)
    assert expected >= 1_000
    assert (expected - 1_000) % 1_200 == 0
    # Overdue by more than lapse_after_days (30 in the test settings): lapsed; a payment revives.
    await db.execute(
        "UPDATE donations_recurring SET next_date = {} WHERE id = {}",
        today - timedelta(days=31),
        made.id,
    )
    assert await recurring.lapse_overdue() == [made.id]
    assert (await recurring.get_recurring(made.id)).status == "lapsed"
    await recurring.record_payment(made.id, gift_date=today)
    assert (await recurring.get_recurring(made.id)).status == "active"
    await recurring.change_recurring(made.id, recurring.RecurringPatch(status="closed"))
    with pytest.raises(ConflictError):
        await recurring.change_recurring(made.id, recurring.RecurringPatch(amount_minor=5))


async def test_batch_posts_only_when_it_matches_its_controls(person: PersonFactory) -> None:
    donor = await person()
    batch = await batches.create_batch(
        batches.BatchIn(name="Monday post", control_count=2, control_minor=3_000, currency="USD")
    )
    await batches.add_item(batch.id, GiftIn(donor_id=donor, amount_minor=1_000, currency="USD"))
    with pytest.raises(ConflictError):
        await batches.post_batch(batch.id)
    with pytest.raises(InvalidInputError):
        await batches.add_item(batch.id, GiftIn(donor_id=donor, amount_minor=1, currency="EUR"))
    wrong = await batches.add_item(
        batch.id, GiftIn(donor_id=donor, amount_minor=2_500, currency="USD")
    )
    assert not wrong.balanced
    await batches.remove_item(batch.id, wrong.items[-1].id)
    right = await batches.add_item(
        batch.id, GiftIn(donor_id=donor, amount_minor=2_000, currency="USD")
    )
    assert right.balanced
    ids = await batches.post_batch(batch.id)
    assert len(ids) == 2
    assert (await rollups.donor_totals(donor))[0].lifetime_minor == 3_000
    with pytest.raises(ConflictError):
        await batches.post_batch(batch.id)


async def test_batch_posting_is_atomic(person: PersonFactory) -> None:
    donor = await person()
    batch = await batches.create_batch(
        batches.BatchIn(name="Bad", control_count=2, control_minor=200, currency="USD")
    )
    await batches.add_item(batch.id, GiftIn(donor_id=donor, amount_minor=100, currency="USD"))
    await batches.add_item(
        batch.id,
        GiftIn(donor_id=donor, amount_minor=100, currency="USD", source="x", external_id="1"),
    )
    # Another gift takes the second item's external id with another amount: posting conflicts.
    from plugins.donations import gifts

    await gifts.record_gift(
        GiftIn(donor_id=donor, amount_minor=7, currency="USD", source="x", external_id="1")
    )
    with pytest.raises(ConflictError):
        await batches.post_batch(batch.id)
    assert (await batches.get_batch(batch.id)).status == "open"
    assert (await rollups.donor_totals(donor))[0].gift_count == 1

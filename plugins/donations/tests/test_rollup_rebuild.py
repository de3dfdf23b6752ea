"""The set-based rollup rebuild writes exactly the rows of the per-donor recomputation."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from core import db
from core.constituents import households
from plugins.donations import gifts, rollup_counts, rollup_rebuild, rollups
from plugins.donations.common import current_fiscal_year, org, org_today
from plugins.donations.models import GiftIn
from plugins.donations.tests.conftest import PersonFactory

COLUMNS = {
    "donations_donor_total": (
        "constituent_id, currency, gift_count, lifetime_minor, first_gift_date, "
        "first_gift_minor, last_gift_date, last_gift_minor, largest_gift_date, "
        "largest_gift_minor, as_of_fiscal_year, this_fy_minor, last_fy_minor, "
        "consecutive_years, soft_credit_minor, fm_score"
    ),
    "donations_donor_year": (
        "constituent_id, currency, fiscal_year, gift_count, total_minor, largest_minor, "
        "gave_year_before, gave_year_after"
    ),
    "donations_year_total": (
        "currency, fiscal_year, donors, total_minor, kept_donors, returning_minor"
    ),
    "donations_rfm_count": "currency, fm_score, last_gift_date, donors",
}
# Fiscal years given by each "pattern" donor, relative to this year: streaks that end this
# year, end last year, are broken, or ended long ago.
PATTERNS = [(0, 1, 2), (1, 2), (0, 2), (2, 3), (0,), (1,), (0, 1, 2, 3, 4, 5), (3, 5)]


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every rollup row, without its id and timestamp."""
    return {
        table: await db.fetch_all(f"SELECT {cols} FROM {table} ORDER BY {cols}")
        for table, cols in COLUMNS.items()
    }


def day_in(fiscal_year: int, offset: int) -> date:
    """A date inside a fiscal year, never after today."""
    start, end = org().fiscal_year_bounds(fiscal_year)
    return min(start + timedelta(days=offset % (end - start).days), org_today())


async def give(donor: int, amount: int, day: date, currency: str = "USD", **extra: Any) -> int:
    data = {"donor_id": donor, "amount_minor": amount, "currency": currency, "gift_date": day}
    return (await gifts.record_gift(GiftIn.model_validate({**data, **extra}))).id


async def varied_data(person: PersonFactory) -> list[int]:
    """Donors with streaks, ties, soft credits, refunds, deletions, currencies, a household."""
    rng = random.Random(7)  # noqa: S311 - test data, not secrets
    current = current_fiscal_year()
    people = [await person(f"P{i}") for i in range(10)]
    house = await person("Home", kind="household")
    company = await person("Acme", kind="organisation")
    honoured = await person("Honoured")  # only ever soft-credited
    for member in people[:2]:
        await households.add_member(house, member)
    for donor, years in zip(people, PATTERNS, strict=False):
        for back in years:
            await give(donor, rng.choice([500, 2_500, 10_000]), day_in(current - back, 40))
    # Ties: same day and amount (id decides), same amount on other days (earliest wins).
    tie = day_in(current - 1, 10)
    for amount in (700, 700, 300):
        await give(people[0], amount, tie)
    await give(people[0], 90_000, day_in(current - 1, 11))
    await give(people[0], 90_000, day_in(current - 4, 3))  # the largest: the earlier one
    for _ in range(60):
        donor = rng.choice([*people, house, company])
        currency = rng.choice(["USD", "USD", "EUR", "MXN"])
        back = rng.randrange(0, 6)
        extra: dict[str, Any] = {}
        if rng.random() < 0.3:
            credited = rng.choice([honoured, *people[:3]])
            if credited != donor:
                extra["soft_credits"] = [
                    {
                        "constituent_id": credited,
                        "credit_type": rng.choice(["in_honour", "solicitor", "household"]),
                        "amount_minor": rng.randrange(1, 400),
                    }
                ]
        gift_id = await give(
            donor,
            rng.randrange(1, 50_000),
            day_in(current - back, rng.randrange(365)),
            currency,
            **extra,
        )
        roll = rng.random()
        if roll < 0.1:
            await gifts.refund_gift(gift_id)
        elif roll < 0.18:
            await gifts.delete_gift(gift_id)
    gone = await give(people[9], 1_000, day_in(current, 1), "EUR")
    await gifts.delete_gift(gone)  # its rollup row disappears
    await give(honoured, 1, day_in(current, 1), "EUR", status="pledged")  # not money
    return [*people, house, company, honoured]


async def per_donor_reference() -> dict[str, list[dict[str, Any]]]:
    """Rebuild every constituent one at a time (the original path) and read the rows."""
    ids = await db.fetch_all(
        "SELECT donor_id AS id FROM donations_gift UNION SELECT constituent_id AS id FROM "
        "donations_soft_credit UNION SELECT constituent_id AS id FROM donations_donor_total"
    )
    async with db.transaction():
        for row in ids:
            await rollups.recompute_donor(int(row["id"]))
    return await snapshot()


async def scramble(stale_holder: int) -> None:
    """Wrong rollups: a row for someone without gifts, every other total off; the counts
    over them consistent with the wrong rows (a stale but coherent state)."""
    await db.execute(
        "UPDATE donations_donor_total SET lifetime_minor = 1, consecutive_years = 9, fm_score = 0"
    )
    await db.execute("DELETE FROM donations_donor_year")
    await db.execute(
        "INSERT INTO donations_donor_year (constituent_id, currency, fiscal_year, gift_count, "
        "total_minor, largest_minor) VALUES ({}, 'USD', 2001, 1, 5, 5)",
        stale_holder,
    )
    await rollup_counts.rebuild()


async def test_rebuild_all_equals_per_donor_recompute(person: PersonFactory) -> None:
    await varied_data(person)
    stale = await person("Stale")
    expected = await per_donor_reference()
    assert len(expected["donations_donor_total"]) > 20
    assert {r["consecutive_years"] for r in expected["donations_donor_total"]} >= {0, 1, 2, 3}
    assert any(r["gift_count"] == 0 for r in expected["donations_donor_total"])  # soft only
    years = expected["donations_donor_year"]
    flags = {(bool(r["gave_year_before"]), bool(r["gave_year_after"])) for r in years}
    assert flags == {(False, False), (False, True), (True, False), (True, True)}
    assert len({r["fm_score"] for r in expected["donations_donor_total"]}) > 3
    await scramble(stale)
    await db.execute("UPDATE donations_year_total SET donors = donors + 3")  # counts off too
    await db.execute("DELETE FROM donations_rfm_count WHERE fm_score > 4")
    count = await rollups.recompute_all()
    assert await snapshot() == expected
    assert count == len({r["constituent_id"] for r in expected["donations_donor_total"]})


async def test_chunked_rebuild_of_a_large_set_equals_per_donor(
    person: PersonFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await varied_data(person)
    expected = await per_donor_reference()
    outsider = await person("Outsider")
    await scramble(outsider)
    monkeypatch.setattr(rollup_rebuild, "CHUNK", 4)
    monkeypatch.setattr(rollups, "SET_BASED_FROM", 2)
    await rollups.recompute_donors([*ids, outsider])
    assert await snapshot() == expected


async def test_chunked_rebuild_leaves_other_donors_alone(person: PersonFactory) -> None:
    first, second = await person("First"), await person("Second")
    await give(first, 100, day_in(current_fiscal_year(), 1))
    await give(second, 200, day_in(current_fiscal_year(), 1))
    await db.execute(
        "UPDATE donations_donor_total SET lifetime_minor = 7 WHERE constituent_id = {}", second
    )
    await rollup_rebuild.rebuild_donors([first])
    rows = {r.constituent_id: r for r in [*await rollups.donor_totals(first)]}
    assert rows[first].lifetime_minor == 100
    assert (await rollups.donor_totals(second))[0].lifetime_minor == 7

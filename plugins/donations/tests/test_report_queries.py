"""The SQL-built donor reports against a brute-force computation over the raw gifts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from plugins.donations import gifts
from plugins.donations.models import GiftIn
from plugins.donations.reports import donors, rfm
from plugins.donations.reports.periods import Basis, bounds
from plugins.donations.tests.conftest import PersonFactory

YEAR = 2025
AS_OF = date(2025, 8, 20)


@dataclass(frozen=True)
class Given:
    """A gift as the reports should see it."""

    donor: int
    amount: int
    currency: str
    day: date
    live: bool


async def random_gifts(person: PersonFactory) -> tuple[list[Given], dict[int, str]]:
    """About 120 gifts from 16 donors over five years: refunds, deletions, two currencies."""
    rng = random.Random(11)  # noqa: S311 - test data, not secrets
    names = {await person(f"Name{i}"): f"Ada Name{i}" for i in range(16)}
    made: list[Given] = []
    for _ in range(120):
        donor = rng.choice(list(names))
        amount = rng.choice([100, 2_500, 2_500, 5_000, 100_000, rng.randrange(1, 800_000)])
        currency = "USD" if rng.random() < 0.85 else "EUR"
        day = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 1_690))
        status = "refunded" if rng.random() < 0.08 else "received"
        gift = await gifts.record_gift(
            GiftIn(
                donor_id=donor, amount_minor=amount, currency=currency, gift_date=day, status=status
            )
        )
        live = status == "received"
        if live and rng.random() < 0.06:
            await gifts.delete_gift(gift.id)
            live = False
        made.append(Given(donor, amount, currency, day, live))
    return made, names


def totals_in(made: list[Given], start: date, end: date) -> dict[int, int]:
    """Each donor's live US dollar total dated in [start, end)."""
    out: dict[int, int] = {}
    for g in made:
        if g.live and g.currency == "USD" and start <= g.day < end:
            out[g.donor] = out.get(g.donor, 0) + g.amount
    return out


def ranked(amounts: dict[int, int], names: dict[int, str]) -> list[dict[str, object]]:
    order = sorted(amounts, key=lambda i: (-amounts[i], i))
    return [{"constituent_id": i, "name": names[i], "amount_minor": amounts[i]} for i in order]


def expected_lapsed(
    made: list[Given], names: dict[int, str], basis: Basis, rule: str
) -> list[dict[str, object]]:
    this_span, last_span = bounds(YEAR, basis), bounds(YEAR - 1, basis)
    this = totals_in(made, *this_span)
    last = totals_in(made, *last_span)
    before = totals_in(made, date(1900, 1, 1), last_span[0])
    if rule == "lybunt":
        return ranked({i: v for i, v in last.items() if i not in this}, names)
    ids = set(before) - set(this)
    ids = ids | (set(last) - set(this)) if rule == "sybunt_all" else ids - set(last)
    return ranked({i: before.get(i, 0) + last.get(i, 0) for i in ids}, names)


async def test_lybunt_and_sybunt_match_brute_force(person: PersonFactory) -> None:
    made, names = await random_gifts(person)
    for basis in ("fiscal", "calendar"):
        lybunt = await donors.lybunt(YEAR, basis, "USD")
        assert lybunt.rows == expected_lapsed(made, names, basis, "lybunt")
        assert lybunt.rows  # the data has lapsed donors to find
        assert (await donors.sybunt(YEAR, basis, "USD")).rows == expected_lapsed(
            made, names, basis, "sybunt"
        )
        every = await donors.sybunt(YEAR, basis, "USD", include_last_year=True)
        assert every.rows == expected_lapsed(made, names, basis, "sybunt_all")


async def test_retention_matches_brute_force(person: PersonFactory) -> None:
    made, _ = await random_gifts(person)
    for basis in ("fiscal", "calendar"):
        this = totals_in(made, *bounds(YEAR, basis))
        last = totals_in(made, *bounds(YEAR - 1, basis))
        kept = set(last) & set(this)
        row = (await donors.retention(YEAR, basis, "USD")).rows[0]
        assert row["previous_donors"] == len(last)
        assert row["retained_donors"] == len(kept)
        assert row["previous_minor"] == sum(last.values())
        assert row["retained_minor"] == sum(this[i] for i in kept)
        assert row["donor_retention_pct"] == round(100 * len(kept) / len(last), 1)


async def test_rfm_matches_brute_force_and_pages(person: PersonFactory) -> None:
    made, names = await random_gifts(person)
    expected: list[tuple[int, int, dict[str, object]]] = []
    for donor in names:
        mine = [g for g in made if g.live and g.currency == "USD" and g.donor == donor]
        if not mine:
            continue
        days = (AS_OF - max(g.day for g in mine)).days
        lifetime = sum(g.amount for g in mine)
        r, f, m = rfm.rfm_scores(days, len(mine), Decimal(lifetime) / 100)
        expected.append(
            (
                -(r + f + m),
                donor,
                {
                    "constituent_id": donor,
                    "name": names[donor],
                    "recency_days": days,
                    "gifts": len(mine),
                    "lifetime_minor": lifetime,
                    "r": r,
                    "f": f,
                    "m": m,
                    "rfm": f"{r}{f}{m}",
                },
            )
        )
    expected.sort(key=lambda x: x[:2])
    rows = [row for *_, row in expected]
    report = await rfm.rfm("USD", AS_OF)
    assert report.rows == rows
    assert len({row["rfm"] for row in report.rows}) > 3  # the scores spread
    page = await rfm.rfm("USD", AS_OF, limit=4, offset=2)
    assert page.rows == rows[2:6]
    assert page.total_rows == len(rows)
    assert sum(page.series[0].values) == len(rows)
    # A currency with three decimals scales the monetary thresholds (1,000 = 1 dinar).
    assert "t.lifetime_minor >= 5000000 THEN 5" in rfm.scored_sql("KWD")


async def test_lapsed_donor_pages(person: PersonFactory) -> None:
    made, names = await random_gifts(person)
    every = expected_lapsed(made, names, "fiscal", "lybunt")
    page = await donors.lybunt(YEAR, "fiscal", "USD", limit=2, offset=1)
    assert page.rows == every[1:3]
    assert page.total_rows == len(every)
    beyond = await donors.sybunt(YEAR, "fiscal", "USD", limit=5, offset=500)
    assert (beyond.rows, beyond.total_rows) == ([], 0)

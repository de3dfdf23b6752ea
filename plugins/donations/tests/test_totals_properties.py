"""Property-based: donor rollups equal a recomputation from scratch after any sequence of
records, edits, refunds, deletes and merges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.constituents import merge
from core.errors import ConflictError, NotFoundError
from plugins.donations import gifts, rollups
from plugins.donations.models import GiftIn, GiftPatch
from plugins.donations.tests.conftest import PersonFactory

DONORS = 3
amounts = st.integers(min_value=1, max_value=10**13)
operation = st.one_of(
    st.tuples(st.just("record"), st.integers(0, DONORS - 1), amounts, st.integers(0, 1500)),
    st.tuples(st.just("amount"), st.integers(0, 20), amounts),
    st.tuples(st.just("donor"), st.integers(0, 20), st.integers(0, DONORS - 1)),
    st.tuples(st.just("refund"), st.integers(0, 20)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("merge"), st.integers(0, DONORS - 1), st.integers(0, DONORS - 1)),
)


@dataclass
class Modelled:
    """What a gift should contribute to the totals."""

    donor: int
    amount: int
    day: date
    live: bool = True


def expected(model: list[Modelled], donor: int) -> tuple[int, int, int, date | None, date | None]:
    mine = [g for g in model if g.live and g.donor == donor]
    if not mine:
        return (0, 0, 0, None, None)
    return (
        len(mine),
        sum(g.amount for g in mine),
        max(g.amount for g in mine),
        min(g.day for g in mine),
        max(g.day for g in mine),
    )


async def actual(donor: int) -> tuple[int, int, int, date | None, date | None]:
    rows = await rollups.donor_totals(donor)
    if not rows:
        return (0, 0, 0, None, None)
    t = rows[0]
    return (
        t.gift_count,
        t.lifetime_minor,
        t.largest_gift_minor,
        t.first_gift_date,
        t.last_gift_date,
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=10))
async def test_totals_stay_exact(person: PersonFactory, ops: list[tuple[Any, ...]]) -> None:
    donors = [await person(f"P{i}") for i in range(DONORS)]
    alive = set(donors)
    model: list[Modelled] = []
    ids: list[int] = []
    for op in ops:
        kind = op[0]
        if kind == "record" and donors[op[1]] in alive:
            day = date(2022, 1, 1) + timedelta(days=op[3])
            made = await gifts.record_gift(
                GiftIn(donor_id=donors[op[1]], amount_minor=op[2], currency="USD", gift_date=day)
            )
            model.append(Modelled(donors[op[1]], op[2], day))
            ids.append(made.id)
        elif kind in ("amount", "donor", "refund", "delete") and op[1] < len(ids):
            gift, entry = ids[op[1]], model[op[1]]
            try:
                if kind == "amount":
                    await gifts.update_gift(gift, GiftPatch(amount_minor=op[2]))
                    entry.amount = op[2]
                elif kind == "donor" and donors[op[2]] in alive:
                    await gifts.update_gift(gift, GiftPatch(donor_id=donors[op[2]]))
                    entry.donor = donors[op[2]]
                elif kind == "refund":
                    await gifts.refund_gift(gift)
                    entry.live = False
                elif kind == "delete":
                    await gifts.delete_gift(gift)
                    entry.live = False
                    entry.donor = -1
            except (ConflictError, NotFoundError):
                pass  # refunding a refunded gift, editing a deleted one: refused, no change
        elif kind == "merge" and op[1] != op[2] and {donors[op[1]], donors[op[2]]} <= alive:
            keep, gone = donors[op[1]], donors[op[2]]
            await merge.merge_constituents(keep, gone)
            alive.discard(gone)
            for entry in model:
                if entry.donor == gone:
                    entry.donor = keep
        for donor in donors:
            assert await actual(donor) == expected(model, donor), (op, donor)

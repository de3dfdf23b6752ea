"""Report first pages read from the rollups equal the reports computed from every gift.

A generated set (ties, refunds, deletions, soft credits, three currencies, six years) is
reported both ways: LYBUNT and retention from ``donations_donor_year`` against the
GROUP BY over the gifts, RFM pages against the full RFM report.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from core import db
from plugins.donations import gifts, jobs, rollup_counts, rollup_rebuild, rollups
from plugins.donations.common import current_fiscal_year, org
from plugins.donations.reports import donors, lapsed, rfm
from plugins.donations.reports.movement import lapsed_donors, retention_counts
from plugins.donations.reports.periods import Basis
from plugins.donations.tests.conftest import PersonFactory
from plugins.donations.tests.test_rollup_rebuild import day_in, give

CURRENCIES = ("USD", "EUR", "JPY")
YEARS = range(2020, 2028)


async def generated_gifts(person: PersonFactory, seed: int = 23) -> list[int]:
    """About 260 gifts from 30 donors over six years; returns the donors."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    people = [await person(f"Gen{i}") for i in range(30)]
    for _ in range(260):
        donor = rng.choice(people)
        amount = rng.choice([1_000, 2_500, 2_500, 5_000, 50_000, rng.randrange(1, 900_000)])
        extra: dict[str, Any] = {}
        if rng.random() < 0.2:
            other = rng.choice(people)
            if other != donor:
                extra["soft_credits"] = [
                    {"constituent_id": other, "credit_type": "solicitor", "amount_minor": amount}
                ]
        status = "refunded" if rng.random() < 0.06 else "received"
        day = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
        currency = rng.choices(CURRENCIES, [8, 2, 1])[0]
        gift_id = await give(donor, amount, day, currency, status=status, **extra)
        roll = rng.random()
        if status == "received" and roll < 0.05:
            await gifts.refund_gift(gift_id)
        elif status == "received" and roll < 0.1:
            await gifts.delete_gift(gift_id)
    return people


async def assert_lybunt_matches(basis: Basis) -> None:
    """Every year and currency: the rollup LYBUNT, whole and paged, is the gift LYBUNT."""
    ties = 0
    for currency in CURRENCIES:
        for year in YEARS:
            every, _ = await lapsed_donors(year, basis, currency, rule="lybunt")
            fast, none = await lapsed.lybunt_rows(year, currency)
            assert (fast, none) == (every, None), (currency, year)
            amounts = [row["amount_minor"] for row in every]
            ties += len(amounts) - len(set(amounts))
            for limit, offset in ((3, 0), (4, 2), (200, 0)):
                page = await donors.lybunt(year, basis, currency, limit=limit, offset=offset)
                assert page.rows == every[offset : offset + limit]
                assert page.total_rows == len(every)
    assert ties  # equal amounts are ordered by constituent id


async def assert_retention_matches(basis: Basis) -> None:
    """Every year and currency: retention from the rollups is retention from the gifts."""
    for currency in CURRENCIES:
        for year in YEARS:
            expected = await retention_counts(year, basis, currency)
            assert await lapsed.retention_totals(year, currency) == expected
            row = (await donors.retention(year, basis, currency)).rows[0]
            assert row["retained_minor"] == expected["retained_minor"]


async def test_lybunt_and_retention_pages_equal_the_gift_reports(person: PersonFactory) -> None:
    await generated_gifts(person)
    assert lapsed.reads_rollups("fiscal")
    assert not lapsed.reads_rollups("calendar")  # July fiscal years: the gifts answer
    await assert_lybunt_matches("fiscal")
    await assert_retention_matches("fiscal")


@pytest.mark.parametrize("as_of", [date(2026, 3, 1), date(2023, 2, 14), date(2019, 6, 1)])
async def test_rfm_pages_equal_the_full_report(person: PersonFactory, as_of: date) -> None:
    await generated_gifts(person)
    for currency in CURRENCIES:
        every = (await rfm.rfm(currency, as_of)).rows
        scores = Counter(str(row["r"] + row["f"] + row["m"]) for row in every)
        for limit, offset in ((1, 0), (5, 0), (7, 3), (200, 0), (4, len(every) - 2)):
            page = await rfm.rfm(currency, as_of, limit=limit, offset=offset)
            assert page.rows == every[offset : offset + limit], (currency, limit, offset)
            assert page.total_rows == len(every)
            series = page.series[0]
            assert dict(zip(series.labels, series.values, strict=True)) == scores
            assert series.labels == sorted(series.labels, key=int)
    # Before every gift all donors are recent; otherwise recency spreads over the bands.
    bands = {row["r"] for row in every}
    assert bands == {5} if as_of.year < 2020 else len(bands) >= 3


async def count_rows() -> dict[str, list[dict[str, Any]]]:
    """Both rollup count tables, without ids."""
    return {
        table: await db.fetch_all(f"SELECT {cols} FROM {table} ORDER BY {cols}")
        for table, cols in (
            ("donations_year_total", "currency, fiscal_year, donors, total_minor, "
             "kept_donors, returning_minor"),
            ("donations_rfm_count", "currency, fm_score, last_gift_date, donors"),
        )
    }  # fmt: skip


async def test_counts_kept_by_every_change_equal_counts_rebuilt(
    person: PersonFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = await generated_gifts(person)  # each gift recomputes its donors one by one
    monkeypatch.setattr(rollup_rebuild, "CHUNK", 4)
    monkeypatch.setattr(rollups, "SET_BASED_FROM", 5)
    await rollups.recompute_donors(people[:3])  # one by one again
    await rollups.recompute_donors(people)  # set-based, in chunks of four
    kept = await count_rows()
    assert {r["currency"] for r in kept["donations_year_total"]} == set(CURRENCIES)
    assert all(int(r["donors"]) > 0 for rows in kept.values() for r in rows)
    await rollup_counts.rebuild()
    assert await count_rows() == kept


async def test_concurrent_gift_writes_keep_the_counts_exact(person: PersonFactory) -> None:
    people = [await person(f"Busy{i}") for i in range(6)]
    now = current_fiscal_year()

    async def gifts_of(donor: int, years: list[int]) -> None:
        for year in years:
            await give(donor, 1_500, day_in(year, 30))

    # Each donor adds years in another order, so the count rows are touched in every order.
    plans = [[now, now - 1, now - 2], [now - 2, now, now - 1], [now - 1, now - 2, now]]
    await asyncio.gather(*(gifts_of(d, plans[i % 3]) for i, d in enumerate(people)))
    kept = await count_rows()
    assert [int(r["donors"]) for r in kept["donations_year_total"]] == [6, 6, 6]
    await rollup_counts.rebuild()
    assert await count_rows() == kept


async def test_fm_score_is_the_rule(person: PersonFactory) -> None:
    await generated_gifts(person)
    rows = await db.fetch_all(
        "SELECT currency, gift_count, lifetime_minor, fm_score FROM donations_donor_total"
    )
    assert {int(r["fm_score"]) for r in rows} >= {2, 3, 4}
    for row in rows:
        f_and_m = rfm.fm_score(int(row["gift_count"]), int(row["lifetime_minor"]), "USD")
        if row["currency"] != "JPY":  # yen has no minor unit: its thresholds are 100x lower
            assert int(row["fm_score"]) == f_and_m
        assert int(row["fm_score"]) == rfm.fm_score(
            int(row["gift_count"]), int(row["lifetime_minor"]), row["currency"]
        )
    assert rfm.fm_score(1, 5_000, "JPY") == 1 + 5
    assert rfm.fm_score(1, 5_000, "USD") == 1 + 2


async def _year_rows() -> list[dict[str, Any]]:
    return await db.fetch_all(
        "SELECT constituent_id, currency, fiscal_year, gave_year_before, gave_year_after "
        "FROM donations_donor_year ORDER BY constituent_id, currency, fiscal_year"
    )


async def test_flags_stay_right_when_the_fiscal_year_turns(
    person: PersonFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = current_fiscal_year()
    stays, lapses, returns = await person("Stays"), await person("Lapses"), await person("Back")
    for donor, years in ((stays, (now - 1, now)), (lapses, (now,)), (returns, (now - 2, now))):
        for year in years:
            await give(donor, 4_000, day_in(year, 20))
    before = await _year_rows()
    # The year turns: nothing is rebuilt, yet next year's LYBUNT is right.
    every, _ = await lapsed_donors(now + 1, "fiscal", "USD", rule="lybunt")
    assert [r["constituent_id"] for r in every] == [stays, lapses, returns]
    assert (await donors.lybunt(now + 1, "fiscal", "USD")).rows == every
    # The job that refreshes rollups computed for an earlier year leaves the flags alone.
    monkeypatch.setattr("plugins.donations.rollup_rebuild.current_fiscal_year", lambda: now + 1)
    monkeypatch.setattr("plugins.donations.jobs.current_fiscal_year", lambda: now + 1)
    assert await jobs.refresh_rollups() > 0
    assert await _year_rows() == before
    # A gift in the new year takes its donor out of LYBUNT and sets the flags both ways.
    start, _end = org().fiscal_year_bounds(now + 1)
    await give(stays, 1_000, start + timedelta(days=3))
    every, _ = await lapsed_donors(now + 1, "fiscal", "USD", rule="lybunt")
    assert [r["constituent_id"] for r in every] == [lapses, returns]
    assert (await donors.lybunt(now + 1, "fiscal", "USD")).rows == every
    flags = {
        (int(r["fiscal_year"]), bool(r["gave_year_before"]), bool(r["gave_year_after"]))
        for r in await _year_rows()
        if r["constituent_id"] == stays
    }
    assert flags == {(now - 1, False, True), (now, True, True), (now + 1, True, False)}

"""Donor rollups, kept exact: every service that changes a gift recomputes its donors here.

``recompute_donors`` runs inside the caller's transaction, so a rollup never disagrees with
the gifts it summarises. Only live gifts count (status ``received``, not deleted); soft
credits are recognition and are kept apart from hard-credit money. Household totals are
computed on read so they never double count a gift credited to several members.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from core import db
from plugins.donations import rollup_counts, rollup_rebuild
from plugins.donations.common import as_date, as_int, current_fiscal_year
from plugins.donations.models import DonorSummary, DonorTotals, HouseholdTotals, YearTotal
from plugins.donations.reports.rfm import fm_score

# Above this many constituents a change is rebuilt set-based (rollup_rebuild), chunked.
SET_BASED_FROM = 50
LIVE = "g.status = 'received' AND g.deleted_at IS NULL"
_PICK = (
    "SELECT g.currency, g.amount_minor, g.gift_date FROM donations_gift g "
    "WHERE g.donor_id = {{}} AND {live} AND g.id = (SELECT g2.id FROM donations_gift g2 "
    "WHERE g2.donor_id = g.donor_id AND g2.currency = g.currency "
    "AND g2.status = 'received' AND g2.deleted_at IS NULL ORDER BY {order} LIMIT 1)"
)
FIRST = _PICK.format(live=LIVE, order="g2.gift_date, g2.id")
LAST = _PICK.format(live=LIVE, order="g2.gift_date DESC, g2.id DESC")
LARGEST = _PICK.format(live=LIVE, order="g2.amount_minor DESC, g2.gift_date, g2.id")


def consecutive_years(years: Iterable[int], current: int) -> int:
    """Fiscal years given in a row, ending this year (or last year if not yet this year)."""
    given = set(years)
    year = current if current in given else current - 1
    count = 0
    while year in given:
        count += 1
        year -= 1
    return count


async def _rebuild_years(constituent_id: int) -> list[dict[str, Any]]:
    await db.execute("DELETE FROM donations_donor_year WHERE constituent_id = {}", constituent_id)
    rows = await db.fetch_all(
        "SELECT g.currency, g.fiscal_year, COUNT(*) AS gift_count, SUM(g.amount_minor) AS "
        f"total_minor, MAX(g.amount_minor) AS largest_minor FROM donations_gift g "
        f"WHERE g.donor_id = {{}} AND {LIVE} GROUP BY g.currency, g.fiscal_year "
        "ORDER BY g.currency, g.fiscal_year",
        constituent_id,
    )
    given = {(r["currency"], int(r["fiscal_year"])) for r in rows}
    await db.execute_many(
        "INSERT INTO donations_donor_year (constituent_id, currency, fiscal_year, gift_count, "
        "total_minor, largest_minor, gave_year_before, gave_year_after) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        [
            [
                constituent_id,
                r["currency"],
                int(r["fiscal_year"]),
                int(r["gift_count"]),
                as_int(r["total_minor"]),
                as_int(r["largest_minor"]),
                (r["currency"], int(r["fiscal_year"]) - 1) in given,
                (r["currency"], int(r["fiscal_year"]) + 1) in given,
            ]
            for r in rows
        ],
    )
    return rows


async def _picked(sql: str, constituent_id: int) -> dict[str, tuple[int, Any]]:
    rows = await db.fetch_all(sql, constituent_id)
    return {r["currency"]: (as_int(r["amount_minor"]), as_date(r["gift_date"])) for r in rows}


async def _soft_credits(constituent_id: int) -> dict[str, int]:
    rows = await db.fetch_all(
        "SELECT g.currency, SUM(s.amount_minor) AS total FROM donations_soft_credit s "
        f"JOIN donations_gift g ON g.id = s.gift_id WHERE s.constituent_id = {{}} AND {LIVE} "
        "GROUP BY g.currency",
        constituent_id,
    )
    return {r["currency"]: as_int(r["total"]) for r in rows}


async def recompute_donor(constituent_id: int) -> None:
    """Rebuild one constituent's per-year and overall rollups (and their counts)."""
    await rollup_counts.subtract([constituent_id])
    years = await _rebuild_years(constituent_id)
    first = await _picked(FIRST, constituent_id)
    last = await _picked(LAST, constituent_id)
    largest = await _picked(LARGEST, constituent_id)
    soft = await _soft_credits(constituent_id)
    current = current_fiscal_year()
    await db.execute("DELETE FROM donations_donor_total WHERE constituent_id = {}", constituent_id)
    now = datetime.now(UTC)
    rows = []
    for currency in sorted({r["currency"] for r in years} | set(soft)):
        mine = [r for r in years if r["currency"] == currency]
        by_year = {int(r["fiscal_year"]): as_int(r["total_minor"]) for r in mine}
        f, la, lg = first.get(currency), last.get(currency), largest.get(currency)
        rows.append(
            [
                constituent_id,
                currency,
                sum(as_int(r["gift_count"]) for r in mine),
                sum(by_year.values()),
                f[1] if f else None,
                f[0] if f else 0,
                la[1] if la else None,
                la[0] if la else 0,
                lg[1] if lg else None,
                lg[0] if lg else 0,
                current,
                by_year.get(current, 0),
                by_year.get(current - 1, 0),
                consecutive_years(by_year, current),
                soft.get(currency, 0),
                fm_score(
                    sum(as_int(r["gift_count"]) for r in mine), sum(by_year.values()), currency
                ),
                now,
            ]
        )
    await db.execute_many(
        "INSERT INTO donations_donor_total (constituent_id, currency, gift_count, lifetime_minor, "
        "first_gift_date, first_gift_minor, last_gift_date, last_gift_minor, largest_gift_date, "
        "largest_gift_minor, as_of_fiscal_year, this_fy_minor, last_fy_minor, "
        "consecutive_years, soft_credit_minor, fm_score, updated_at) VALUES "
        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        rows,
    )
    await rollup_counts.add([constituent_id])


async def recompute_donors(constituent_ids: Iterable[int]) -> None:
    """Recompute every given constituent once (hard and soft credit holders of a change).

    A few constituents are rebuilt one by one; a large set (a merge of many, an import)
    set-based, a chunk of constituents per statement. Both write the same rows.
    """
    ids = sorted(set(constituent_ids))
    if len(ids) >= SET_BASED_FROM:
        await rollup_rebuild.rebuild_donors(ids)
        return
    async with db.transaction():
        for constituent_id in ids:
            await recompute_donor(constituent_id)


async def recompute_all() -> int:
    """Rebuild every rollup set-based (after a fiscal-year change or a new fiscal year).

    Returns how many constituents were rebuilt: donors, soft-credit holders and those who
    had a rollup before (theirs is removed when nothing counts any more).
    """
    async with db.transaction():
        count = await db.fetch_value(
            "SELECT COUNT(*) AS n FROM (SELECT donor_id AS id FROM donations_gift UNION "
            "SELECT s.constituent_id AS id FROM donations_soft_credit s UNION "
            "SELECT constituent_id AS id FROM donations_donor_total) ids"
        )
        await rollup_rebuild.rebuild_all()
    return int(count or 0)


async def donor_totals(constituent_id: int) -> list[DonorTotals]:
    """The stored rollups of one constituent, one per currency."""
    rows = await db.fetch_all(
        "SELECT * FROM donations_donor_total WHERE constituent_id = {} ORDER BY currency",
        constituent_id,
    )
    return [
        DonorTotals.model_validate(
            {
                **{k: v for k, v in row.items() if k not in ("id", "updated_at", "fm_score")},
                **{k: as_date(row[k]) for k in row if k.endswith("_date")},
                **{k: as_int(row[k]) for k in row if k.endswith("_minor")},
            }
        )
        for row in rows
    ]


async def donor_years(constituent_id: int) -> list[YearTotal]:
    """A constituent's giving per fiscal year and currency, newest first."""
    rows = await db.fetch_all(
        "SELECT fiscal_year, currency, gift_count, total_minor FROM donations_donor_year "
        "WHERE constituent_id = {} ORDER BY fiscal_year DESC, currency",
        constituent_id,
    )
    return [
        YearTotal(
            fiscal_year=int(r["fiscal_year"]),
            currency=r["currency"],
            gift_count=int(r["gift_count"]),
            total_minor=as_int(r["total_minor"]),
        )
        for r in rows
    ]


async def household_members(household_id: int) -> list[int]:
    """Current members of a household (membership not ended)."""
    rows = await db.fetch_all(
        "SELECT member_id FROM core_household_member WHERE household_id = {} "
        "AND left_on IS NULL ORDER BY member_id",
        household_id,
    )
    return [int(r["member_id"]) for r in rows]


async def household_totals(household_id: int, currency: str) -> HouseholdTotals:
    """Giving of a household and its current members, every gift counted once.

    Hard credits: gifts whose donor is the household or a member. Soft credits: gifts from
    outside the household credited to a member or the household, each gift once (at its
    largest credit), so a gift soft-credited to two members, or given by one member and
    soft-credited to another, is never counted twice.
    """
    members = await household_members(household_id)
    ids = [household_id, *members]
    marks = ", ".join("{}" for _ in ids)
    hard = await db.fetch_value(
        f"SELECT SUM(g.amount_minor) AS t FROM donations_gift g WHERE g.donor_id IN ({marks}) "
        f"AND g.currency = {{}} AND {LIVE}",
        *ids,
        currency,
    )
    soft = await db.fetch_value(
        "SELECT SUM(m.credit) AS t FROM (SELECT s.gift_id, MAX(s.amount_minor) AS credit "
        f"FROM donations_soft_credit s JOIN donations_gift g ON g.id = s.gift_id "
        f"WHERE s.constituent_id IN ({marks}) AND g.donor_id NOT IN ({marks}) "
        f"AND g.currency = {{}} AND {LIVE} GROUP BY s.gift_id) m",
        *ids,
        *ids,
        currency,
    )
    return HouseholdTotals(
        household_id=household_id,
        currency=currency,
        member_ids=members,
        hard_credit_minor=as_int(hard),
        soft_credit_minor=as_int(soft),
        total_minor=as_int(hard) + as_int(soft),
    )


async def donor_summary(constituent_id: int, currency: str) -> DonorSummary:
    """Rollups, per-year totals and (for a household) household totals of a constituent."""
    kind = await db.fetch_value("SELECT kind FROM core_constituent WHERE id = {}", constituent_id)
    household = await household_totals(constituent_id, currency) if kind == "household" else None
    return DonorSummary(
        constituent_id=constituent_id,
        totals=await donor_totals(constituent_id),
        years=await donor_years(constituent_id),
        household=household,
    )

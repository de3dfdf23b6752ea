"""Reports against hand-computed figures.

The organisation is in UTC-6 with fiscal years starting 1 July (FY2025 = July 2024-June
2025). Donor A's second gift arrives at 05:30 UTC on 1 January 2025, which is 23:30 on 31
December 2024 in the organisation: calendar year 2024, fiscal year 2025.

    donor  gifts (organisation dates)                        FY2024  FY2025
    A      2024-06-30 1000, 2024-12-31 23:30 local 1500         1000    1500
    B      2023-10-01 500                                        500       -
    C      2022-01-15 300 (FY2022), 2025-06-30 300                 -     300
    D      2024-07-01 700 (campaign Spring, goal 1000)             -     700
    E      2022-09-01 400 (FY2023)                                 -       -
    F      2024-01-10 800, 2025-02-01 200                        800     200
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from plugins.donations import gifts, structure
from plugins.donations.models import GiftIn
from plugins.donations.reports import Report, donors, totals
from plugins.donations.tests.conftest import PersonFactory


async def _data(person: PersonFactory, fund: int) -> dict[str, int]:
    ids = {name: await person(name) for name in "ABCDEF"}
    spring = await structure.create_campaign(
        structure.CampaignIn(code="SPRING", name="Spring", goal_minor=1_000, currency="USD")
    )

    async def give(name: str, amount: int, **extra: object) -> None:
        await gifts.record_gift(
            GiftIn.model_validate(
                {
                    "donor_id": ids[name],
                    "amount_minor": amount,
                    "currency": "USD",
                    "splits": [{"fund_id": fund, "amount_minor": amount}],
                    **extra,
                }
            )
        )

    await give("A", 1_000, gift_date=date(2024, 6, 30))
    await give("A", 1_500, received_at=datetime(2025, 1, 1, 5, 30, tzinfo=UTC))
    await give("B", 500, gift_date=date(2023, 10, 1))
    await give("C", 300, gift_date=date(2022, 1, 15))
    await give("C", 300, gift_date=date(2025, 6, 30))
    await give("D", 700, gift_date=date(2024, 7, 1), campaign_id=spring.id)
    await give("E", 400, gift_date=date(2022, 9, 1))
    await give("F", 800, gift_date=date(2024, 1, 10))
    await give("F", 200, gift_date=date(2025, 2, 1))
    return ids


def ids_of(report: Report, people: dict[str, int]) -> set[str]:
    back = {v: k for k, v in people.items()}
    return {back[r["constituent_id"]] for r in report.rows}


async def test_donor_movement_reports(person: PersonFactory, fund: int) -> None:
    people = await _data(person, fund)
    assert ids_of(await donors.lybunt(2025), people) == {"B"}
    assert ids_of(await donors.sybunt(2025), people) == {"E"}
    assert ids_of(await donors.sybunt(2025, include_last_year=True), people) == {"B", "E"}
    # Calendar years: A's 31 December gift is in 2024, so A gave in 2024 and not in 2025.
    assert ids_of(await donors.lybunt(2025, basis="calendar"), people) == {"A", "D"}
    row = (await donors.retention(2025)).rows[0]
    assert (row["previous_donors"], row["retained_donors"], row["donor_retention_pct"]) == (
        3,
        2,
        66.7,
    )
    assert (row["previous_minor"], row["retained_minor"], row["dollar_retention_pct"]) == (
        2_300,
        1_700,
        73.9,
    )
    flows = {
        r["category"]: (r["donors"], r["change_minor"]) for r in (await donors.gain_loss(2025)).rows
    }
    assert flows == {
        "new": (1, 700),
        "recaptured": (1, 300),
        "upgraded": (1, 500),
        "same": (0, 0),
        "downgraded": (1, -600),
        "lapsed": (1, -500),
    }
    bands = {r["band"]: (r["donors"], r["total_minor"]) for r in (await donors.pyramid(2025)).rows}
    assert bands["0-9999"] == (4, 2_700)
    assert bands["10000-49999"] == (0, 0)


async def test_totals_campaigns_rfm_and_prospects(person: PersonFactory, fund: int) -> None:
    people = await _data(person, fund)
    by_year = await totals.totals_by("fiscal_year", date(2020, 1, 1), date(2030, 1, 1))
    assert [(r["label"], r["total_minor"]) for r in by_year.rows] == [
        ("2022", 300),
        ("2023", 400),
        ("2024", 2_300),
        ("2025", 2_700),
    ]
    by_month = await totals.totals_by("month", date(2024, 12, 1), date(2025, 1, 31))
    assert [(r["label"], r["total_minor"]) for r in by_month.rows] == [("2024-12", 1_500)]
    by_fund = await totals.totals_by("fund", date(2020, 1, 1), date(2030, 1, 1))
    assert by_fund.rows == [{"label": "General", "total_minor": 5_700, "gifts": 9}]
    progress = (await totals.campaign_progress()).rows
    assert progress == [
        {
            "campaign_id": progress[0]["campaign_id"],
            "name": "Spring",
            "goal_minor": 1_000,
            "raised_minor": 700,
            "donors": 1,
            "percent": 70.0,
        }
    ]
    scores = {
        r["constituent_id"]: r["rfm"] for r in (await totals.rfm(as_of=date(2025, 7, 15))).rows
    }
    assert scores[people["A"]] == "321"  # 196 days, 2 gifts, $25
    assert scores[people["E"]] == "111"  # 1047 days, 1 gift, $4
    assert totals.rfm_scores(90, 10, 5000) == (5, 5, 5)
    assert totals.rfm_scores(731, 1, 49.99) == (1, 1, 1)
    prospects = await totals.upgrade_prospects()
    assert all(r["reasons"] for r in prospects.rows)

"""Totals by fund, campaign, appeal and period; campaign progress; RFM; upgrade prospects."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from core import db
from plugins.donations.common import as_date, as_int
from plugins.donations.reports import Report, Series
from plugins.donations.reports.periods import LIVE, names
from plugins.donations.reports.rfm import RFM_RULE as RFM_RULE
from plugins.donations.reports.rfm import rfm as rfm
from plugins.donations.reports.rfm import rfm_scores as rfm_scores

Dimension = Literal["fund", "campaign", "appeal", "fiscal_year", "month"]
_GROUPS = {
    "fund": (
        "SELECT f.name AS label, SUM(s.amount_minor) AS total, COUNT(DISTINCT g.id) AS gifts "
        "FROM donations_gift g JOIN donations_gift_split s ON s.gift_id = g.id "
        "JOIN donations_fund f ON f.id = s.fund_id WHERE {where} GROUP BY f.name ORDER BY f.name"
    ),
    "campaign": (
        "SELECT COALESCE(c.name, '-') AS label, SUM(g.amount_minor) AS total, COUNT(*) AS gifts "
        "FROM donations_gift g LEFT JOIN donations_campaign c ON c.id = g.campaign_id "
        "WHERE {where} GROUP BY c.name ORDER BY c.name"
    ),
    "appeal": (
        "SELECT COALESCE(a.name, '-') AS label, SUM(g.amount_minor) AS total, COUNT(*) AS gifts "
        "FROM donations_gift g LEFT JOIN donations_appeal a ON a.id = g.appeal_id "
        "WHERE {where} GROUP BY a.name ORDER BY a.name"
    ),
    "fiscal_year": (
        "SELECT g.fiscal_year AS label, SUM(g.amount_minor) AS total, COUNT(*) AS gifts "
        "FROM donations_gift g WHERE {where} GROUP BY g.fiscal_year ORDER BY g.fiscal_year"
    ),
}
_G_LIVE = "g." + LIVE.replace(" AND ", " AND g.")


async def totals_by(
    dimension: Dimension, date_from: date, date_to: date, currency: str = "USD"
) -> Report:
    """Received giving between two dates (inclusive) grouped by one dimension."""
    where = f"{_G_LIVE} AND g.currency = {{}} AND g.gift_date >= {{}} AND g.gift_date <= {{}}"
    args = [currency, date_from, date_to]
    if dimension == "month":
        rows = await db.fetch_all(
            f"SELECT g.gift_date, g.amount_minor FROM donations_gift g WHERE {where}", *args
        )
        months: dict[str, list[int]] = {}
        for r in rows:
            day = as_date(r["gift_date"])
            assert day is not None
            months.setdefault(day.strftime("%Y-%m"), []).append(as_int(r["amount_minor"]))
        grouped = [
            {"label": k, "total": sum(v), "gifts": len(v)} for k, v in sorted(months.items())
        ]
    else:
        grouped = await db.fetch_all(_GROUPS[dimension].format(where=where), *args)
    out = [
        {"label": str(r["label"]), "total_minor": as_int(r["total"]), "gifts": as_int(r["gifts"])}
        for r in grouped
    ]
    return Report(
        key=f"donations.totals_by_{dimension}",
        title=f"Giving by {dimension.replace('_', ' ')}",
        definition=(
            f"Received gifts dated {date_from} to {date_to} in {currency}; fund totals use splits."
        ),
        columns=["label", "total_minor", "gifts"],
        rows=out,
        series=[
            Series(
                name="total",
                labels=[r["label"] for r in out],
                values=[r["total_minor"] for r in out],
            )
        ],
    )


async def campaign_progress(currency: str = "USD") -> Report:
    """Each campaign's received total against its goal."""
    rows = await db.fetch_all(
        "SELECT c.id, c.name, c.goal_minor, SUM(g.amount_minor) AS raised, "
        "COUNT(DISTINCT g.donor_id) AS donors FROM donations_campaign c LEFT JOIN donations_gift g "
        f"ON g.campaign_id = c.id AND {_G_LIVE} AND g.currency = c.currency "
        "WHERE c.currency = {} GROUP BY c.id, c.name, c.goal_minor ORDER BY c.name",
        currency,
    )
    out = []
    for r in rows:
        goal, raised = as_int(r["goal_minor"]), as_int(r["raised"])
        out.append(
            {
                "campaign_id": int(r["id"]),
                "name": r["name"],
                "goal_minor": goal,
                "raised_minor": raised,
                "donors": as_int(r["donors"]),
                "percent": round(100 * raised / goal, 1) if goal else None,
            }
        )
    return Report(
        key="donations.campaign_progress",
        title="Campaign progress",
        definition="Received gifts coded to each campaign against its goal.",
        columns=["campaign_id", "name", "goal_minor", "raised_minor", "donors", "percent"],
        rows=out,
        series=[
            Series(
                name="raised",
                labels=[r["name"] for r in out],
                values=[r["raised_minor"] for r in out],
            )
        ],
    )


async def upgrade_prospects(currency: str = "USD", limit: int = 100) -> Report:
    """Donors likely to give more, scored from giving history and engagement, with reasons."""
    rows = await db.fetch_all(
        "SELECT t.constituent_id, t.this_fy_minor, t.last_fy_minor, t.consecutive_years, "
        "t.largest_gift_minor, t.last_gift_minor, t.gift_count, (SELECT COUNT(*) FROM "
        "core_interaction i WHERE i.constituent_id = t.constituent_id AND i.deleted_at IS NULL "
        "AND i.interaction_type <> 'donations.gift') AS touches FROM donations_donor_total t "
        "WHERE t.currency = {} AND t.gift_count > 0",
        currency,
    )
    labels = await names([int(r["constituent_id"]) for r in rows])
    out: list[dict[str, Any]] = []
    for r in rows:
        score, reasons = 0, []
        this, last = as_int(r["this_fy_minor"]), as_int(r["last_fy_minor"])
        if int(r["consecutive_years"]) >= 3:
            score += 3
            reasons.append(f"gave {r['consecutive_years']} years in a row")
        if last and this > last:
            score += 2
            reasons.append("already gave more this year than last")
        if as_int(r["largest_gift_minor"]) > 2 * max(as_int(r["last_gift_minor"]), 1):
            score += 1
            reasons.append("has given at least twice the latest gift before")
        if int(r["gift_count"]) >= 5:
            score += 1
            reasons.append(f"{r['gift_count']} gifts")
        if as_int(r["touches"]) >= 3:
            score += 1
            reasons.append(f"{r['touches']} other interactions")
        if score:
            cid = int(r["constituent_id"])
            out.append(
                {
                    "constituent_id": cid,
                    "name": labels.get(cid, ""),
                    "score": score,
                    "reasons": reasons,
                }
            )
    out.sort(key=lambda x: (-int(x["score"]), int(x["constituent_id"])))
    return Report(
        key="donations.upgrade_prospects",
        title="Upgrade prospects",
        definition=(
            "Points: 3 for three or more consecutive fiscal years; 2 for giving more this year "
            "than last; 1 for a past gift at least twice the latest; 1 for five or more gifts; "
            "1 for three or more other interactions."
        ),
        columns=["constituent_id", "name", "score", "reasons"],
        rows=out[:limit],
    )

"""The donations overview: this fiscal year's figures, twelve months of giving, recent gifts."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get

from admin import render_admin_page
from admin.charts import bar_chart
from core import db
from core.i18n import format_money
from core.i18n import gettext as _
from plugins.donations import gifts
from plugins.donations.admin_common import READ, donor_names, statuses
from plugins.donations.common import as_int, current_fiscal_year, org, org_today
from plugins.donations.reports.totals import totals_by


async def fiscal_year_figures(fiscal_year: int, currency: str) -> dict[str, int]:
    """Total, gift count and donors of a fiscal year, read from the maintained rollup."""
    row = await db.fetch_one(
        "SELECT SUM(total_minor) AS total, SUM(gift_count) AS gifts, "
        "COUNT(DISTINCT constituent_id) AS donors FROM donations_donor_year "
        "WHERE fiscal_year = {} AND currency = {} AND gift_count > 0",
        fiscal_year,
        currency,
    )
    return {
        "total": as_int(row["total"]) if row else 0,
        "gifts": as_int(row["gifts"]) if row else 0,
        "donors": as_int(row["donors"]) if row else 0,
    }


def last_twelve_months(today: date) -> list[str]:
    """``YYYY-MM`` of the twelve months ending with ``today``'s, oldest first."""
    months = []
    year, month = today.year, today.month
    for _step in range(12):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


async def monthly_chart(currency: str) -> Any:
    """A bar chart of received giving in each of the last twelve months."""
    today = org_today()
    months = last_twelve_months(today)
    start = date.fromisoformat(months[0] + "-01")
    report = await totals_by("month", start, today, currency)
    totals = {row["label"]: int(row["total_minor"]) for row in report.rows}
    values = [totals.get(m, 0) for m in months]
    return bar_chart(
        _("Giving per month, last twelve months"),
        months,
        values,
        lambda v: format_money(int(v), currency),
    )


@get("/", include_in_schema=False, opt=READ, name="donations_overview")
async def overview(request: Request[Any, Any, Any]) -> Response[str]:
    """This fiscal year's total, gift count and donors, a monthly chart and recent gifts."""
    currency = org().default_currency
    fiscal_year = current_fiscal_year()
    recent, _total = await gifts.list_gifts(per_page=10)
    context = {
        "currency": currency,
        "fiscal_year": fiscal_year,
        "figures": await fiscal_year_figures(fiscal_year, currency),
        "chart": await monthly_chart(currency),
        "recent": recent,
        "names": await donor_names([g.donor_id for g in recent]),
        "status_labels": dict(statuses()),
    }
    return await render_admin_page(request, "donations/admin/overview.html", context)


ROUTES: list[Any] = [overview]

"""Membership reports page: charts (inline SVG), tables and CSV downloads."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from admin import render_admin_page
from core.errors import NotFoundError
from core.i18n import gettext as _
from plugins.membership import reports
from plugins.membership.admin_common import READ
from plugins.membership.charts import stacked_chart
from plugins.membership.report_tables import REPORTS, as_csv


def titles() -> dict[str, str]:
    """Translated report titles by key."""
    return {
        "members-over-time": _("Members by level over time"),
        "status-over-time": _("Memberships by status over time"),
        "activity": _("New, renewed and lapsed members per month"),
        "retention": _("Retention by level"),
        "status": _("Members by level and status"),
        "expiries": _("Upcoming expiries"),
    }


@get("/reports", include_in_schema=False, opt=READ, name="membership_reports")
async def reports_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Every membership report with its chart, its table and a CSV link."""
    over_time = await reports.members_over_time()
    by_status = await reports.status_over_time()
    activity = await reports.activity_by_month()
    retention = await reports.retention_by_level()
    names = titles()
    charts = {
        "members-over-time": stacked_chart(
            names["members-over-time"],
            over_time.months,
            [(s.level_name, s.counts) for s in over_time.series],
        ),
        "status-over-time": stacked_chart(
            names["status-over-time"],
            by_status.months,
            [
                (_("Members"), by_status.member),
                (_("In grace"), by_status.grace),
                (_("Lapsed"), by_status.lapsed),
            ],
        ),
        "activity": stacked_chart(
            names["activity"],
            [a.month for a in activity],
            [
                (_("Joined"), [a.joined for a in activity]),
                (_("Renewed"), [a.renewed for a in activity]),
                (_("Lapsed"), [a.lapsed for a in activity]),
            ],
        ),
        "retention": stacked_chart(
            names["retention"],
            [r.level_name for r in retention],
            [
                (_("Renewed"), [r.renewed for r in retention]),
                (_("Not renewed"), [r.due - r.renewed for r in retention]),
            ],
        ),
    }
    tables = {key: await build() for key, build in REPORTS.items()}
    context = {"charts": charts, "tables": tables, "titles": names}
    return await render_admin_page(request, "membership/admin/reports.html", context)


@get("/reports/{key:str}/csv", include_in_schema=False, opt=READ, name="membership_report_csv")
async def report_csv(key: FromPath[str]) -> Response[str]:
    """One report's table as a CSV download."""
    build = REPORTS.get(key)
    if build is None:
        raise NotFoundError(f"no membership report {key!r}")
    return Response(
        as_csv(await build()),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="membership-{key}.csv"'},
    )


ROUTES: list[Any] = [reports_page, report_csv]

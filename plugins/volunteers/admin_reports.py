"""Report pages: hours and value by month and opportunity, retention, no-shows, overlap.

Figures come from :mod:`plugins.volunteers.reports`; this module reads the period, draws
the charts (server-side SVG with the shared bar-chart geometry) and serves CSV downloads.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from admin import render_admin_page

# Pure geometry helper (no plugin state): shared rather than copied.
from admin.charts import bar_chart
from core.errors import NotFoundError
from core.i18n import format_money, format_number
from core.i18n import gettext as _
from plugins.volunteers import reports
from plugins.volunteers.admin_common import READ

KINDS = ("month", "person", "opportunity", "retention", "overlap")


def period_of(request: Request[Any, Any, Any]) -> tuple[date, date, dict[str, str], dict[str, str]]:
    """The period typed in the query string (default: the last twelve months)."""
    default_start, today = reports.default_period(None, None)
    values = {
        "date_from": request.query_params.get("date_from") or default_start.isoformat(),
        "date_to": request.query_params.get("date_to") or today.isoformat(),
    }
    errors: dict[str, str] = {}
    try:
        start = date.fromisoformat(values["date_from"])
    except ValueError:
        start, errors["date_from"] = default_start, _("Enter a date as YYYY-MM-DD.")
    try:
        end = date.fromisoformat(values["date_to"])
    except ValueError:
        end, errors["date_to"] = today, _("Enter a date as YYYY-MM-DD.")
    if end < start:
        errors["date_to"] = _("The end date must not be before the start date.")
        start, end = default_start, today
    if (end - start).days > 366 * 5:
        errors["date_to"] = _("Choose a period of at most five years.")
        start, end = default_start, today
    return start, end, values, errors


def column_labels() -> dict[str, str]:
    """Translated column headings."""
    return {
        "month": _("Month"),
        "hours": _("Hours"),
        "value_minor": _("Value of time"),
        "currency": _("Currency"),
        "volunteers": _("Volunteers"),
        "volunteer": _("Volunteer"),
        "constituent_id": _("Contact number"),
        "opportunity": _("Opportunity"),
        "attended": _("Attended"),
        "no_shows": _("No-shows"),
        "no_show_pct": _("No-show rate (%)"),
        "previous_volunteers": _("Volunteers in the period before"),
        "retained_volunteers": _("Came back"),
        "new_volunteers": _("New volunteers"),
        "retention_pct": _("Retention (%)"),
        "filter": _("Filter"),
        "label": _("Also"),
        "also": _("Volunteers who also match"),
        "pct": _("Share (%)"),
    }


def _cell(column: str, value: Any, currency: str) -> str:
    if column == "value_minor":
        return format_money(int(value), currency)
    if isinstance(value, int | float) and column not in ("month",):
        return format_number(value)
    return str(value)


def _table(table: reports.Table) -> dict[str, Any]:
    labels = column_labels()
    shown = [c for c in table.columns if c not in ("currency", "filter")]
    rows = [[_cell(c, row[c], str(row.get("currency", ""))) for c in shown] for row in table.rows]
    return {"columns": [(c, labels.get(c, c)) for c in shown], "rows": rows, "key": table.key}


@get("/reports", include_in_schema=False, opt=READ)
async def report_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Every volunteering report for one period, with charts and CSV links."""
    start, end, values, errors = period_of(request)
    month = await reports.by_month(start, end)
    opportunity = await reports.by_opportunity(start, end)
    currency = month.rows[0]["currency"] if month.rows else ""
    context = {
        "values": values,
        "errors": errors,
        "query": request.url.query or "",
        "tables": {
            "month": _table(month),
            "person": _table(await reports.by_person(start, end)),
            "opportunity": _table(opportunity),
            "retention": _table(await reports.retention(start, end)),
            "overlap": _table(await reports.also_give_or_members(start, end)),
        },
        "hours_chart": bar_chart(
            _("Volunteer hours per month"),
            [r["month"] for r in month.rows],
            [r["hours"] for r in month.rows],
            format_number,
        ),
        "value_chart": bar_chart(
            _("Value of volunteer time per month"),
            [r["month"] for r in month.rows],
            [r["value_minor"] for r in month.rows],
            lambda v: format_money(int(v), currency),
        ),
        "people_chart": bar_chart(
            _("Active volunteers per month"),
            [r["month"] for r in month.rows],
            [r["volunteers"] for r in month.rows],
            format_number,
        ),
        "opportunity_chart": bar_chart(
            _("Hours per opportunity"),
            [r["opportunity"] for r in opportunity.rows],
            [r["hours"] for r in opportunity.rows],
            format_number,
        ),
    }
    return await render_admin_page(
        request, "volunteers/admin/reports.html", context, status_code=422 if errors else 200
    )


@get("/reports/{kind:str}/csv", include_in_schema=False, opt=READ)
async def report_csv(request: Request[Any, Any, Any], kind: FromPath[str]) -> Response[str]:
    """One report table as CSV (values in minor units with their currency)."""
    if kind not in KINDS:
        raise NotFoundError(f"no report {kind!r}")
    start, end, _values, _errors = period_of(request)
    table = await reports.build_table(kind, start, end)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(table.rows)
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="volunteers-{kind}.csv"'},
    )


ROUTES: list[Any] = [report_page, report_csv]

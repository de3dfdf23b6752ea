"""Report pages: an index, and per report its parameters, definition, chart, table and CSV.

The figures come from :mod:`plugins.donations.reports` (the same services as the API); this
module only reads the parameters, translates the definitions and draws the chart.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any, Literal

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Stream
from pydantic import BaseModel, Field

from admin import render_admin_page, validate_form
from admin.charts import BarChart, bar_chart
from core.errors import NotFoundError
from core.i18n import format_money
from core.i18n import gettext as _
from core.money import CURRENCY_EXPONENTS
from plugins.donations.admin_common import READ, currencies
from plugins.donations.admin_report_texts import (
    band_text,
    column_labels,
    definition,
    describe,
    labels,
)
from plugins.donations.api_reports import YEARLY, csv_download
from plugins.donations.common import current_fiscal_year, org
from plugins.donations.reports import Report
from plugins.donations.reports.catalogue import REPORTS


class ReportParams(BaseModel):
    """A report's parameters as typed in the query string."""

    year: int = Field(default_factory=current_fiscal_year, ge=1900, le=2200)
    basis: Literal["fiscal", "calendar"] = "fiscal"
    currency: str = Field(default_factory=lambda: org().default_currency, pattern=r"^[A-Z]{3}$")
    dimension: Literal["fund", "campaign", "appeal", "fiscal_year", "month"] = "fund"
    date_from: date | None = None
    date_to: date | None = None
    include_last_year: bool = False


PARAM_FIELDS = tuple(ReportParams.model_fields)


def report_key(slug: str) -> str:
    """``lybunt`` → ``donations.lybunt``; NotFoundError for an unknown report."""
    key = f"donations.{slug}"
    if key not in REPORTS:
        raise NotFoundError(f"no report {slug!r}")
    return key


def _params(
    request: Request[Any, Any, Any],
) -> tuple[dict[str, Any], ReportParams | None, dict[str, str]]:
    values = {k: request.query_params.get(k) or None for k in PARAM_FIELDS}
    if values.get("currency"):
        values["currency"] = str(values["currency"]).upper()
    params, errors = validate_form(ReportParams, {k: v for k, v in values.items() if v})
    if params is not None and params.currency not in CURRENCY_EXPONENTS:
        params, errors = None, {"currency": _("Choose a currency from the list.")}
    if params and params.date_from and params.date_to and params.date_to < params.date_from:
        params, errors = None, {"date_to": _("The end date must not be before the start date.")}
    return values, params, errors


# Reports with a row per donor show a first page; the CSV download has every row.
PAGED = {"donations.lybunt", "donations.sybunt", "donations.rfm"}
PAGE_ROWS = 200


async def run(key: str, params: ReportParams, *, first_page: bool = False) -> Report:
    """The report built from the parameters it takes (the same choices as the API).

    With ``first_page`` a report with a row per donor returns its first :data:`PAGE_ROWS`
    rows and how many there are in all.
    """
    build = REPORTS[key][1]
    args: dict[str, Any] = {"currency": params.currency}
    if first_page and key in PAGED:
        args["limit"] = PAGE_ROWS
    if key in YEARLY:
        args.update(year=params.year, basis=params.basis)
        if key == "donations.sybunt":
            args["include_last_year"] = params.include_last_year
    elif key == "donations.totals":
        start, end = org().fiscal_year_bounds(params.year)
        params.date_from = params.date_from or start
        params.date_to = params.date_to or end - timedelta(days=1)  # bounds end exclusive
        args.update(dimension=params.dimension, date_from=params.date_from, date_to=params.date_to)
    return await build(**args)


def chart_of(key: str, report: Report, currency: str) -> BarChart:
    """The report's chart: its own series, or one derived from its rows."""
    money = lambda v: format_money(int(v), currency)  # noqa: E731
    count = lambda v: str(v)  # noqa: E731
    rows = report.rows
    if key in {"donations.lybunt", "donations.sybunt"}:
        top = rows[:20]
        return bar_chart(
            _("Top donors by amount"),
            [str(r["name"]) for r in top],
            [int(r["amount_minor"]) for r in top],
            money,
        )
    if key == "donations.retention":
        row = rows[0]
        return bar_chart(
            _("Donors last year and retained"),
            [_("Previous donors"), _("Retained donors")],
            [row["previous_donors"], row["retained_donors"]],
            count,
        )
    if key == "donations.rfm" and report.series:  # a page: the counts came from SQL
        series = report.series[0]
        return bar_chart(_("Donors per total RFM score"), series.labels, series.values, count)
    if key in {"donations.rfm", "donations.upgrade_prospects"}:
        field = "score" if key == "donations.upgrade_prospects" else None
        scores = Counter(
            int(r["score"]) if field else int(r["r"]) + int(r["f"]) + int(r["m"]) for r in rows
        )
        keys = sorted(scores)
        title = _("Donors per score") if field else _("Donors per total RFM score")
        return bar_chart(title, [str(k) for k in keys], [scores[k] for k in keys], count)
    if not report.series:
        return bar_chart(describe(key)[0], [], [])
    series = report.series[0]
    fmt = count if series.name == "donors" else money
    if key == "donations.pyramid":
        chart_labels = [band_text(x, currency) for x in series.labels]
    else:
        chart_labels = [labels().get(x, x) for x in series.labels]
    return bar_chart(describe(key)[0], chart_labels, series.values, fmt)


def cell(column: str, value: Any, currency: str) -> str:
    """A table cell's text: money columns formatted, lists joined."""
    if value is None:
        return ""
    if column.endswith("_minor"):
        return format_money(int(value), currency)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if column == "band":
        return band_text(str(value), currency)
    if column == "category":
        return labels().get(str(value), str(value))
    return str(value)


@get("/reports", include_in_schema=False, opt=READ)
async def report_index(request: Request[Any, Any, Any]) -> Response[str]:
    """Every donations report with what it shows."""
    reports = [(key.removeprefix("donations."), *describe(key)) for key in REPORTS]
    return await render_admin_page(request, "donations/admin/reports.html", {"reports": reports})


@get("/reports/{slug:str}", include_in_schema=False, opt=READ)
async def report_page(request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[str]:
    """One report: parameters form, definition, chart, table and a CSV link."""
    key = report_key(slug)
    values, params, errors = _params(request)
    context: dict[str, Any] = {
        "slug": slug,
        "key": key,
        "title": describe(key)[0],
        "about": describe(key)[1],
        "values": values,
        "errors": errors,
        "currencies": currencies(),
        "yearly": key in YEARLY,
        "report": None,
        "query": request.url.query or "",
    }
    if params is None:
        return await render_admin_page(
            request, "donations/admin/report.html", context, status_code=422
        )
    report = await run(key, params, first_page=True)
    context.update(
        report=report,
        definition=definition(key, params),
        chart=chart_of(key, report, params.currency),
        columns=[(c, column_labels().get(c, c)) for c in report.columns],
        rows=[
            [cell(c, row.get(c), params.currency) for c in report.columns] for row in report.rows
        ],
        numeric={c for c in report.columns if c.endswith("_minor") or c in NUMERIC},
    )
    return await render_admin_page(request, "donations/admin/report.html", context)


NUMERIC = {
    "donors",
    "gifts",
    "score",
    "recency_days",
    "percent",
    "previous_donors",
    "retained_donors",
    "donor_retention_pct",
    "dollar_retention_pct",
    "r",
    "f",
    "m",
}


@get("/reports/{slug:str}/csv", include_in_schema=False, opt=READ)
async def report_csv(request: Request[Any, Any, Any], slug: FromPath[str]) -> Stream:
    """The report's rows as a CSV download (amounts in minor units, as the API gives them)."""
    key = report_key(slug)
    _values, params, _errors = _params(request)
    return csv_download(await run(key, params or ReportParams()), f"{slug}.csv")


ROUTES: list[Any] = [report_index, report_page, report_csv]

"""API for the fundraising reports (``/api/v1/donations/reports/<key>``), JSON or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Response, get
from litestar.params import PathParameter, QueryParameter
from litestar.response import Stream
from pydantic import BaseModel

from core.errors import NotFoundError
from plugins.donations.api_support import READ, TAGS, Currency
from plugins.donations.reports import Report
from plugins.donations.reports.catalogue import REPORTS

YEARLY = {"donations.lybunt", "donations.sybunt", "donations.retention", "donations.gain_loss",
          "donations.pyramid"}  # fmt: skip


class ReportInfo(BaseModel):
    """A report's key and label."""

    key: str
    label: str


@get("/reports", opt=READ, tags=TAGS)
async def list_reports() -> list[ReportInfo]:
    """Every report this module offers."""
    return [ReportInfo(key=k, label=label) for k, (label, _) in REPORTS.items()]


CSV_CHUNK_ROWS = 2_000


def csv_chunks(report: Report) -> Iterator[str]:
    """The report's rows as CSV text, a header and then a chunk of rows at a time."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=report.columns, extrasaction="ignore")
    writer.writeheader()
    for start in range(0, len(report.rows), CSV_CHUNK_ROWS):
        for row in report.rows[start : start + CSV_CHUNK_ROWS]:
            writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()})
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue()  # the header of a report without rows


def csv_download(report: Report, filename: str) -> Stream:
    """A streamed CSV download of every row of the report."""
    return Stream(
        csv_chunks(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@get("/reports/{key:str}", opt=READ, tags=TAGS)
async def run_report(
    key: Annotated[str, PathParameter(max_length=60)],
    year: Annotated[int | None, QueryParameter(ge=1900, le=2200)] = None,
    basis: Annotated[Literal["fiscal", "calendar"], QueryParameter()] = "fiscal",
    currency: Currency = None,
    dimension: Annotated[
        Literal["fund", "campaign", "appeal", "fiscal_year", "month"], QueryParameter()
    ] = "fund",
    date_from: Annotated[date | None, QueryParameter()] = None,
    date_to: Annotated[date | None, QueryParameter()] = None,
    include_last_year: Annotated[bool, QueryParameter()] = False,
    output: Annotated[Literal["json", "csv"], QueryParameter(name="format")] = "json",
) -> Response[Any] | Stream:
    """Run one report; ``?format=csv`` downloads its rows."""
    if key not in REPORTS:
        raise NotFoundError(f"no report {key!r}")
    build = REPORTS[key][1]
    args: dict[str, Any] = {"currency": currency}
    if key in YEARLY:
        args.update(year=year, basis=basis)
        if key == "donations.sybunt":
            args["include_last_year"] = include_last_year
    elif key == "donations.totals":
        args.update(dimension=dimension, date_from=date_from, date_to=date_to)
    report = await build(**args)
    if output == "csv":
        return csv_download(report, f"{key}.csv")
    return Response(report.model_dump(mode="json", exclude={"total_rows"}))


ROUTES: list[Any] = [list_reports, run_report]

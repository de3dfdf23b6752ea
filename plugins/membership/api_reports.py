"""API for the membership reports (``/api/v1/membership/reports/<key>``), JSON or CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Response, get
from litestar.params import PathParameter, QueryParameter
from pydantic import BaseModel

from core.errors import NotFoundError
from plugins.membership.api_support import READ, TAGS
from plugins.membership.report_tables import REPORTS, as_csv


class ReportOut(BaseModel):
    """A report's columns and rows."""

    key: str
    columns: list[str]
    rows: list[dict[str, Any]]


@get("/reports", opt=READ, tags=TAGS)
async def list_reports() -> list[str]:
    """The keys of every membership report."""
    return list(REPORTS)


@get("/reports/{key:str}", opt=READ, tags=TAGS)
async def run_report(
    key: Annotated[str, PathParameter(max_length=60)],
    output: Annotated[Literal["json", "csv"], QueryParameter(name="format")] = "json",
) -> Response[Any]:
    """Run one report; ``?format=csv`` downloads it."""
    build = REPORTS.get(key)
    if build is None:
        raise NotFoundError(f"no membership report {key!r}")
    table = await build()
    if output == "csv":
        return Response(
            as_csv(table),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="membership-{key}.csv"'},
        )
    return Response(ReportOut(key=key, columns=table.columns, rows=table.rows))


ROUTES: list[Any] = [list_reports, run_report]

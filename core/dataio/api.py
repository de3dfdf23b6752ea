"""``GET /api/v1/exports/constituents.csv``: the CSV export, streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from litestar import get
from litestar.params import QueryParameter
from litestar.response import Stream

from core.dataio.exporter import ExportFilters, iter_export_csv


@get("/exports/constituents.csv", opt={"permission": "data.export"})
async def export_constituents_csv(
    tag: Annotated[str | None, QueryParameter(max_length=60)] = None,
    include_deleted: Annotated[bool, QueryParameter()] = False,
    bom: Annotated[bool, QueryParameter(description="UTF-8 byte-order mark for Excel")] = False,
) -> Stream:
    """Constituents as CSV in the importer's columns (formula-looking cells escaped)."""
    chunks = iter_export_csv(ExportFilters(tag=tag, include_deleted=include_deleted, bom=bom))
    # The header chunk resolves the tag filter, so a bad tag is a 404, not a broken stream.
    header = await anext(chunks)

    async def body() -> AsyncIterator[str]:
        yield header
        async for chunk in chunks:
            yield chunk

    return Stream(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="constituents.csv"'},
    )

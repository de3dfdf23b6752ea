"""``export_constituents``: constituents as CSV, streamed page by page.

The columns are the ones the importer reads (:data:`core.dataio.columns.COLUMNS`, then
``cf:<key>`` for each active custom field), so an export imports back unchanged. Cells that
a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) get a leading apostrophe; the importer removes it again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from core import db
from core.constituents.custom_fields import active_fields
from core.dataio.columns import COLUMNS, CUSTOM_PREFIX
from core.dataio.sqlutil import fetch_where_in, in_condition
from core.dataio.values import FORMULA_STARTS
from core.errors import NotFoundError
from core.validation import fold

PAGE_SIZE = 1000
BOM = "\ufeff"
_CONSTITUENT_COLUMNS = (
    "id, external_id, kind, prefix, first_name, middle_name, last_name, suffix, "
    "preferred_name, organisation_name, household_name, primary_email, primary_phone, "
    "birth_date, lifecycle_stage, source, notes"
)
_ADDRESS_COLUMNS = {
    "address_line1": "line1",
    "address_line2": "line2",
    "address_line3": "line3",
    "city": "city",
    "region": "region",
    "postcode": "postcode",
    "country": "country",
}


class TextWriter(Protocol):
    """Anything with ``write(str)``: a text file, ``sys.stdout``, ``io.StringIO``."""

    def write(self, text: str, /) -> Any:
        """Write text."""


@dataclass(frozen=True)
class ExportFilters:
    """Which constituents to export and how to write the file."""

    tag: str | None = None
    include_deleted: bool = False
    bom: bool = False
    delimiter: str = ","


def escape_cell(value: Any) -> str:
    """The cell text, with a leading apostrophe when a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


async def _tag_ids(name: str) -> list[int]:
    wanted = fold(name)
    rows = await db.fetch_all("SELECT id, name FROM core_tag")
    found = [int(r["id"]) for r in rows if fold(str(r["name"])) == wanted]
    if not found:
        raise NotFoundError(f"no tag named {name!r}")
    return found


async def _page(after_id: int, filters: ExportFilters, tag_ids: list[int]) -> list[dict[str, Any]]:
    sql = (
        f"SELECT {_CONSTITUENT_COLUMNS} FROM core_constituent "
        "WHERE id > {} AND ({} OR deleted_at IS NULL)"
    )
    args: list[Any] = [after_id, filters.include_deleted]
    if tag_ids:
        condition, tag_args = in_condition("tag_id", tag_ids)
        sql += f" AND id IN (SELECT constituent_id FROM core_constituent_tag WHERE {condition})"
        args.extend(tag_args)
    return await db.fetch_all(sql + " ORDER BY id LIMIT {}", *args, PAGE_SIZE)


async def _related(ids: list[int]) -> tuple[dict[int, Any], dict[int, list[str]], dict[int, Any]]:
    """Primary addresses, tag names and custom values of one page of constituents."""
    addresses: dict[int, Any] = {}
    select = (
        "SELECT constituent_id, is_primary, line1, line2, line3, city, region, postcode, "
        "country FROM core_address"
    )
    for r in await fetch_where_in(select, "constituent_id", ids, "ORDER BY id"):
        if r["is_primary"]:
            addresses.setdefault(int(r["constituent_id"]), r)
    tags: dict[int, list[str]] = {}
    select = (
        "SELECT ct.constituent_id, t.name FROM core_constituent_tag ct "
        "JOIN core_tag t ON t.id = ct.tag_id"
    )
    for r in await fetch_where_in(select, "ct.constituent_id", ids, "ORDER BY t.name"):
        tags.setdefault(int(r["constituent_id"]), []).append(str(r["name"]))
    custom: dict[int, dict[int, str]] = {}
    select = "SELECT constituent_id, field_id, value FROM core_custom_value"
    for r in await fetch_where_in(select, "constituent_id", ids):
        custom.setdefault(int(r["constituent_id"]), {})[int(r["field_id"])] = str(r["value"])
    return addresses, tags, custom


def _tag_cell(tags: list[str]) -> str:
    text = " | ".join(tags)
    # One tag whose name has a comma: a trailing "|" makes the importer split on "|" only.
    if len(tags) == 1 and ("," in text or ";" in text):
        text += " |"
    return text


def _cells(
    row: dict[str, Any],
    address: dict[str, Any] | None,
    tags: list[str],
    custom: dict[int, str],
    field_ids: list[int],
) -> list[str]:
    values: dict[str, Any] = {
        **{c: row.get(c) for c in COLUMNS},
        "email": row["primary_email"],
        "phone": row["primary_phone"],
        "tags": _tag_cell(tags),
    }
    for column, part in _ADDRESS_COLUMNS.items():
        values[column] = address.get(part) if address else None
    return [escape_cell(values[c]) for c in COLUMNS] + [
        escape_cell(custom.get(f)) for f in field_ids
    ]


async def _chunks(filters: ExportFilters) -> AsyncIterator[tuple[str, int]]:
    """(CSV text, rows in it): the header, then one chunk per page of constituents."""
    fields = sorted((await active_fields()).values(), key=lambda f: (f.position, f.key))
    tag_ids = await _tag_ids(filters.tag) if filters.tag else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=filters.delimiter, lineterminator="\r\n")
    writer.writerow([*COLUMNS, *(CUSTOM_PREFIX + f.key for f in fields)])
    yield (BOM if filters.bom else "") + buffer.getvalue(), 0
    field_ids = [f.id for f in fields]
    after_id = 0
    while True:
        rows = await _page(after_id, filters, tag_ids)
        if not rows:
            return
        ids = [int(r["id"]) for r in rows]
        addresses, tags, custom = await _related(ids)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=filters.delimiter, lineterminator="\r\n")
        for row, constituent_id in zip(rows, ids, strict=True):
            address = addresses.get(constituent_id)
            row_tags = tags.get(constituent_id, [])
            values = custom.get(constituent_id, {})
            writer.writerow(_cells(row, address, row_tags, values, field_ids))
        yield buffer.getvalue(), len(rows)
        after_id = ids[-1]


async def iter_export_csv(filters: ExportFilters) -> AsyncIterator[str]:
    """The CSV text in chunks: the header first, then one chunk per page of constituents.

    Raises :class:`NotFoundError` before any text when the tag filter names no tag.
    """
    async for text, _ in _chunks(filters):
        yield text


async def export_constituents(writer: TextWriter, filters: ExportFilters | None = None) -> int:
    """Write the CSV to ``writer`` (opened with ``newline=""``); returns the rows written."""
    count = 0
    async for text, rows in _chunks(filters or ExportFilters()):
        writer.write(text)
        count += rows
    return count

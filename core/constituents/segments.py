"""Saved segments, bulk tagging and streaming the rows of a filtered constituent list.

A *segment* is a constituent list filter: the built-in filters of
:func:`core.constituents.listing.filter_conditions` plus any plugin's segment filters. The
admin UI saves one as a name and the list page's query string (``core_saved_segment``,
shared by every staff user of the organisation); this module stores and checks the text,
while reading the filters out of it is the UI's job.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from core import audit, db
from core.constituents.common import fetch_constituent, now
from core.constituents.listing import Condition
from core.constituents.relations_common import actor_label, as_instant, clean_field
from core.constituents.tags import apply_tags, untag_constituent
from core.dataio.sqlutil import fetch_where_in
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import unit_of_work
from core.validation import fold

MAX_SEGMENT_QUERY = 2000
MAX_SEGMENTS_LISTED = 200
MAX_BULK = 200
EXPORT_CHUNK = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EXPORT_COLUMNS = (
    "id, kind, display_name, first_name, last_name, organisation_name, household_name, "
    "primary_email, primary_phone, primary_postcode"
)


@dataclass(frozen=True)
class SavedSegment:
    """A named list filter: ``query`` is the list page's query string without the page."""

    id: int
    name: str
    query: str
    created_by: str
    created_at: datetime
    updated_at: datetime


def _segment(row: dict[str, Any]) -> SavedSegment:
    return SavedSegment(
        id=int(row["id"]),
        name=str(row["name"]),
        query=str(row["query"]),
        created_by=str(row["created_by"]),
        created_at=as_instant(row["created_at"]) or now(),
        updated_at=as_instant(row["updated_at"]) or now(),
    )


async def list_segments() -> list[SavedSegment]:
    """Every saved segment by name (an organisation keeps a handful, not thousands)."""
    rows = await db.fetch_all(
        "SELECT * FROM core_saved_segment ORDER BY name, id LIMIT {}", MAX_SEGMENTS_LISTED
    )
    return [_segment(r) for r in rows]


async def get_segment(segment_id: int) -> SavedSegment:
    """One saved segment; :class:`NotFoundError` when missing."""
    row = await db.fetch_one("SELECT * FROM core_saved_segment WHERE id = {}", segment_id)
    if row is None:
        raise NotFoundError(f"no saved segment with id {segment_id}")
    return _segment(row)


def _clean_query(query: str) -> str:
    text = query.strip().lstrip("?")
    if len(text) > MAX_SEGMENT_QUERY:
        raise InvalidInputError({"query": f"must be at most {MAX_SEGMENT_QUERY} characters"})
    if _CONTROL.search(text) or " " in text:
        raise InvalidInputError({"query": "must be a URL query string"})
    return text


async def save_segment(name: str, query: str) -> SavedSegment:
    """Save a filter under a name, unique regardless of case and accents (409 on a clash)."""
    cleaned = clean_field(name, 100, "name")
    if not cleaned:
        raise InvalidInputError({"name": "a segment needs a name"})
    text = _clean_query(query)
    async with unit_of_work():
        for row in await db.fetch_all("SELECT id, name FROM core_saved_segment"):
            if fold(str(row["name"])) == fold(cleaned):
                raise ConflictError(f"a segment named {row['name']!r} already exists")
        stamp = now()
        segment_id = await db.fetch_value(
            "INSERT INTO core_saved_segment (name, query, created_by, created_at, updated_at) "
            "VALUES ({}, {}, {}, {}, {}) RETURNING id",
            cleaned,
            text,
            actor_label(),
            stamp,
            stamp,
        )
        segment = await get_segment(int(segment_id))
        await audit.record_change("create", "saved_segment", segment.id, after=asdict(segment))
    return segment


async def delete_segment(segment_id: int) -> None:
    """Delete a saved segment (the constituents it matched are untouched)."""
    async with unit_of_work():
        segment = await get_segment(segment_id)
        await db.execute("DELETE FROM core_saved_segment WHERE id = {}", segment_id)
        await audit.record_change("delete", "saved_segment", segment_id, before=asdict(segment))


def _check_bulk(ids: Sequence[int]) -> list[int]:
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise InvalidInputError({"ids": "select at least one constituent"})
    if len(unique) > MAX_BULK:
        raise InvalidInputError({"ids": f"select at most {MAX_BULK} constituents"})
    return unique


async def bulk_tag(ids: Sequence[int], tag_id: int) -> int:
    """Put a tag on every listed constituent in one change; returns how many gained it."""
    unique = _check_bulk(ids)
    added = 0
    async with unit_of_work():
        for constituent_id in unique:
            await fetch_constituent(constituent_id, lock=True)
            added += len(await apply_tags(constituent_id, [tag_id]))
    return added


async def bulk_untag(ids: Sequence[int], tag_id: int) -> None:
    """Take a tag off every listed constituent, in one change."""
    unique = _check_bulk(ids)
    async with unit_of_work():
        for constituent_id in unique:
            await untag_constituent(constituent_id, tag_id)


async def segment_rows(condition: Condition) -> AsyncIterator[dict[str, Any]]:
    """Every constituent matching ``condition`` (a ``filter_conditions`` result), by id.

    Rows come in chunks read by id (keyset paging, so memory stays flat however large the
    segment) and carry ``tags``, the constituent's tag names joined by ``|``.
    """
    where, args = condition
    joiner = " AND " if where else " WHERE "
    after_id = 0
    while True:
        rows = await db.fetch_all(
            f"SELECT {EXPORT_COLUMNS} FROM core_constituent c{where}{joiner}c.id > {{}} "
            "ORDER BY c.id LIMIT {}",
            *args,
            after_id,
            EXPORT_CHUNK,
        )
        if not rows:
            return
        ids = [int(r["id"]) for r in rows]
        tags: dict[int, list[str]] = {}
        tag_rows = await fetch_where_in(
            "SELECT ct.constituent_id, t.name FROM core_constituent_tag ct "
            "JOIN core_tag t ON t.id = ct.tag_id",
            "ct.constituent_id",
            ids,
            "ORDER BY t.name",
        )
        for tag in tag_rows:
            tags.setdefault(int(tag["constituent_id"]), []).append(str(tag["name"]))
        for row in rows:
            yield {**row, "tags": " | ".join(tags.get(int(row["id"]), []))}
        after_id = ids[-1]
        if len(rows) < EXPORT_CHUNK:
            return

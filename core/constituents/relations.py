"""Typed two-way relationships between constituents, and the merge/export entry points.

A relationship row reads "A <label_a_to_b> B" and "B <label_b_to_a> A" (see
:mod:`core.constituents.relationship_types`). It is *active* while it has no ``end_date`` or
its ``end_date`` is still in the future, in the organisation's time zone. Ending one keeps
it as history; deleting one is for mistakes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from core import audit, db
from core.constituents import relations_merge
from core.constituents.relations_common import (
    as_bool,
    as_date,
    as_instant,
    clean_field,
    iso,
    lock_constituents,
    order_by,
    org_today,
    require_constituent,
    utc_now,
)
from core.constituents.relationship_types import RelationshipTypeRecord, get_relationship_type
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.pagination import Page, offset_of
from core.plugins.types import EventType

EVENT_TYPES = [
    EventType("relationship.created", "Two constituents were related", order=42),
    EventType("relationship.ended", "A relationship was given an end date", order=43),
    EventType("relationship.deleted", "A relationship was deleted", order=44),
]


@dataclass(frozen=True)
class RelationshipRecord:
    """A relationship row as stored."""

    id: int
    type_id: int
    constituent_a_id: int
    constituent_b_id: int
    start_date: date | None
    end_date: date | None
    notes: str
    created_at: datetime
    active: bool


@dataclass(frozen=True)
class RelationshipView:
    """A relationship seen from one constituent: its label and the other party."""

    id: int
    type_id: int
    type_key: str
    label: str
    symmetric: bool
    side: str  # "a" or "b": which end the viewing constituent is
    related_id: int
    related_name: str
    related_kind: str
    start_date: date | None
    end_date: date | None
    active: bool
    notes: str
    created_at: datetime


# -- relationships -----------------------------------------------------------------------


def _record(row: dict[str, Any], today: date) -> RelationshipRecord:
    end_date = as_date(row["end_date"])
    return RelationshipRecord(
        id=int(row["id"]),
        type_id=int(row["type_id"]),
        constituent_a_id=int(row["constituent_a_id"]),
        constituent_b_id=int(row["constituent_b_id"]),
        start_date=as_date(row["start_date"]),
        end_date=end_date,
        notes=row["notes"],
        created_at=as_instant(row["created_at"]) or utc_now(),
        active=end_date is None or end_date > today,
    )


def _snapshot(record: RelationshipRecord) -> dict[str, Any]:
    values = asdict(record)
    del values["active"], values["created_at"]
    return values


async def get_relationship(relationship_id: int) -> RelationshipRecord:
    """A relationship between two visible (not deleted) constituents, or NotFoundError."""
    row = await db.fetch_one(
        "SELECT r.* FROM core_relationship r "
        "JOIN core_constituent a ON a.id = r.constituent_a_id AND a.deleted_at IS NULL "
        "JOIN core_constituent b ON b.id = r.constituent_b_id AND b.deleted_at IS NULL "
        "WHERE r.id = {}",
        relationship_id,
    )
    if row is None:
        raise NotFoundError(f"relationship {relationship_id} not found")
    return _record(row, org_today())


def _check_kind(rtype: RelationshipTypeRecord, side: str, party: dict[str, Any]) -> None:
    wanted = rtype.kind_a if side == "a" else rtype.kind_b
    if wanted not in ("any", party["kind"]):
        raise InvalidInputError(
            {
                "type_id": f"side {side.upper()} of {rtype.label_a_to_b!r} must be of kind "
                f"{wanted}, but constituent {party['id']} is of kind {party['kind']}"
            }
        )


async def _audit_parties(
    action: str,
    record: RelationshipRecord,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    # One entry per party, so erasing either person also redacts what it says about them.
    for party in (record.constituent_a_id, record.constituent_b_id):
        await audit.record_change(
            action, "relationship", record.id, before=before, after=after, constituent_id=party
        )


async def create_relationship(
    constituent_id: int,
    related_id: int,
    type_id: int,
    *,
    side: str = "a",
    start_date: date | None = None,
    end_date: date | None = None,
    notes: str | None = None,
) -> RelationshipView:
    """Relate two constituents; ``side`` says which end of the type ``constituent_id`` is.

    Refuses a relationship to oneself, parties of the wrong kind, inactive types, dates that
    end before they start, and a duplicate of an active relationship (409).
    """
    if side not in ("a", "b"):
        raise InvalidInputError({"side": "must be 'a' or 'b'"})
    if related_id == constituent_id:
        raise InvalidInputError({"related_id": "a constituent cannot be related to itself"})
    if start_date and end_date and end_date < start_date:
        raise InvalidInputError({"end_date": "must not be before start_date"})
    cleaned_notes = clean_field(notes, 500, "notes") or ""
    async with unit_of_work():
        await lock_constituents([constituent_id, related_id])
        me = await require_constituent(constituent_id)
        other = await require_constituent(related_id)
        rtype = await get_relationship_type(type_id)
        if not rtype.active:
            raise InvalidInputError({"type_id": f"relationship type {rtype.key!r} is inactive"})
        party_a, party_b = (me, other) if side == "a" else (other, me)
        _check_kind(rtype, "a", party_a)
        _check_kind(rtype, "b", party_b)
        today = org_today()
        if (end_date is None or end_date > today) and await _active_duplicate(
            rtype, party_a["id"], party_b["id"], today
        ):
            raise ConflictError("an identical active relationship already exists")
        rows = await db.fetch_all(
            "INSERT INTO core_relationship (type_id, constituent_a_id, constituent_b_id, "
            "start_date, end_date, notes, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}) "
            "RETURNING id",
            type_id,
            party_a["id"],
            party_b["id"],
            start_date,
            end_date,
            cleaned_notes,
            utc_now(),
        )
        record = await get_relationship(int(rows[0]["id"]))
        await _audit_parties("create", record, None, _snapshot(record))
        await emit("relationship.created", _event_payload(record, rtype))
    return await _view(record, constituent_id)


async def _active_duplicate(
    rtype: RelationshipTypeRecord, a_id: int, b_id: int, today: date
) -> bool:
    pairs = "(constituent_a_id = {} AND constituent_b_id = {})"
    args: list[Any] = [rtype.id, a_id, b_id]
    if rtype.symmetric:
        pairs = f"({pairs} OR {pairs})"
        args += [b_id, a_id]
    found = await db.fetch_value(
        f"SELECT id FROM core_relationship WHERE type_id = {{}} AND {pairs} "
        "AND (end_date IS NULL OR end_date > {})",
        *args,
        today,
    )
    return found is not None


def _event_payload(record: RelationshipRecord, rtype: RelationshipTypeRecord) -> dict[str, Any]:
    return {
        "relationship_id": record.id,
        "type_key": rtype.key,
        "constituent_a_id": record.constituent_a_id,
        "constituent_b_id": record.constituent_b_id,
    }


async def end_relationship(
    relationship_id: int, end_date: date | None = None
) -> RelationshipRecord:
    """Give an active relationship an end date (default: today in the org time zone)."""
    async with unit_of_work():
        record = await get_relationship(relationship_id)
        await lock_constituents([record.constituent_a_id, record.constituent_b_id])
        if not record.active:
            raise ConflictError(f"relationship {relationship_id} has already ended")
        ending = end_date or org_today()
        if record.start_date and ending < record.start_date:
            raise InvalidInputError({"end_date": "must not be before the start date"})
        await db.execute(
            "UPDATE core_relationship SET end_date = {} WHERE id = {}", ending, relationship_id
        )
        ended = await get_relationship(relationship_id)
        await _audit_parties("end", ended, _snapshot(record), _snapshot(ended))
        rtype = await get_relationship_type(record.type_id)
        await emit("relationship.ended", {**_event_payload(ended, rtype), "end_date": iso(ending)})
    return ended


async def delete_relationship(relationship_id: int) -> None:
    """Delete a relationship recorded in error (ending it keeps the history instead)."""
    async with unit_of_work():
        record = await get_relationship(relationship_id)
        rtype = await get_relationship_type(record.type_id)
        await db.execute("DELETE FROM core_relationship WHERE id = {}", relationship_id)
        await _audit_parties("delete", record, _snapshot(record), None)
        await emit("relationship.deleted", _event_payload(record, rtype))


_VIEW_SQL = (
    'SELECT r.id, r.type_id, t.key AS type_key, t."symmetric", r.start_date, r.end_date, '
    "r.notes, r.created_at, o.id AS related_id, o.display_name AS related_name, "
    "o.kind AS related_kind, o.sort_name AS related_sort_name, "
    "CASE WHEN r.constituent_a_id = {} THEN 'a' ELSE 'b' END AS side, "
    "CASE WHEN r.constituent_a_id = {} THEN t.label_a_to_b ELSE t.label_b_to_a END AS label "
    "FROM core_relationship r JOIN core_relationship_type t ON t.id = r.type_id "
    "JOIN core_constituent o ON o.id = CASE WHEN r.constituent_a_id = {} "
    "THEN r.constituent_b_id ELSE r.constituent_a_id END AND o.deleted_at IS NULL "
    "WHERE (r.constituent_a_id = {} OR r.constituent_b_id = {})"
)
# Columns of the view query, which list_relationships wraps as a subquery ``v``.
RELATIONSHIP_SORTS = {
    "related_name": "v.related_sort_name",
    "start_date": "v.start_date",
    "end_date": "v.end_date",
    "created_at": "v.created_at",
    "label": "v.label",
}


def _view_row(row: dict[str, Any], today: date) -> RelationshipView:
    end = as_date(row["end_date"])
    return RelationshipView(
        id=int(row["id"]),
        type_id=int(row["type_id"]),
        type_key=row["type_key"],
        label=row["label"],
        symmetric=as_bool(row["symmetric"]),
        side=row["side"],
        related_id=int(row["related_id"]),
        related_name=row["related_name"],
        related_kind=row["related_kind"],
        start_date=as_date(row["start_date"]),
        end_date=end,
        active=end is None or end > today,
        notes=row["notes"],
        created_at=as_instant(row["created_at"]) or utc_now(),
    )


async def _view(record: RelationshipRecord, viewer_id: int) -> RelationshipView:
    row = await db.fetch_one(_VIEW_SQL + " AND r.id = {}", *[viewer_id] * 5, record.id)
    if row is None:
        raise NotFoundError(f"relationship {record.id} not found")
    return _view_row(row, org_today())


async def list_relationships(
    constituent_id: int,
    *,
    status: str = "all",
    page: int = 1,
    per_page: int = 50,
    sort: str = "related_name",
) -> Page[RelationshipView]:
    """A constituent's relationships from their point of view; ``status`` active/ended/all."""
    offset = offset_of(page, per_page)
    ordering = order_by(sort, RELATIONSHIP_SORTS, "v.id")
    await require_constituent(constituent_id)
    today = org_today()
    sql = _VIEW_SQL
    args: list[Any] = [constituent_id] * 5
    if status == "active":
        sql += " AND (r.end_date IS NULL OR r.end_date > {})"
        args.append(today)
    elif status == "ended":
        sql += " AND r.end_date <= {}"
        args.append(today)
    elif status != "all":
        raise InvalidInputError({"status": "must be active, ended or all"})
    total = await db.fetch_value(f"SELECT COUNT(*) AS n FROM ({sql}) counted", *args)
    rows = await db.fetch_all(
        f"SELECT * FROM ({sql}) v ORDER BY {ordering} LIMIT {{}} OFFSET {{}}",
        *args,
        per_page,
        offset,
    )
    return Page([_view_row(r, today) for r in rows], int(total or 0), page, per_page)


# -- merge and export --------------------------------------------------------------------


async def repoint_relations(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move relationships, household memberships, consent and blocks to the survivor.

    For the constituent merge; runs inside its transaction (or its own). Relationships that
    would relate the survivor to itself, or repeat one it already has, are deleted; two
    current household memberships keep the survivor's. The report lists every moved id and
    every removed row, so a later undo can put them back.
    """
    if survivor_id == merged_id:
        raise InvalidInputError({"merged_id": "cannot merge a constituent into itself"})
    async with unit_of_work():
        await lock_constituents([survivor_id, merged_id])
        report: dict[str, Any] = {"survivor_id": survivor_id, "merged_id": merged_id}
        report.update(await relations_merge.repoint_relationships(survivor_id, merged_id))
        report.update(await relations_merge.repoint_memberships(survivor_id, merged_id))
        report.update(await relations_merge.repoint_consent(survivor_id, merged_id))
        await audit.record_change(
            "merge", "relations", merged_id, after=report, constituent_id=survivor_id
        )
    return report


async def export_relations(constituent_id: int) -> dict[str, list[dict[str, Any]]]:
    """Relationships, household memberships, consent log and contact blocks as plain dicts.

    For a subject-access export: values are JSON-ready (ISO dates) and a soft-deleted
    constituent is exported too. Related parties appear by id and display name only.
    """
    found = await db.fetch_value("SELECT id FROM core_constituent WHERE id = {}", constituent_id)
    if found is None:
        raise NotFoundError(f"constituent {constituent_id} not found")
    return {
        "relationships": await relations_merge.export_relationships(constituent_id),
        "household_memberships": await relations_merge.export_memberships(constituent_id),
        "consent": await relations_merge.export_consent(constituent_id),
        "contact_blocks": await relations_merge.export_blocks(constituent_id),
    }

"""Relationship types: the kinds of typed two-way relationship between constituents.

A type reads "A <label_a_to_b> B" and "B <label_b_to_a> A", and may restrict which kind of
constituent stands on each side. A symmetric type (spouse, sibling) has one label for both
directions. Types are never deleted: deactivating one hides it from new relationships.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from core import audit, db
from core.constituents.relations_common import KINDS, as_bool, clean_field
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.pagination import Page, offset_of
from core.plugins.types import EventType

TYPE_KINDS = ("any", *KINDS)
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

EVENT_TYPES = [
    EventType("relationship_type.created", "A relationship type was added", order=40),
    EventType("relationship_type.updated", "A relationship type was changed", order=41),
]

DEFAULT_TYPES: list[dict[str, Any]] = [
    {"key": "spouse", "label_a_to_b": "Spouse/partner of", "label_b_to_a": "Spouse/partner of",
     "kind_a": "individual", "kind_b": "individual", "symmetric": True},
    {"key": "parent", "label_a_to_b": "Parent of", "label_b_to_a": "Child of",
     "kind_a": "individual", "kind_b": "individual", "symmetric": False},
    {"key": "sibling", "label_a_to_b": "Sibling of", "label_b_to_a": "Sibling of",
     "kind_a": "individual", "kind_b": "individual", "symmetric": True},
    {"key": "employer", "label_a_to_b": "Employer of", "label_b_to_a": "Employee of",
     "kind_a": "organisation", "kind_b": "individual", "symmetric": False},
    {"key": "board_member", "label_a_to_b": "Board member of", "label_b_to_a": "Has board member",
     "kind_a": "individual", "kind_b": "organisation", "symmetric": False},
    {"key": "volunteer", "label_a_to_b": "Volunteer at", "label_b_to_a": "Has volunteer",
     "kind_a": "individual", "kind_b": "organisation", "symmetric": False},
    {"key": "friend", "label_a_to_b": "Friend of", "label_b_to_a": "Friend of",
     "kind_a": "individual", "kind_b": "individual", "symmetric": True},
    {"key": "solicitor", "label_a_to_b": "Solicitor for", "label_b_to_a": "Assigned prospect of",
     "kind_a": "individual", "kind_b": "any", "symmetric": False},
]  # fmt: skip


@dataclass(frozen=True)
class RelationshipTypeRecord:
    """A relationship type."""

    id: int
    key: str
    label_a_to_b: str
    label_b_to_a: str
    kind_a: str
    kind_b: str
    symmetric: bool
    active: bool


def _type_record(row: dict[str, Any]) -> RelationshipTypeRecord:
    return RelationshipTypeRecord(
        id=int(row["id"]),
        key=row["key"],
        label_a_to_b=row["label_a_to_b"],
        label_b_to_a=row["label_b_to_a"],
        kind_a=row["kind_a"],
        kind_b=row["kind_b"],
        symmetric=as_bool(row["symmetric"]),
        active=as_bool(row["active"]),
    )


def _label(value: str, field: str) -> str:
    cleaned = clean_field(value, 100, field)
    if cleaned is None:
        raise InvalidInputError({field: "must not be empty"})
    return cleaned


def _check_type_shape(values: dict[str, Any]) -> None:
    for field in ("kind_a", "kind_b"):
        if values[field] not in TYPE_KINDS:
            raise InvalidInputError({field: f"must be one of {', '.join(TYPE_KINDS)}"})
    if values["symmetric"]:
        if values["kind_a"] != values["kind_b"]:
            raise InvalidInputError({"symmetric": "a symmetric type needs kind_a == kind_b"})
        if values["label_b_to_a"] != values["label_a_to_b"]:
            raise InvalidInputError(
                {"label_b_to_a": "a symmetric type has one label for both directions"}
            )


async def get_relationship_type(type_id: int) -> RelationshipTypeRecord:
    """One relationship type, or NotFoundError."""
    row = await db.fetch_one("SELECT * FROM core_relationship_type WHERE id = {}", type_id)
    if row is None:
        raise NotFoundError(f"relationship type {type_id} not found")
    return _type_record(row)


async def list_relationship_types(
    *, active: bool | None = None, page: int = 1, per_page: int = 50
) -> Page[RelationshipTypeRecord]:
    """A page of relationship types by label, optionally only active or inactive ones."""
    offset = offset_of(page, per_page)
    where, args = ("active = {}", [active]) if active is not None else ("1 = 1", [])
    total = await db.fetch_value(
        f"SELECT COUNT(*) AS n FROM core_relationship_type WHERE {where}", *args
    )
    rows = await db.fetch_all(
        f"SELECT * FROM core_relationship_type WHERE {where} "
        "ORDER BY label_a_to_b, id LIMIT {} OFFSET {}",
        *args,
        per_page,
        offset,
    )
    return Page([_type_record(r) for r in rows], int(total or 0), page, per_page)


async def create_relationship_type(
    key: str,
    label_a_to_b: str,
    label_b_to_a: str | None = None,
    *,
    kind_a: str = "any",
    kind_b: str = "any",
    symmetric: bool = False,
) -> RelationshipTypeRecord:
    """Add a relationship type; ``label_b_to_a`` defaults to ``label_a_to_b`` when symmetric."""
    if not _KEY.match(key):
        raise InvalidInputError(
            {"key": "must be 1-60 lower-case letters, digits or underscores, starting a letter"}
        )
    forward = _label(label_a_to_b, "label_a_to_b")
    backward = _label(label_b_to_a, "label_b_to_a") if label_b_to_a is not None else None
    if backward is None:
        if not symmetric:
            raise InvalidInputError({"label_b_to_a": "is required unless the type is symmetric"})
        backward = forward
    values = {
        "key": key,
        "label_a_to_b": forward,
        "label_b_to_a": backward,
        "kind_a": kind_a,
        "kind_b": kind_b,
        "symmetric": symmetric,
        "active": True,
    }
    _check_type_shape(values)
    async with unit_of_work():
        if await db.fetch_value("SELECT id FROM core_relationship_type WHERE key = {}", key):
            raise ConflictError(f"a relationship type with key {key!r} already exists")
        type_id = await _insert_type(values)
        await audit.record_change("create", "relationship_type", type_id, after=values)
        await emit("relationship_type.created", {"type_id": type_id, "key": key})
    return await get_relationship_type(type_id)


async def _insert_type(values: dict[str, Any]) -> int:
    rows = await db.fetch_all(
        "INSERT INTO core_relationship_type (key, label_a_to_b, label_b_to_a, kind_a, kind_b, "
        '"symmetric", active) VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id',
        values["key"],
        values["label_a_to_b"],
        values["label_b_to_a"],
        values["kind_a"],
        values["kind_b"],
        values["symmetric"],
        values["active"],
    )
    return int(rows[0]["id"])


async def update_relationship_type(type_id: int, **changes: Any) -> RelationshipTypeRecord:
    """Change labels, kinds, symmetry or ``active``; kinds and symmetry only while unused.

    Deactivating a type hides it from new relationships and keeps existing ones.
    """
    allowed = {"label_a_to_b", "label_b_to_a", "kind_a", "kind_b", "symmetric", "active"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInputError({unknown[0]: "cannot be changed"})
    async with unit_of_work():
        before = asdict(await get_relationship_type(type_id))
        after = dict(before)
        for field in ("label_a_to_b", "label_b_to_a"):
            if changes.get(field) is not None:
                after[field] = _label(changes[field], field)
        for field in ("kind_a", "kind_b", "symmetric", "active"):
            if changes.get(field) is not None:
                after[field] = changes[field]
        if after["symmetric"] and changes.get("label_b_to_a") is None:
            after["label_b_to_a"] = after["label_a_to_b"]
        _check_type_shape(after)
        structural = [f for f in ("kind_a", "kind_b", "symmetric") if after[f] != before[f]]
        if structural and await db.fetch_value(
            "SELECT COUNT(*) AS n FROM core_relationship WHERE type_id = {}", type_id
        ):
            raise ConflictError(
                f"{', '.join(structural)} cannot change while relationships use this type"
            )
        if after == before:
            return await get_relationship_type(type_id)
        await db.execute(
            "UPDATE core_relationship_type SET label_a_to_b = {}, label_b_to_a = {}, kind_a = {}, "
            'kind_b = {}, "symmetric" = {}, active = {} WHERE id = {}',
            after["label_a_to_b"],
            after["label_b_to_a"],
            after["kind_a"],
            after["kind_b"],
            after["symmetric"],
            after["active"],
            type_id,
        )
        await audit.record_change(
            "update", "relationship_type", type_id, before=before, after=after
        )
        await emit("relationship_type.updated", {"type_id": type_id, "key": before["key"]})
    return await get_relationship_type(type_id)


async def ensure_default_relationship_types() -> list[str]:
    """Create the default relationship types that are missing (idempotent); returns new keys.

    Types an organisation changed or deactivated are left alone: only missing keys are added.
    """
    async with unit_of_work():
        existing = {r["key"] for r in await db.fetch_all("SELECT key FROM core_relationship_type")}
        added = []
        for values in DEFAULT_TYPES:
            if values["key"] in existing:
                continue
            type_id = await _insert_type({**values, "active": True})
            await audit.record_change("create", "relationship_type", type_id, after=values)
            added.append(values["key"])
    return added

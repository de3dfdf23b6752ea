"""Deciding what each valid row does: create a constituent, update one, or nothing.

A row whose ``external_id`` belongs to a constituent updates it; any other row creates one.
Updates follow one rule, documented in ``docs/operations.md``: an import never deletes.
Filled-in cells replace stored values, empty cells keep them; an email or phone becomes
the primary one (added if new); a changed address becomes the new primary address (the
old one is kept); tags are added; custom values are overwritten.

Display name, sort name and search text come from :mod:`core.constituents.names`, exactly
as the constituent service computes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.constituents.names import NameParts, build_search_text, computed_names
from core.constituents.schemas import MAX_ADDRESSES, MAX_EMAILS, MAX_PHONES, CustomFieldOut
from core.constituents.service import NAME_LIMITS
from core.dataio.columns import CUSTOM_PREFIX, HeaderMap
from core.dataio.rows import ADDRESS_COLUMNS, ParsedRow
from core.dataio.sqlutil import fetch_where_in
from core.errors import InvalidInputError
from core.validation import fold

ADDRESS_FIELDS = ("line1", "line2", "line3", "city", "region", "postcode", "country")
# The core_constituent columns an import writes (besides id and timestamps).
RECORD_COLUMNS = (
    "kind",
    *NAME_LIMITS,
    "display_name",
    "sort_name",
    "search_text",
    "lifecycle_stage",
    "birth_date",
    "primary_email",
    "primary_phone",
    "primary_postcode",
    "source",
    "external_id",
    "notes",
)
_INDIVIDUAL_ONLY = ("prefix", "first_name", "middle_name", "suffix", "preferred_name")


class RowRejectedError(Exception):
    """A row that cannot be imported; ``errors`` maps a column header to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Existing:
    """A constituent found by external id, with the contact data an update compares."""

    row: dict[str, Any]
    emails: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    tag_ids: set[int] = field(default_factory=set)
    custom: dict[int, str] = field(default_factory=dict)


@dataclass
class CreateOp:
    """A new constituent with its primary contacts, tags and custom values."""

    line: int
    record: dict[str, Any]
    email: str | None
    phone: str | None
    address: dict[str, Any] | None
    tags: list[str]
    custom: list[tuple[int, str]]


@dataclass
class UpdateOp:
    """Changes to one existing constituent (only what differs)."""

    line: int
    constituent_id: int
    record: dict[str, Any]
    email: tuple[str, bool] | None = None  # (address, already one of theirs)
    phone: tuple[str, bool] | None = None
    address: tuple[dict[str, Any], int | None] | None = None  # (values, id to promote)
    tags: list[str] = field(default_factory=list)
    custom: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class PlanContext:
    """What planning needs besides the row: headers, fields and the known tags."""

    headers: HeaderMap
    custom_fields: dict[str, CustomFieldOut]
    tag_ids: dict[str, int]


async def load_existing(external_ids: Sequence[str]) -> dict[str, Existing]:
    """Constituents (deleted ones too) by external id, with contacts, tags and values."""
    if not external_ids:
        return {}
    columns = ", ".join(("id", "deleted_at", *RECORD_COLUMNS))
    rows = await fetch_where_in(
        f"SELECT {columns} FROM core_constituent", "external_id", external_ids
    )
    found = {str(r["external_id"]): Existing(row=r) for r in rows}
    by_id = {int(e.row["id"]): e for e in found.values()}
    ids = list(by_id)
    if not ids:
        return found
    contact_queries = {
        "emails": "SELECT constituent_id, email, is_primary FROM core_email",
        "phones": "SELECT constituent_id, number, is_primary FROM core_phone",
        "addresses": "SELECT constituent_id, id, line1, line2, line3, city, region, postcode, "
        "country, is_primary FROM core_address",
    }
    for attribute, select in contact_queries.items():
        for r in await fetch_where_in(select, "constituent_id", ids, "ORDER BY id"):
            getattr(by_id[int(r["constituent_id"])], attribute).append(r)
    select = "SELECT constituent_id, tag_id FROM core_constituent_tag"
    for r in await fetch_where_in(select, "constituent_id", ids):
        by_id[int(r["constituent_id"])].tag_ids.add(int(r["tag_id"]))
    select = "SELECT constituent_id, field_id, value FROM core_custom_value"
    for r in await fetch_where_in(select, "constituent_id", ids):
        by_id[int(r["constituent_id"])].custom[int(r["field_id"])] = str(r["value"])
    return found


def _infer_kind(values: dict[str, Any]) -> str:
    if any(values.get(n) for n in _INDIVIDUAL_ONLY):
        return "individual"
    if values.get("organisation_name"):
        return "organisation"
    if values.get("household_name"):
        return "household"
    return "individual"


def _names(kind: str, values: dict[str, Any], context: PlanContext) -> tuple[NameParts, Any]:
    parts = NameParts(kind=kind, **{n: values.get(n) for n in NAME_LIMITS})
    try:
        return parts, computed_names(parts)
    except InvalidInputError as exc:
        raise RowRejectedError(
            {context.headers.header_of(k) if k else "(row)": v for k, v in exc.errors.items()}
        ) from exc


def _check_life(kind: str, values: dict[str, Any], context: PlanContext) -> None:
    if kind != "individual" and values.get("birth_date"):
        raise RowRejectedError(
            {context.headers.header_of("birth_date"): "applies only to individuals"}
        )


def plan_create(row: ParsedRow, context: PlanContext) -> CreateOp:
    """The constituent a row without a known external id creates."""
    values = row.values
    kind = values.get("kind") or _infer_kind(values)
    parts, names = _names(kind, values, context)
    _check_life(kind, values, context)
    problems: dict[str, str] = {}
    address = None
    if row.address:
        address = {f: row.address.get(f) for f in ADDRESS_FIELDS}
        if not address["line1"]:
            problems[context.headers.header_of("address_line1")] = "an address needs a first line"
    for key, definition in context.custom_fields.items():
        if definition.required and key not in row.custom:
            problems[context.headers.header_of(CUSTOM_PREFIX + key)] = "is required"
    if problems:
        raise RowRejectedError(problems)
    postcode = address["postcode"] if address else None
    record = {
        "kind": kind,
        **{n: values.get(n) for n in NAME_LIMITS},
        "display_name": names.display_name,
        "sort_name": names.sort_name,
        "search_text": build_search_text(parts, [row.email], [postcode]),
        "lifecycle_stage": values.get("lifecycle_stage") or "prospect",
        "birth_date": values.get("birth_date"),
        "primary_email": row.email,
        "primary_phone": row.phone,
        "primary_postcode": postcode,
        "source": values.get("source"),
        "external_id": values.get("external_id"),
        "notes": values.get("notes") or "",
    }
    custom = [(f.id, value) for f, value in row.custom.values()]
    return CreateOp(row.line, record, row.email, row.phone, address, row.tags, custom)


def _contact_change(
    wanted: str | None, rows: list[dict[str, Any]], column: str, limit: int, header: str
) -> tuple[str, bool] | None:
    """(value, already present) when ``wanted`` must become the primary one."""
    if wanted is None or any(r[column] == wanted and r["is_primary"] for r in rows):
        return None
    present = any(r[column] == wanted for r in rows)
    if not present and len(rows) >= limit:
        raise RowRejectedError({header: f"the constituent already has {limit}; remove one first"})
    for r in rows:
        r["is_primary"] = r[column] == wanted
    if not present:
        rows.append({column: wanted, "is_primary": True})
    return wanted, present


def _address_change(
    row: ParsedRow, existing: Existing, context: PlanContext
) -> tuple[dict[str, Any], int | None] | None:
    if not row.address:
        return None
    primary = next((a for a in existing.addresses if a["is_primary"]), {})
    in_file = {f for c, f in ADDRESS_COLUMNS.items() if c in context.headers.positions}
    if "country" in context.headers.positions:
        in_file.add("country")
    # The row describes the whole address; parts the file has no column for stay as they were.
    wanted = {f: row.address.get(f) if f in in_file else primary.get(f) for f in ADDRESS_FIELDS}
    if not wanted["line1"]:
        raise RowRejectedError(
            {context.headers.header_of("address_line1"): "an address needs a first line"}
        )
    if primary and all(primary.get(f) == wanted[f] for f in ADDRESS_FIELDS):
        return None
    match = next(
        (a for a in existing.addresses if all(a.get(f) == wanted[f] for f in ADDRESS_FIELDS)), None
    )
    if match is None and len(existing.addresses) >= MAX_ADDRESSES:
        header = context.headers.header_of("address_line1")
        raise RowRejectedError({header: f"the constituent already has {MAX_ADDRESSES} addresses"})
    for a in existing.addresses:
        a["is_primary"] = a is match
    if match is None:
        existing.addresses.append({**wanted, "is_primary": True})
    return wanted, (int(match["id"]) if match else None)


def plan_update(row: ParsedRow, existing: Existing, context: PlanContext) -> UpdateOp | None:
    """The changes a row makes to the constituent with its external id; None if none."""
    current = existing.row
    kind = str(current["kind"])
    if row.values.get("kind") not in (None, kind):
        header = context.headers.header_of("kind")
        raise RowRejectedError({header: f"is {kind} and an import cannot change it"})
    merged = {c: row.values.get(c, current[c]) for c in RECORD_COLUMNS}
    parts, names = _names(kind, merged, context)
    _check_life(kind, merged, context)
    header_of = context.headers.header_of
    email = _contact_change(row.email, existing.emails, "email", MAX_EMAILS, header_of("email"))
    phone = _contact_change(row.phone, existing.phones, "number", MAX_PHONES, header_of("phone"))
    address = _address_change(row, existing, context)
    tags = [name for name in row.tags if context.tag_ids.get(fold(name)) not in existing.tag_ids]
    custom = [
        (f.id, value) for f, value in row.custom.values() if existing.custom.get(f.id) != value
    ]
    primary_address = next((a for a in existing.addresses if a["is_primary"]), None)
    record = {
        **{c: merged.get(c) for c in RECORD_COLUMNS},
        "display_name": names.display_name,
        "sort_name": names.sort_name,
        "search_text": build_search_text(
            parts,
            [e["email"] for e in existing.emails],
            [a.get("postcode") for a in existing.addresses],
        ),
        "primary_email": next((e["email"] for e in existing.emails if e["is_primary"]), None),
        "primary_phone": next((p["number"] for p in existing.phones if p["is_primary"]), None),
        "primary_postcode": primary_address.get("postcode") if primary_address else None,
    }
    changed = any(record[c] != current.get(c) for c in RECORD_COLUMNS)
    if not (changed or email or phone or address or tags or custom):
        return None
    return UpdateOp(row.line, int(current["id"]), record, email, phone, address, tags, custom)

"""Emails, phones and postal addresses of constituents.

Each constituent with any email (phone, address) has exactly one primary one: the first
added becomes primary, making another primary demotes the old one, and removing the
primary promotes the oldest remaining. ``core_constituent.primary_email`` (``primary_phone``,
``primary_postcode``) and the search text follow every change in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from core import audit, db
from core.constituents.common import (
    clean,
    default_country,
    fetch_constituent,
    now,
    refresh_derived,
)
from core.constituents.schemas import (
    MAX_ADDRESSES,
    MAX_EMAILS,
    MAX_PHONES,
    AddressIn,
    AddressOut,
    AddressPatch,
    EmailIn,
    EmailOut,
    EmailPatch,
    PhoneIn,
    PhoneOut,
    PhonePatch,
)
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.validation import (
    normalise_country,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    phone_digits,
)


@dataclass(frozen=True)
class ContactKind:
    """How one kind of contact detail is stored."""

    table: str
    entity: str  # audit entity type and event prefix: "email", "phone", "address"
    columns: tuple[str, ...]  # value columns besides constituent_id, is_primary, created_at
    unique_column: str | None  # no two rows of a constituent may share this value
    max_count: int
    label: str
    plural: str


EMAIL = ContactKind(
    "core_email",
    "email",
    ("email", "email_type"),
    "email",
    MAX_EMAILS,
    "email address",
    "email addresses",
)
PHONE = ContactKind(
    "core_phone",
    "phone",
    ("number", "digits", "phone_type"),
    "number",
    MAX_PHONES,
    "phone number",
    "phone numbers",
)
ADDRESS = ContactKind(
    "core_address",
    "address",
    (
        "address_type",
        "line1",
        "line2",
        "line3",
        "city",
        "region",
        "postcode",
        "country",
        "valid_from",
        "valid_to",
    ),
    None,
    MAX_ADDRESSES,
    "address",
    "addresses",
)


# --- validation ---------------------------------------------------------------------------


def prepare_email(data: EmailIn) -> dict[str, Any]:
    """Column values for an email: the address validated and lower-cased."""
    return {"email": normalise_email(data.email, "email"), "email_type": data.email_type}


def prepare_phone(data: PhoneIn) -> dict[str, Any]:
    """Column values for a phone: E.164 (read in the default country) and its digits."""
    number = normalise_phone(data.number, default_country(), "number")
    return {"number": number, "digits": phone_digits(number), "phone_type": data.phone_type}


def prepare_address(data: AddressIn) -> dict[str, Any]:
    """Column values for an address: cleaned lines, normalised postcode and ISO country."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"address_type": data.address_type}
    limits = {"line1": 200, "line2": 200, "line3": 200, "city": 100, "region": 100}
    for name, limit in limits.items():
        try:
            values[name] = clean(getattr(data, name), limit, name)
        except InvalidInputError as exc:
            errors.update(exc.errors)
    if not values.get("line1") and "line1" not in errors:
        errors["line1"] = "an address needs a first line"
    try:
        values["postcode"] = normalise_postcode(data.postcode)
    except InvalidInputError:
        errors["postcode"] = "must be at most 20 characters"
    try:
        values["country"] = normalise_country(data.country)
    except InvalidInputError as exc:
        errors.update(exc.errors)
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        errors["valid_to"] = "must not be before valid_from"
    values["valid_from"], values["valid_to"] = data.valid_from, data.valid_to
    if errors:
        raise InvalidInputError(errors)
    return values


# --- shared storage logic -----------------------------------------------------------------


async def _rows(kind: ContactKind, constituent_id: int) -> list[dict[str, Any]]:
    return await db.fetch_all(
        f"SELECT * FROM {kind.table} WHERE constituent_id = {{}} ORDER BY id", constituent_id
    )


async def _row(kind: ContactKind, constituent_id: int, row_id: int) -> dict[str, Any]:
    row = await db.fetch_one(
        f"SELECT * FROM {kind.table} WHERE id = {{}} AND constituent_id = {{}}",
        row_id,
        constituent_id,
    )
    if row is None:
        raise NotFoundError(f"constituent {constituent_id} has no {kind.label} with id {row_id}")
    return row


def _check_unique(
    kind: ContactKind, rows: list[dict[str, Any]], values: Mapping[str, Any], own_id: int | None
) -> None:
    column = kind.unique_column
    if column is None:
        return
    if any(r[column] == values[column] and r["id"] != own_id for r in rows):
        raise ConflictError(f"the constituent already has the {kind.label} {values[column]}")


async def insert_contact(
    kind: ContactKind, constituent_id: int, values: Mapping[str, Any], is_primary: bool
) -> dict[str, Any]:
    """Insert one validated row (the caller keeps primaries consistent and refreshes)."""
    columns = ["constituent_id", *kind.columns, "is_primary", "created_at"]
    args = [constituent_id, *(values[c] for c in kind.columns), is_primary, now()]
    row_id = await db.fetch_value(
        f"INSERT INTO {kind.table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('{}' for _ in columns)}) RETURNING id",
        *args,
    )
    # Read back through a plain SELECT so SQLite converts dates, times and booleans.
    return await _row(kind, constituent_id, int(row_id))


async def _demote_others(kind: ContactKind, constituent_id: int, keep_id: int | None) -> None:
    await db.execute(
        f"UPDATE {kind.table} SET is_primary = {{}} "
        f"WHERE constituent_id = {{}} AND is_primary = {{}} AND id <> {{}}",
        False,
        constituent_id,
        True,
        keep_id if keep_id is not None else -1,
    )


async def _add(
    kind: ContactKind, constituent_id: int, values: Mapping[str, Any], is_primary: bool
) -> dict[str, Any]:
    async with unit_of_work():
        await fetch_constituent(constituent_id, lock=True)
        rows = await _rows(kind, constituent_id)
        if len(rows) >= kind.max_count:
            raise ConflictError(f"a constituent can have at most {kind.max_count} {kind.plural}")
        _check_unique(kind, rows, values, None)
        primary = is_primary or not rows
        if primary:
            await _demote_others(kind, constituent_id, None)
        row = await insert_contact(kind, constituent_id, values, primary)
        await refresh_derived(constituent_id)
        await audit.record_change(
            "create", kind.entity, row["id"], after=row, constituent_id=constituent_id
        )
        await emit(
            f"{kind.entity}.added",
            {"constituent_id": constituent_id, f"{kind.entity}_id": row["id"]},
        )
    return row


async def _update(
    kind: ContactKind,
    constituent_id: int,
    row_id: int,
    patch: BaseModel,
    full_model: type[BaseModel],
    prepare: Any,
) -> dict[str, Any]:
    changes = patch.model_dump(exclude_unset=True)
    make_primary = changes.pop("is_primary", None)
    async with unit_of_work():
        await fetch_constituent(constituent_id, lock=True)
        before = await _row(kind, constituent_id, row_id)
        merged = {c: before[c] for c in full_model.model_fields if c in before}
        merged.update(changes)
        merged.pop("is_primary", None)
        values = prepare(full_model.model_validate(merged))
        _check_unique(kind, await _rows(kind, constituent_id), values, row_id)
        if make_primary is False and before["is_primary"]:
            raise InvalidInputError(
                {"is_primary": f"make another {kind.label} primary instead of unsetting this one"}
            )
        primary = bool(before["is_primary"] or make_primary)
        if primary:
            await _demote_others(kind, constituent_id, row_id)
        assignments = ", ".join(f"{c} = {{}}" for c in kind.columns)
        await db.execute(
            f"UPDATE {kind.table} SET {assignments}, is_primary = {{}} WHERE id = {{}}",
            *(values[c] for c in kind.columns),
            primary,
            row_id,
        )
        after = await _row(kind, constituent_id, row_id)
        await refresh_derived(constituent_id)
        await audit.record_change(
            "update", kind.entity, row_id, before=before, after=after, constituent_id=constituent_id
        )
        await emit(
            f"{kind.entity}.changed",
            {"constituent_id": constituent_id, f"{kind.entity}_id": row_id},
        )
    return after


async def _remove(kind: ContactKind, constituent_id: int, row_id: int) -> None:
    async with unit_of_work():
        await fetch_constituent(constituent_id, lock=True)
        before = await _row(kind, constituent_id, row_id)
        await db.execute(f"DELETE FROM {kind.table} WHERE id = {{}}", row_id)
        if before["is_primary"]:
            # Keep exactly one primary: the oldest remaining one takes over.
            await db.execute(
                f"UPDATE {kind.table} SET is_primary = {{}} WHERE id = "
                f"(SELECT MIN(id) FROM {kind.table} WHERE constituent_id = {{}})",
                True,
                constituent_id,
            )
        await refresh_derived(constituent_id)
        await audit.record_change(
            "delete", kind.entity, row_id, before=before, constituent_id=constituent_id
        )
        await emit(
            f"{kind.entity}.removed",
            {"constituent_id": constituent_id, f"{kind.entity}_id": row_id},
        )


# --- emails -------------------------------------------------------------------------------


async def list_emails(constituent_id: int) -> list[EmailOut]:
    """The constituent's email addresses, oldest first."""
    await fetch_constituent(constituent_id)
    return [EmailOut.model_validate(r) for r in await _rows(EMAIL, constituent_id)]


async def add_email(constituent_id: int, data: EmailIn | Mapping[str, Any]) -> EmailOut:
    """Add an email address (the first one, or one sent with ``is_primary``, is primary)."""
    model = EmailIn.model_validate(data)
    row = await _add(EMAIL, constituent_id, prepare_email(model), model.is_primary)
    return EmailOut.model_validate(row)


async def update_email(
    constituent_id: int, email_id: int, data: EmailPatch | Mapping[str, Any]
) -> EmailOut:
    """Change an email address, its type, or make it primary."""
    patch = EmailPatch.model_validate(data)
    row = await _update(EMAIL, constituent_id, email_id, patch, EmailIn, prepare_email)
    return EmailOut.model_validate(row)


async def remove_email(constituent_id: int, email_id: int) -> None:
    """Remove an email address; removing the primary promotes the oldest remaining one."""
    await _remove(EMAIL, constituent_id, email_id)


# --- phones -------------------------------------------------------------------------------


async def list_phones(constituent_id: int) -> list[PhoneOut]:
    """The constituent's phone numbers, oldest first."""
    await fetch_constituent(constituent_id)
    return [PhoneOut.model_validate(r) for r in await _rows(PHONE, constituent_id)]


async def add_phone(constituent_id: int, data: PhoneIn | Mapping[str, Any]) -> PhoneOut:
    """Add a phone number, stored in E.164 with its digits."""
    model = PhoneIn.model_validate(data)
    row = await _add(PHONE, constituent_id, prepare_phone(model), model.is_primary)
    return PhoneOut.model_validate(row)


async def update_phone(
    constituent_id: int, phone_id: int, data: PhonePatch | Mapping[str, Any]
) -> PhoneOut:
    """Change a phone number, its type, or make it primary."""
    patch = PhonePatch.model_validate(data)
    row = await _update(PHONE, constituent_id, phone_id, patch, PhoneIn, prepare_phone)
    return PhoneOut.model_validate(row)


async def remove_phone(constituent_id: int, phone_id: int) -> None:
    """Remove a phone number; removing the primary promotes the oldest remaining one."""
    await _remove(PHONE, constituent_id, phone_id)


# --- addresses ----------------------------------------------------------------------------


async def list_addresses(constituent_id: int) -> list[AddressOut]:
    """The constituent's postal addresses, oldest first."""
    await fetch_constituent(constituent_id)
    return [AddressOut.model_validate(r) for r in await _rows(ADDRESS, constituent_id)]


async def add_address(constituent_id: int, data: AddressIn | Mapping[str, Any]) -> AddressOut:
    """Add a postal address; the primary one's postcode is the constituent's postcode."""
    model = AddressIn.model_validate(data)
    row = await _add(ADDRESS, constituent_id, prepare_address(model), model.is_primary)
    return AddressOut.model_validate(row)


async def update_address(
    constituent_id: int, address_id: int, data: AddressPatch | Mapping[str, Any]
) -> AddressOut:
    """Change a postal address, its validity dates, or make it primary."""
    patch = AddressPatch.model_validate(data)
    row = await _update(ADDRESS, constituent_id, address_id, patch, AddressIn, prepare_address)
    return AddressOut.model_validate(row)


async def remove_address(constituent_id: int, address_id: int) -> None:
    """Remove a postal address; removing the primary promotes the oldest remaining one."""
    await _remove(ADDRESS, constituent_id, address_id)

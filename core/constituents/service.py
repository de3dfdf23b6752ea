"""The constituent record: create, read, update, soft delete, restore and list.

Contact details live in :mod:`core.constituents.contacts`, tags in
:mod:`core.constituents.tags`, custom fields in :mod:`core.constituents.custom_fields`.

Lifecycle stages (:data:`core.constituents.common.LIFECYCLE_STAGES`) are a fixed list:

* ``prospect``: known to the organisation but not (yet) a supporter; the default;
* ``active``: currently gives, is a member or volunteers;
* ``lapsed``: used to be active and has stopped, may be won back;
* ``former``: no longer a supporter and not to be won back (moved away, resigned);
* ``do_not_solicit``: may be kept informed but must never be asked for money.

Deceased constituents keep their record (``deceased`` and ``deceased_date``) and are never
contactable (:mod:`core.constituents.contactability`). Soft-deleted constituents have
``deleted_at`` set: lists leave them out and reads answer 404 unless asked to include them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from core import audit, db
from core.constituents import contacts
from core.constituents.common import (
    LIFECYCLE_STAGES,
    ErrorCollector,
    audit_snapshot,
    clean,
    fetch_constituent,
    now,
    refresh_derived,
    today,
)
from core.constituents.custom_fields import (
    custom_values_of,
    prepare_custom_values,
    store_custom_value,
)
from core.constituents.listing import SORTS, list_constituents
from core.constituents.names import (
    NameParts,
    computed_names,
    greeting_name,
    informal_name,
)
from core.constituents.schemas import (
    AddressOut,
    ConstituentDetail,
    ConstituentIn,
    ConstituentPatch,
    EmailOut,
    PhoneOut,
)
from core.constituents.tags import apply_tags, tags_of
from core.errors import ConflictError, InvalidInputError
from core.events import emit, unit_of_work

NAME_LIMITS: dict[str, int] = {
    "prefix": 40,
    "first_name": 100,
    "middle_name": 100,
    "last_name": 100,
    "suffix": 40,
    "preferred_name": 100,
    "organisation_name": 200,
    "household_name": 200,
}
# The columns a create or update writes on core_constituent itself.
RECORD_FIELDS = (
    *NAME_LIMITS,
    "display_name",
    "sort_name",
    "lifecycle_stage",
    "birth_date",
    "deceased",
    "deceased_date",
    "source",
    "external_id",
    "notes",
)


def _clean_notes(value: str | None) -> str:
    # Free text keeps its line breaks; other control characters go.
    text = "".join(ch for ch in (value or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def _record_values(kind: str, raw: Mapping[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    """Validated column values for ``core_constituent`` from raw field values."""
    values: dict[str, Any] = {}
    for name, limit in NAME_LIMITS.items():
        try:
            values[name] = clean(raw.get(name), limit, name)
        except InvalidInputError as exc:
            errors.merge("", exc)
            values[name] = None
    try:
        names = computed_names(NameParts(kind=kind, **{n: values[n] for n in NAME_LIMITS}))
        values["display_name"], values["sort_name"] = names.display_name, names.sort_name
    except InvalidInputError as exc:
        errors.merge("", exc)
    stage = raw.get("lifecycle_stage") or "prospect"
    if stage not in LIFECYCLE_STAGES:
        errors.add("lifecycle_stage", f"must be one of {', '.join(LIFECYCLE_STAGES)}")
    values["lifecycle_stage"] = stage
    values.update(_life_dates(kind, raw, errors))
    for name, limit in (("source", 60), ("external_id", 100)):
        try:
            values[name] = clean(raw.get(name), limit, name)
        except InvalidInputError as exc:
            errors.merge("", exc)
    values["notes"] = _clean_notes(raw.get("notes"))
    return values


def _life_dates(kind: str, raw: Mapping[str, Any], errors: ErrorCollector) -> dict[str, Any]:
    birth: date | None = raw.get("birth_date")
    deceased = bool(raw.get("deceased"))
    deceased_date: date | None = raw.get("deceased_date")
    limit = today()
    if kind != "individual":
        for name, value in (
            ("birth_date", birth),
            ("deceased", deceased),
            ("deceased_date", deceased_date),
        ):
            if value:
                errors.add(name, "applies only to individuals")
    if birth and birth > limit:
        errors.add("birth_date", "must not be in the future")
    if deceased_date:
        if not deceased:
            errors.add("deceased_date", "set deceased to true as well")
        if deceased_date > limit:
            errors.add("deceased_date", "must not be in the future")
        if birth and deceased_date < birth:
            errors.add("deceased_date", "must not be before birth_date")
    return {"birth_date": birth, "deceased": deceased, "deceased_date": deceased_date}


async def _check_external_id(external_id: str | None, own_id: int | None) -> None:
    if external_id is None:
        return
    clash = await db.fetch_value(
        "SELECT id FROM core_constituent WHERE external_id = {} AND id <> {}",
        external_id,
        own_id if own_id is not None else -1,
    )
    if clash is not None:
        raise ConflictError(f"external_id {external_id!r} already belongs to constituent {clash}")


def _prepare_contacts(model: ConstituentIn, errors: ErrorCollector) -> list[Any]:
    """Validated (kind, values, is_primary) triples for the contacts sent with a new record."""
    prepared: list[Any] = []
    groups: list[tuple[str, contacts.ContactKind, list[Any], Any]] = [
        ("emails", contacts.EMAIL, list(model.emails), contacts.prepare_email),
        ("phones", contacts.PHONE, list(model.phones), contacts.prepare_phone),
        ("addresses", contacts.ADDRESS, list(model.addresses), contacts.prepare_address),
    ]
    for name, kind, items, prepare in groups:
        seen: set[Any] = set()
        flagged = [i for i, item in enumerate(items) if item.is_primary]
        for index in flagged[1:]:
            errors.add(f"{name}.{index}.is_primary", f"only one of the {name} can be primary")
        primary_index = flagged[0] if flagged else 0
        for index, item in enumerate(items):
            try:
                values = prepare(item)
            except InvalidInputError as exc:
                errors.merge(f"{name}.{index}", exc)
                continue
            if kind.unique_column:
                if values[kind.unique_column] in seen:
                    errors.add(f"{name}.{index}.{kind.unique_column}", "is listed twice")
                seen.add(values[kind.unique_column])
            prepared.append((kind, values, index == primary_index))
    return prepared


async def create_constituent(data: ConstituentIn | Mapping[str, Any]) -> ConstituentDetail:
    """Create a constituent with its contact details, tags and custom values, all or nothing.

    Every problem in the request is reported at once, keyed by field path
    (``emails.1.email``, ``custom_fields.shoe_size``).
    """
    model = ConstituentIn.model_validate(data)
    errors = ErrorCollector()
    values = _record_values(model.kind, model.model_dump(), errors)
    prepared_contacts = _prepare_contacts(model, errors)
    async with unit_of_work():
        custom = await prepare_custom_values(model.custom_fields, errors, check_required=True)
        for index, tag_id in enumerate(model.tags):
            if await db.fetch_value("SELECT id FROM core_tag WHERE id = {}", tag_id) is None:
                errors.add(f"tags.{index}", f"no tag with id {tag_id}")
        errors.raise_if_any()
        await _check_external_id(values["external_id"], None)
        stamp = now()
        columns = ["kind", *RECORD_FIELDS, "search_text", "created_at", "updated_at"]
        args = [model.kind, *(values[c] for c in RECORD_FIELDS), "", stamp, stamp]
        constituent_id = int(
            await db.fetch_value(
                f"INSERT INTO core_constituent ({', '.join(columns)}) "
                f"VALUES ({', '.join('{}' for _ in columns)}) RETURNING id",
                *args,
            )
        )
        for kind, contact_values, is_primary in prepared_contacts:
            await contacts.insert_contact(kind, constituent_id, contact_values, is_primary)
        await refresh_derived(constituent_id)
        await apply_tags(constituent_id, model.tags)
        for field, value in custom:
            await store_custom_value(constituent_id, field, value)
        detail = await get_constituent(constituent_id)
        await audit.record_change(
            "create",
            "constituent",
            constituent_id,
            after=detail.model_dump(),
            constituent_id=constituent_id,
        )
        await emit("constituent.created", {"constituent_id": constituent_id, "kind": model.kind})
    return detail


async def get_constituent(
    constituent_id: int, *, include_deleted: bool = False
) -> ConstituentDetail:
    """A constituent with contact details, tags and custom values; 404 if missing or deleted."""
    row = await fetch_constituent(constituent_id, include_deleted=include_deleted)
    parts = NameParts.from_row(row)
    emails = await db.fetch_all(
        "SELECT * FROM core_email WHERE constituent_id = {} ORDER BY id", constituent_id
    )
    phones = await db.fetch_all(
        "SELECT * FROM core_phone WHERE constituent_id = {} ORDER BY id", constituent_id
    )
    addresses = await db.fetch_all(
        "SELECT * FROM core_address WHERE constituent_id = {} ORDER BY id", constituent_id
    )
    return ConstituentDetail.model_validate(
        {
            **row,
            "informal_name": informal_name(parts),
            "greeting_name": greeting_name(parts),
            "emails": [EmailOut.model_validate(e) for e in emails],
            "phones": [PhoneOut.model_validate(p) for p in phones],
            "addresses": [AddressOut.model_validate(a) for a in addresses],
            "tags": await tags_of(constituent_id),
            "custom_fields": await custom_values_of(constituent_id),
        }
    )


async def update_constituent(
    constituent_id: int, data: ConstituentPatch | Mapping[str, Any]
) -> ConstituentDetail:
    """Change the fields sent (``None`` clears); names and search text are recomputed.

    Setting ``deceased`` to false also clears ``deceased_date``.
    """
    changes = ConstituentPatch.model_validate(data).model_dump(exclude_unset=True)
    if changes.get("deceased") is False and "deceased_date" not in changes:
        changes["deceased_date"] = None
    async with unit_of_work():
        before = await fetch_constituent(constituent_id, lock=True)
        raw = {**{f: before[f] for f in RECORD_FIELDS}, **changes}
        if raw.get("deceased") is None:
            raw["deceased"] = False
        errors = ErrorCollector()
        values = _record_values(before["kind"], raw, errors)
        errors.raise_if_any()
        changed = {f for f in RECORD_FIELDS if values[f] != before[f]}
        if not changed:
            return await get_constituent(constituent_id)
        if "external_id" in changed:
            await _check_external_id(values["external_id"], constituent_id)
        assignments = ", ".join(f"{f} = {{}}" for f in RECORD_FIELDS)
        await db.execute(
            f"UPDATE core_constituent SET {assignments}, updated_at = {{}} WHERE id = {{}}",
            *(values[f] for f in RECORD_FIELDS),
            now(),
            constituent_id,
        )
        await refresh_derived(constituent_id)
        after = await fetch_constituent(constituent_id)
        await audit.record_change(
            "update",
            "constituent",
            constituent_id,
            before=audit_snapshot(before),
            after=audit_snapshot(after),
            constituent_id=constituent_id,
        )
        await emit(
            "constituent.updated", {"constituent_id": constituent_id, "fields": sorted(changed)}
        )
        if values["deceased"] and not before["deceased"]:
            await emit(
                "constituent.deceased",
                {
                    "constituent_id": constituent_id,
                    "deceased_date": (
                        values["deceased_date"].isoformat() if values["deceased_date"] else None
                    ),
                },
            )
    return await get_constituent(constituent_id)


async def soft_delete_constituent(constituent_id: int) -> None:
    """Move a constituent to the bin: hidden from lists and reads, data kept, restorable."""
    async with unit_of_work():
        before = await fetch_constituent(constituent_id, lock=True)
        stamp = now()
        await db.execute(
            "UPDATE core_constituent SET deleted_at = {}, updated_at = {} WHERE id = {}",
            stamp,
            stamp,
            constituent_id,
        )
        await audit.record_change(
            "delete",
            "constituent",
            constituent_id,
            before={"deleted_at": before["deleted_at"]},
            after={"deleted_at": stamp},
            constituent_id=constituent_id,
        )
        await emit("constituent.deleted", {"constituent_id": constituent_id})


async def restore_constituent(constituent_id: int) -> ConstituentDetail:
    """Bring a soft-deleted constituent back (not one merged away or erased)."""
    async with unit_of_work():
        before = await fetch_constituent(constituent_id, include_deleted=True, lock=True)
        if before["deleted_at"] is None:
            raise ConflictError(f"constituent {constituent_id} is not deleted")
        if before["merged_into_id"] is not None:
            raise ConflictError(
                f"constituent {constituent_id} was merged into {before['merged_into_id']}; "
                "undo the merge instead"
            )
        if await was_erased(constituent_id):
            raise ConflictError(f"constituent {constituent_id} was erased and cannot be restored")
        await db.execute(
            "UPDATE core_constituent SET deleted_at = {}, updated_at = {} WHERE id = {}",
            None,
            now(),
            constituent_id,
        )
        await audit.record_change(
            "restore",
            "constituent",
            constituent_id,
            before={"deleted_at": before["deleted_at"]},
            after={"deleted_at": None},
            constituent_id=constituent_id,
        )
        await emit("constituent.restored", {"constituent_id": constituent_id})
    return await get_constituent(constituent_id)


async def was_erased(constituent_id: int) -> bool:
    """True once the constituent's personal data was erased (the audit log keeps the fact)."""
    found = await db.fetch_value(
        "SELECT id FROM core_audit_log WHERE entity_type = {} AND entity_id = {} "
        "AND action = {} LIMIT 1",
        "constituent",
        str(constituent_id),
        "erase",
    )
    return found is not None


__all__ = [
    "LIFECYCLE_STAGES",
    "SORTS",
    "create_constituent",
    "get_constituent",
    "list_constituents",
    "restore_constituent",
    "soft_delete_constituent",
    "update_constituent",
    "was_erased",
]

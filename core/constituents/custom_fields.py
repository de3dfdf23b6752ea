"""Organisation-defined custom fields and constituents' values for them.

Values are validated against the field's type and stored in one canonical text form
(:mod:`core.constituents.custom_values`). Sending ``null`` (or empty text) clears a value,
except for required fields, which every new constituent must fill in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from core import audit, db
from core.constituents.common import ErrorCollector, clean, fetch_constituent, now, touch
from core.constituents.custom_values import canonical_value, typed_value
from core.constituents.schemas import (
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldPage,
    CustomFieldPatch,
)
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.pagination import page_window
from core.validation import fold

FIELD_COLUMNS = (
    "id, key, label, field_type, choices, required, help_text, max_length, position, active, "
    "created_at"
)


def _field_out(row: Mapping[str, Any]) -> CustomFieldOut:
    values = dict(row)
    if isinstance(values["choices"], str):
        values["choices"] = json.loads(values["choices"])
    return CustomFieldOut.model_validate(values)


async def get_custom_field(key: str) -> CustomFieldOut:
    """A field definition by key; :class:`NotFoundError` when missing."""
    row = await db.fetch_one(f"SELECT {FIELD_COLUMNS} FROM core_custom_field WHERE key = {{}}", key)
    if row is None:
        raise NotFoundError(f"no custom field with key {key!r}")
    return _field_out(row)


async def active_fields() -> dict[str, CustomFieldOut]:
    """Every active field definition by key."""
    rows = await db.fetch_all(
        f"SELECT {FIELD_COLUMNS} FROM core_custom_field WHERE active = {{}}", True
    )
    return {r["key"]: _field_out(r) for r in rows}


def _clean_choices(field_type: str, choices: list[str]) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for index, choice in enumerate(choices):
        value = clean(choice, 100, f"choices.{index}")
        if not value:
            raise InvalidInputError({f"choices.{index}": "must not be empty"})
        if fold(value) in seen:
            raise InvalidInputError({f"choices.{index}": f"{value!r} is listed twice"})
        seen.add(fold(value))
        cleaned.append(value)
    if field_type == "choice" and not cleaned:
        raise InvalidInputError({"choices": "a choice field needs at least one choice"})
    if field_type != "choice" and cleaned:
        raise InvalidInputError({"choices": "only choice fields have choices"})
    return cleaned


def _clean_label(label: str) -> str:
    cleaned = clean(label, 120, "label")
    if not cleaned:
        raise InvalidInputError({"label": "a field needs a label"})
    return cleaned


async def define_custom_field(data: CustomFieldIn | Mapping[str, Any]) -> CustomFieldOut:
    """Define a new field (its key and type are fixed from then on)."""
    model = CustomFieldIn.model_validate(data)
    label = _clean_label(model.label)
    choices = _clean_choices(model.field_type, model.choices)
    help_text = clean(model.help_text, 300, "help_text") or ""
    async with unit_of_work():
        taken = await db.fetch_value("SELECT id FROM core_custom_field WHERE key = {}", model.key)
        if taken is not None:
            raise ConflictError(f"a custom field with key {model.key!r} already exists")
        await db.execute(
            "INSERT INTO core_custom_field (key, label, field_type, choices, required, "
            "help_text, max_length, position, active, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            model.key,
            label,
            model.field_type,
            json.dumps(choices),
            model.required,
            help_text,
            model.max_length,
            model.position,
            True,
            now(),
        )
        field = await get_custom_field(model.key)
        await audit.record_change("create", "custom_field", field.id, after=field.model_dump())
        await emit("custom_field.defined", {"field_id": field.id, "key": field.key})
    return field


async def update_custom_field(
    key: str, data: CustomFieldPatch | Mapping[str, Any]
) -> CustomFieldOut:
    """Change a field's label, choices, help, limits, position or whether it is active.

    A choice still used by some constituent cannot be removed.
    """
    changes = CustomFieldPatch.model_validate(data).model_dump(exclude_unset=True)
    async with unit_of_work():
        before = await get_custom_field(key)
        values = before.model_dump()
        for name in ("required", "max_length", "position", "active"):
            if changes.get(name) is not None:
                values[name] = changes[name]
        if changes.get("label") is not None:
            values["label"] = _clean_label(changes["label"])
        if "help_text" in changes:
            values["help_text"] = clean(changes["help_text"], 300, "help_text") or ""
        if changes.get("choices") is not None:
            values["choices"] = _clean_choices(before.field_type, changes["choices"])
            removed = sorted(set(before.choices) - set(values["choices"]))
            if removed:
                await _refuse_removing_used_choices(before.id, removed)
        await db.execute(
            "UPDATE core_custom_field SET label = {}, choices = {}, required = {}, "
            "help_text = {}, max_length = {}, position = {}, active = {} WHERE id = {}",
            values["label"],
            json.dumps(values["choices"]),
            values["required"],
            values["help_text"],
            values["max_length"],
            values["position"],
            values["active"],
            before.id,
        )
        after = await get_custom_field(key)
        await audit.record_change(
            "update",
            "custom_field",
            before.id,
            before=before.model_dump(),
            after=after.model_dump(),
        )
        await emit("custom_field.changed", {"field_id": before.id, "key": key})
    return after


async def _refuse_removing_used_choices(field_id: int, removed: list[str]) -> None:
    used = await db.fetch_all(
        "SELECT DISTINCT value FROM core_custom_value WHERE field_id = {} AND value IN ("
        + ", ".join("{}" for _ in removed)
        + ")",
        field_id,
        *removed,
    )
    if used:
        names = ", ".join(sorted(repr(r["value"]) for r in used))
        raise ConflictError(f"choices still in use cannot be removed: {names}")


async def list_custom_fields(
    *, include_inactive: bool = True, page: int = 1, per_page: int = 50
) -> CustomFieldPage:
    """Field definitions in display order (position, then key)."""
    limit, offset = page_window(page, per_page)
    where, args = "", []
    if not include_inactive:
        where, args = " WHERE active = {}", [True]
    total = await db.fetch_value("SELECT COUNT(*) AS n FROM core_custom_field" + where, *args)
    rows = await db.fetch_all(
        f"SELECT {FIELD_COLUMNS} FROM core_custom_field"
        + where
        + " ORDER BY position, key LIMIT {} OFFSET {}",
        *args,
        limit,
        offset,
    )
    return CustomFieldPage(
        items=[_field_out(r) for r in rows], total=int(total or 0), page=page, per_page=per_page
    )


# --- values -------------------------------------------------------------------------------
async def custom_values_of(
    constituent_id: int, *, include_inactive: bool = False
) -> dict[str, str | bool]:
    """The constituent's values by field key (active fields only unless asked)."""
    sql = (
        "SELECT f.key, f.field_type, v.value FROM core_custom_value v "
        "JOIN core_custom_field f ON f.id = v.field_id WHERE v.constituent_id = {}"
    )
    args: list[Any] = [constituent_id]
    if not include_inactive:
        sql += " AND f.active = {}"
        args.append(True)
    rows = await db.fetch_all(sql + " ORDER BY f.position, f.key", *args)
    return {r["key"]: typed_value(r["field_type"], r["value"]) for r in rows}


async def prepare_custom_values(
    values: Mapping[str, Any], errors: ErrorCollector, *, check_required: bool
) -> list[tuple[CustomFieldOut, str]]:
    """Validate values sent with a new constituent; problems go to ``errors``.

    With ``check_required`` every active required field must get a value.
    """
    fields = await active_fields()
    prepared: list[tuple[CustomFieldOut, str]] = []
    for key, raw in values.items():
        path = f"custom_fields.{key}"
        field = fields.get(key)
        if field is None:
            errors.add(path, "no active custom field has this key")
            continue
        try:
            canonical = canonical_value(field, raw, path)
        except InvalidInputError as exc:
            errors.merge("", exc)
            continue
        if canonical is not None:
            prepared.append((field, canonical))
    if check_required:
        given = {field.key for field, _ in prepared}
        for key, field in fields.items():
            if field.required and key not in given:
                errors.add(f"custom_fields.{key}", "is required")
    return prepared


async def store_custom_value(constituent_id: int, field: CustomFieldOut, value: str | None) -> None:
    """Write (or with None delete) one value inside the caller's unit of work, audited."""
    before = await db.fetch_value(
        "SELECT value FROM core_custom_value WHERE constituent_id = {} AND field_id = {}",
        constituent_id,
        field.id,
    )
    if before == value:
        return
    if value is None:
        await db.execute(
            "DELETE FROM core_custom_value WHERE constituent_id = {} AND field_id = {}",
            constituent_id,
            field.id,
        )
    else:
        await db.execute(
            "INSERT INTO core_custom_value (constituent_id, field_id, value, updated_at) "
            "VALUES ({}, {}, {}, {}) ON CONFLICT (constituent_id, field_id) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            constituent_id,
            field.id,
            value,
            now(),
        )
    await audit.record_change(
        "update" if value is not None else "delete",
        "custom_value",
        f"{constituent_id}:{field.key}",
        before=None if before is None else {"key": field.key, "value": before},
        after=None if value is None else {"key": field.key, "value": value},
        constituent_id=constituent_id,
    )
    event = "custom_value.set" if value is not None else "custom_value.cleared"
    await emit(event, {"constituent_id": constituent_id, "key": field.key})


async def set_custom_value(constituent_id: int, key: str, raw: Any) -> dict[str, str | bool]:
    """Set (or with ``None`` clear) a constituent's value; returns all its values."""
    async with unit_of_work():
        await fetch_constituent(constituent_id, lock=True)
        field = await get_custom_field(key)
        if not field.active:
            raise ConflictError(f"the custom field {key!r} is inactive")
        value = canonical_value(field, raw, "value")
        if value is None and field.required:
            raise InvalidInputError({"value": "is required and cannot be cleared"})
        await store_custom_value(constituent_id, field, value)
        await touch(constituent_id)
    return await custom_values_of(constituent_id)


__all__ = [
    "active_fields",
    "canonical_value",
    "custom_values_of",
    "define_custom_field",
    "get_custom_field",
    "list_custom_fields",
    "prepare_custom_values",
    "set_custom_value",
    "store_custom_value",
    "typed_value",
    "update_custom_field",
]

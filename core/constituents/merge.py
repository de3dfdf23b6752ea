"""Merging two constituent records, with a history of merges and an undo.

:func:`merge_constituents` folds a duplicate (``merged_id``) into the record that stays
(``survivor_id``) inside one unit of work: chosen and empty fields, contact details, tags,
custom values, relationships, households, consent, then every enabled plugin's
``steward_constituent_merge``; any exception rolls the whole merge back. The merged record is
soft-deleted with ``merged_into_id`` set.

There is no merge table: the audit entry of the merge (action ``merge``, entity
``constituent_merge``, its id is the merge id) holds the undo snapshot: which rows moved,
which rows were removed as repeats, and the survivor's values before. :func:`undo_merge`
reverses core's own part from it, including the interactions moved by the interactions
plugin (whose audit entry lists them). What each plugin's ``steward_constituent_merge``
returned is kept in the snapshot (``plugin_snapshots``) and handed to its
``steward_constituent_unmerge`` on undo; a plugin whose merge hook ran but that has no
unmerge hook is named in the undo's ``plugins_not_reversed``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from core import audit, db
from core.constituents.common import (
    audit_snapshot,
    fetch_constituent,
    now,
    refresh_derived,
)
from core.constituents.contacts import ADDRESS, EMAIL, PHONE, ContactKind
from core.constituents.names import NameParts, computed_names
from core.constituents.relations import repoint_relations
from core.constituents.relations_common import lock_constituents
from core.constituents.schemas import ConstituentDetail
from core.constituents.service import RECORD_FIELDS, get_constituent, was_erased
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.plugins.registry import current_registry

MERGE_ENTITY = "constituent_merge"
MERGE_HOOK = "steward_constituent_merge"
UNMERGE_HOOK = "steward_constituent_unmerge"
# Plugins whose merge hook this module knows how to reverse.
REVERSIBLE_PLUGINS = frozenset({"interactions"})
NAME_FIELDS = (
    "prefix",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "preferred_name",
    "organisation_name",
    "household_name",
)
# Scalar fields a merge may take from the merged record (chosen, or when the survivor's is empty).
CHOOSABLE_FIELDS = (*NAME_FIELDS, "lifecycle_stage", "birth_date", "notes")
CUSTOM_PREFIX = "custom_fields."
DATE_FIELDS = frozenset({"birth_date"})
# What makes two contact rows of one constituent the same detail.
SAME_CONTACT: dict[str, tuple[str, ...]] = {
    "core_email": ("email",),
    "core_phone": ("digits",),
    "core_address": ("line1", "line2", "line3", "city", "region", "postcode", "country"),
}


class MergeResult(BaseModel):
    """The survivor after a merge and the merge's id (for its undo)."""

    merge_id: int
    survivor: ConstituentDetail


class MergeHistoryItem(BaseModel):
    """One merge into a constituent: who, when, and whether it was undone."""

    merge_id: int
    survivor_id: int
    merged_id: int
    merged_display_name: str | None
    merged_at: datetime
    merged_by: str | None
    undone: bool
    undone_at: datetime | None = None
    undone_by: str | None = None


class UndoResult(BaseModel):
    """What an undo restored, and which plugins' merge work it could not reverse."""

    merge_id: int
    survivor_id: int
    merged_id: int
    restored: ConstituentDetail
    plugins_not_reversed: list[str]
    fields_not_restored: list[str]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _same_value(a: Any, b: Any) -> bool:
    return _plain(a) == _plain(b)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _empty(value: Any) -> bool:
    return value is None or value == ""


async def merge_hook_plugins(hook_name: str = MERGE_HOOK) -> list[str]:
    """Enabled plugins implementing ``hook_name`` (the merge hook by default), in call order."""
    registry = current_registry()
    await registry.state.refresh_if_stale()
    order = {m.name: i for i, m in enumerate(registry.manifests)}
    names = {
        name
        for impl in getattr(registry.pm.hook, hook_name).get_hookimpls()
        if (name := registry.pm.get_name(impl.plugin)) in order and registry.is_active(name)
    }
    return sorted(names, key=lambda n: order[n])


# -- validation ------------------------------------------------------------------------------


async def _check_choices(choices: dict[str, str]) -> dict[str, int]:
    """Validate ``field_choices``; returns the chosen custom fields' ids by key."""
    errors: dict[str, str] = {}
    custom: dict[str, int] = {}
    for key, choice in choices.items():
        where = f"field_choices.{key}"
        if choice not in ("survivor", "merged"):
            errors[where] = "must be 'survivor' or 'merged'"
        elif key.startswith(CUSTOM_PREFIX):
            field_key = key.removeprefix(CUSTOM_PREFIX)
            field_id = await db.fetch_value(
                "SELECT id FROM core_custom_field WHERE key = {}", field_key
            )
            if field_id is None:
                errors[where] = f"no custom field with key {field_key!r}"
            elif choice == "merged":
                custom[field_key] = int(field_id)
        elif key not in CHOOSABLE_FIELDS:
            errors[where] = (
                f"cannot be chosen; choose among {', '.join(CHOOSABLE_FIELDS)} "
                f"or {CUSTOM_PREFIX}<key>"
            )
    if errors:
        raise InvalidInputError(errors)
    return custom


def _check_pair(survivor: dict[str, Any], merged: dict[str, Any]) -> None:
    if survivor["kind"] != merged["kind"]:
        raise InvalidInputError(
            {
                "merged_id": f"constituent {merged['id']} is a {merged['kind']} and "
                f"{survivor['id']} is a {survivor['kind']}: only records of the same kind merge"
            }
        )


async def _load_pair(survivor_id: int, merged_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    if survivor_id == merged_id:
        raise InvalidInputError({"merged_id": "cannot merge a constituent into itself"})
    await lock_constituents([survivor_id, merged_id])
    survivor = await fetch_constituent(survivor_id, lock=True)
    try:
        merged = await fetch_constituent(merged_id, lock=True)
    except NotFoundError as exc:
        raise InvalidInputError(
            {"merged_id": f"no constituent with id {merged_id} (or it was deleted)"}
        ) from exc
    _check_pair(survivor, merged)
    return survivor, merged


# -- the merge -------------------------------------------------------------------------------


async def _merge_fields(
    survivor: dict[str, Any], merged: dict[str, Any], choices: dict[str, str]
) -> dict[str, Any]:
    """Take chosen and missing fields from the merged record; returns the old values."""
    values = {f: survivor[f] for f in RECORD_FIELDS}
    for field in CHOOSABLE_FIELDS:
        chosen = choices.get(field) == "merged"
        if chosen or (_empty(values[field]) and not _empty(merged[field])):
            values[field] = merged[field]
    parts = NameParts(kind=survivor["kind"], **{f: values[f] for f in NAME_FIELDS})
    try:
        names = computed_names(parts)
    except InvalidInputError as exc:
        raise InvalidInputError({f"field_choices.{k}": m for k, m in exc.errors.items()}) from exc
    values["display_name"], values["sort_name"] = names.display_name, names.sort_name
    changed = [f for f in RECORD_FIELDS if not _same_value(values[f], survivor[f])]
    if changed:
        assignments = ", ".join(f"{f} = {{}}" for f in changed)
        await db.execute(
            f"UPDATE core_constituent SET {assignments} WHERE id = {{}}",
            *(values[f] for f in changed),
            survivor["id"],
        )
    return {
        "before": {f: _plain(survivor[f]) for f in changed},
        "after": {f: _plain(values[f]) for f in changed},
    }


async def _move_contacts(kind: ContactKind, survivor_id: int, merged_id: int) -> list[Any]:
    """Move contact rows that the survivor lacks; returns ``[id, was_primary]`` pairs."""
    mine = await db.fetch_all(
        f"SELECT * FROM {kind.table} WHERE constituent_id = {{}}", survivor_id
    )
    theirs = await db.fetch_all(
        f"SELECT * FROM {kind.table} WHERE constituent_id = {{}} ORDER BY id", merged_id
    )
    key_columns = SAME_CONTACT[kind.table]
    seen = {tuple(r[c] for c in key_columns) for r in mine}
    has_primary = any(r["is_primary"] for r in mine)
    moved: list[Any] = []
    for row in theirs:
        signature = tuple(row[c] for c in key_columns)
        if signature in seen:
            continue
        seen.add(signature)
        moved.append([int(row["id"]), bool(row["is_primary"])])
    if len(mine) + len(moved) > kind.max_count:
        raise ConflictError(
            f"the merged record would have {len(mine) + len(moved)} {kind.plural}; "
            f"at most {kind.max_count} are allowed: remove some first"
        )
    for row_id, was_primary in moved:
        await db.execute(
            f"UPDATE {kind.table} SET constituent_id = {{}}, is_primary = {{}} WHERE id = {{}}",
            survivor_id,
            was_primary and not has_primary,
            row_id,
        )
    return moved


async def _move_tags(survivor_id: int, merged_id: int) -> list[int]:
    rows = await db.fetch_all(
        "SELECT id FROM core_constituent_tag WHERE constituent_id = {} AND tag_id NOT IN "
        "(SELECT tag_id FROM core_constituent_tag WHERE constituent_id = {}) ORDER BY id",
        merged_id,
        survivor_id,
    )
    moved = [int(r["id"]) for r in rows]
    for row_id in moved:
        await db.execute(
            "UPDATE core_constituent_tag SET constituent_id = {} WHERE id = {}", survivor_id, row_id
        )
    return moved


async def _move_custom_values(
    survivor_id: int, merged_id: int, chosen: dict[str, int]
) -> dict[str, Any]:
    """Move values the survivor lacks; overwrite chosen ones (old values kept for undo)."""
    rows = await db.fetch_all(
        "SELECT id, field_id, value FROM core_custom_value WHERE constituent_id = {} ORDER BY id",
        merged_id,
    )
    mine = {
        int(r["field_id"]): r
        for r in await db.fetch_all(
            "SELECT id, field_id, value FROM core_custom_value WHERE constituent_id = {}",
            survivor_id,
        )
    }
    chosen_ids = set(chosen.values())
    moved: list[int] = []
    overwritten: list[dict[str, Any]] = []
    for row in rows:
        field_id = int(row["field_id"])
        own = mine.get(field_id)
        if own is None:
            moved.append(int(row["id"]))
            await db.execute(
                "UPDATE core_custom_value SET constituent_id = {} WHERE id = {}",
                survivor_id,
                row["id"],
            )
        elif field_id in chosen_ids and own["value"] != row["value"]:
            overwritten.append({"id": int(own["id"]), "old": own["value"], "new": row["value"]})
            await db.execute(
                "UPDATE core_custom_value SET value = {}, updated_at = {} WHERE id = {}",
                row["value"],
                now(),
                own["id"],
            )
    return {"custom_values_moved": moved, "custom_values_overwritten": overwritten}


async def _moved_interactions(merged_id: int, after_audit_id: int) -> list[int]:
    """Interaction ids the interactions plugin's merge hook audited during this merge."""
    rows = await db.fetch_all(
        "SELECT after FROM core_audit_log WHERE id > {} AND action = {} AND entity_type = {} "
        "AND entity_id = {} ORDER BY id",
        after_audit_id,
        "merge",
        "interaction",
        f"constituent:{merged_id}",
    )
    ids: list[int] = []
    for row in rows:
        after = _json(row["after"])
        ids.extend(int(i) for i in (after or {}).get("interaction_ids", []))
    return ids


async def _last_audit_id() -> int:
    return int(await db.fetch_value("SELECT COALESCE(MAX(id), 0) AS n FROM core_audit_log") or 0)


async def merge_constituents(
    survivor_id: int, merged_id: int, field_choices: Mapping[str, str] | None = None
) -> MergeResult:
    """Fold ``merged_id`` into ``survivor_id``, all or nothing; see the module docstring.

    ``field_choices`` maps a field (one of :data:`CHOOSABLE_FIELDS`, or
    ``custom_fields.<key>``) to ``"survivor"`` or ``"merged"``. Without a choice the
    survivor's value wins and its empty fields are filled from the merged record.
    """
    choices = dict(field_choices or {})
    async with unit_of_work():
        survivor, merged = await _load_pair(survivor_id, merged_id)
        chosen_custom = await _check_choices(choices)
        snapshot: dict[str, Any] = {"survivor_id": survivor_id, "merged_id": merged_id}
        snapshot["fields"] = await _merge_fields(survivor, merged, choices)
        for kind in (EMAIL, PHONE, ADDRESS):
            snapshot[f"{kind.entity}s_moved"] = await _move_contacts(kind, survivor_id, merged_id)
        snapshot["tags_moved"] = await _move_tags(survivor_id, merged_id)
        snapshot.update(await _move_custom_values(survivor_id, merged_id, chosen_custom))
        snapshot["relations"] = await repoint_relations(survivor_id, merged_id)
        marker = await _last_audit_id()
        snapshot["plugins_called"] = await merge_hook_plugins()
        answers = await current_registry().call_each(
            MERGE_HOOK, isolate=False, survivor_id=survivor_id, merged_id=merged_id
        )
        snapshot["plugin_snapshots"] = {answer.plugin: answer.value for answer in answers}
        snapshot["interactions_moved"] = await _moved_interactions(merged_id, marker)
        stamp = now()
        await db.execute(
            "UPDATE core_constituent SET deleted_at = {}, merged_into_id = {}, updated_at = {} "
            "WHERE id = {}",
            stamp,
            survivor_id,
            stamp,
            merged_id,
        )
        await refresh_derived(survivor_id)
        await refresh_derived(merged_id)
        await audit.record_change(
            "merge", MERGE_ENTITY, merged_id, after=snapshot, constituent_id=survivor_id
        )
        merge_id = int(
            await db.fetch_value(
                "SELECT MAX(id) AS n FROM core_audit_log WHERE action = {} AND entity_type = {} "
                "AND entity_id = {}",
                "merge",
                MERGE_ENTITY,
                str(merged_id),
            )
        )
        after = await fetch_constituent(survivor_id)
        await audit.record_change(
            "merge",
            "constituent",
            survivor_id,
            before=audit_snapshot(survivor),
            after={**audit_snapshot(after), "merge_id": merge_id, "merged_id": merged_id},
            constituent_id=survivor_id,
        )
        await audit.record_change(
            "merge",
            "constituent",
            merged_id,
            before={"deleted_at": None, "merged_into_id": None},
            after={"deleted_at": stamp, "merged_into_id": survivor_id, "merge_id": merge_id},
            constituent_id=merged_id,
        )
        await emit(
            "constituent.merged",
            {"survivor_id": survivor_id, "merged_id": merged_id, "merge_id": merge_id},
        )
        detail = await get_constituent(survivor_id)
    return MergeResult(merge_id=merge_id, survivor=detail)


# -- history ---------------------------------------------------------------------------------


def _undo_rows_by_merge(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    undone: dict[int, dict[str, Any]] = {}
    for row in rows:
        undone.setdefault(int(row["entity_id"]), row)
    return undone


async def merge_history(constituent_id: int) -> list[MergeHistoryItem]:
    """Merges into ``constituent_id``, newest first, each marked undone or not."""
    await fetch_constituent(constituent_id, include_deleted=True)
    rows = await db.fetch_all(
        "SELECT id, entity_id, occurred_at, actor_label FROM core_audit_log "
        "WHERE action = {} AND entity_type = {} AND constituent_id = {} ORDER BY id DESC",
        "merge",
        MERGE_ENTITY,
        constituent_id,
    )
    names: dict[int, str] = {}
    for merged_id in {int(r["entity_id"]) for r in rows}:
        name = await db.fetch_value(
            "SELECT display_name FROM core_constituent WHERE id = {}", merged_id
        )
        if name is not None:
            names[merged_id] = str(name)
    undos = _undo_rows_by_merge(
        await db.fetch_all(
            "SELECT entity_id, occurred_at, actor_label FROM core_audit_log "
            "WHERE action = {} AND entity_type = {} AND constituent_id = {} ORDER BY id",
            "unmerge",
            MERGE_ENTITY,
            constituent_id,
        )
    )
    items = []
    for row in rows:
        undo = undos.get(int(row["id"]))
        merged_id = int(row["entity_id"])
        items.append(
            MergeHistoryItem(
                merge_id=int(row["id"]),
                survivor_id=constituent_id,
                merged_id=merged_id,
                merged_display_name=names.get(merged_id),
                merged_at=row["occurred_at"],
                merged_by=row["actor_label"],
                undone=undo is not None,
                undone_at=undo["occurred_at"] if undo else None,
                undone_by=undo["actor_label"] if undo else None,
            )
        )
    return items


# -- undo ------------------------------------------------------------------------------------


async def _load_merge(merge_id: int) -> dict[str, Any]:
    row = await db.fetch_one(
        "SELECT id, entity_id, constituent_id, after, redacted FROM core_audit_log "
        "WHERE id = {} AND action = {} AND entity_type = {}",
        merge_id,
        "merge",
        MERGE_ENTITY,
    )
    if row is None:
        raise NotFoundError(f"no merge with id {merge_id}")
    snapshot = _json(row["after"]) or {}
    if row["redacted"] or "survivor_id" not in snapshot:
        raise ConflictError(
            f"merge {merge_id} cannot be undone: its history was redacted by an erasure"
        )
    return dict(snapshot)


async def _check_undoable(merge_id: int, survivor_id: int, merged_id: int) -> None:
    undone = await db.fetch_value(
        "SELECT id FROM core_audit_log WHERE action = {} AND entity_type = {} AND entity_id = {}",
        "unmerge",
        MERGE_ENTITY,
        str(merge_id),
    )
    if undone is not None:
        raise ConflictError(f"merge {merge_id} was already undone")
    await lock_constituents([survivor_id, merged_id])
    merged = await fetch_constituent(merged_id, include_deleted=True, lock=True)
    if merged["merged_into_id"] != survivor_id or merged["deleted_at"] is None:
        raise ConflictError(
            f"constituent {merged_id} is no longer merged into {survivor_id}; "
            "the merge cannot be undone"
        )
    for constituent_id in (merged_id, survivor_id):
        if await was_erased(constituent_id):
            raise ConflictError(
                f"constituent {constituent_id} was erased; the merge cannot be undone"
            )
    try:
        await fetch_constituent(survivor_id, lock=True)
    except NotFoundError as exc:
        raise ConflictError(
            f"constituent {survivor_id} was deleted or merged since; restore it or undo that first"
        ) from exc


async def _restore_fields(survivor_id: int, fields: dict[str, Any]) -> list[str]:
    """Put back the survivor's old values, except those edited since; returns those kept."""
    current = await fetch_constituent(survivor_id)
    restore, kept = {}, []
    for field, old in fields.get("before", {}).items():
        if _same_value(current[field], fields["after"].get(field)):
            restore[field] = date.fromisoformat(old) if old and field in DATE_FIELDS else old
        else:
            kept.append(field)
    if restore:
        assignments = ", ".join(f"{f} = {{}}" for f in restore)
        await db.execute(
            f"UPDATE core_constituent SET {assignments} WHERE id = {{}}",
            *restore.values(),
            survivor_id,
        )
    return sorted(kept)


async def _move_back(table: str, ids: list[int], survivor_id: int, merged_id: int) -> None:
    for row_id in ids:
        await db.execute(
            f"UPDATE {table} SET constituent_id = {{}} WHERE id = {{}} AND constituent_id = {{}}",
            merged_id,
            row_id,
            survivor_id,
        )


async def _restore_contacts(snapshot: dict[str, Any], survivor_id: int, merged_id: int) -> None:
    for kind in (EMAIL, PHONE, ADDRESS):
        for row_id, was_primary in snapshot.get(f"{kind.entity}s_moved", []):
            await db.execute(
                f"UPDATE {kind.table} SET constituent_id = {{}}, is_primary = {{}} "
                "WHERE id = {} AND constituent_id = {}",
                merged_id,
                bool(was_primary),
                row_id,
                survivor_id,
            )
    await _move_back("core_constituent_tag", snapshot.get("tags_moved", []), survivor_id, merged_id)
    await _move_back(
        "core_custom_value", snapshot.get("custom_values_moved", []), survivor_id, merged_id
    )
    for item in snapshot.get("custom_values_overwritten", []):
        await db.execute(
            "UPDATE core_custom_value SET value = {}, updated_at = {} WHERE id = {} AND value = {}",
            item["old"],
            now(),
            item["id"],
            item["new"],
        )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def _reverse_relations(report: dict[str, Any], survivor_id: int, merged_id: int) -> None:
    """Undo :func:`core.constituents.relations.repoint_relations` from its report."""
    for row_id in report.get("relationships_moved", []):
        for column in ("constituent_a_id", "constituent_b_id"):
            await db.execute(
                f"UPDATE core_relationship SET {column} = {{}} WHERE id = {{}} AND {column} = {{}}",
                merged_id,
                row_id,
                survivor_id,
            )
    for row in report.get("relationships_removed", []):
        await db.execute(
            "INSERT INTO core_relationship (id, type_id, constituent_a_id, constituent_b_id, "
            "start_date, end_date, notes, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            row["id"],
            row["type_id"],
            row["constituent_a_id"],
            row["constituent_b_id"],
            _day(row["start_date"]),
            _day(row["end_date"]),
            row["notes"],
            _instant(row["created_at"]),
        )
    for row_id in report.get("memberships_moved", []):
        for column in ("member_id", "household_id"):
            await db.execute(
                f"UPDATE core_household_member SET {column} = {{}} "
                f"WHERE id = {{}} AND {column} = {{}}",
                merged_id,
                row_id,
                survivor_id,
            )
    for row_id in report.get("memberships_closed", []):
        await db.execute(
            "UPDATE core_household_member SET left_on = {} WHERE id = {}", None, row_id
        )
    for row in report.get("memberships_removed", []):
        await db.execute(
            "INSERT INTO core_household_member (id, household_id, member_id, role, "
            "is_primary_contact, joined_on, left_on, created_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            row["id"],
            row["household_id"],
            row["member_id"],
            row["role"],
            row["is_primary_contact"],
            _day(row["joined_on"]),
            _day(row["left_on"]),
            _instant(row["created_at"]),
        )
    for row_id in report.get("primary_contacts_unset", []):
        await db.execute(
            "UPDATE core_household_member SET is_primary_contact = {} WHERE id = {}", True, row_id
        )
    await _move_back("core_consent", report.get("consent_moved", []), survivor_id, merged_id)
    await _move_back(
        "core_contact_block", report.get("contact_blocks_moved", []), survivor_id, merged_id
    )


async def undo_merge(merge_id: int) -> UndoResult:
    """Reverse a merge's core part and bring the merged record back, all or nothing.

    Refused (:class:`ConflictError`) once undone, when either record was erased, when the
    merged record is no longer merged into the survivor, or when the survivor is gone.
    Survivor fields edited since the merge keep their new values (``fields_not_restored``).
    Plugins whose merge hook ran and that have no ``steward_constituent_unmerge`` (other
    than ``interactions``, reversed here) are named in ``plugins_not_reversed``: their rows
    stay with the survivor.
    """
    async with unit_of_work():
        snapshot = await _load_merge(merge_id)
        survivor_id, merged_id = int(snapshot["survivor_id"]), int(snapshot["merged_id"])
        await _check_undoable(merge_id, survivor_id, merged_id)
        kept = await _restore_fields(survivor_id, snapshot.get("fields", {}))
        await _restore_contacts(snapshot, survivor_id, merged_id)
        await _reverse_relations(snapshot.get("relations", {}), survivor_id, merged_id)
        await _move_back(
            "core_interaction", snapshot.get("interactions_moved", []), survivor_id, merged_id
        )
        stamp = now()
        await db.execute(
            "UPDATE core_constituent SET deleted_at = {}, merged_into_id = {}, updated_at = {} "
            "WHERE id = {}",
            None,
            None,
            stamp,
            merged_id,
        )
        # Plugins reverse their part once both records are live again.
        reversed_by_hook = await merge_hook_plugins(UNMERGE_HOOK)
        await current_registry().call_each(
            UNMERGE_HOOK,
            isolate=False,
            survivor_id=survivor_id,
            merged_id=merged_id,
            snapshots=snapshot.get("plugin_snapshots", {}),
        )
        not_reversed = [
            p
            for p in snapshot.get("plugins_called", [])
            if p not in REVERSIBLE_PLUGINS and p not in reversed_by_hook
        ]
        await refresh_derived(survivor_id)
        await refresh_derived(merged_id)
        outcome = {
            "merge_id": merge_id,
            "survivor_id": survivor_id,
            "merged_id": merged_id,
            "plugins_not_reversed": not_reversed,
            "fields_not_restored": kept,
        }
        await audit.record_change(
            "unmerge", MERGE_ENTITY, merge_id, after=outcome, constituent_id=survivor_id
        )
        for constituent_id in (survivor_id, merged_id):
            await audit.record_change(
                "unmerge",
                "constituent",
                constituent_id,
                after=outcome,
                constituent_id=constituent_id,
            )
        await emit("constituent.unmerged", outcome)
        restored = await get_constituent(merged_id)
    return UndoResult(
        merge_id=merge_id,
        survivor_id=survivor_id,
        merged_id=merged_id,
        restored=restored,
        plugins_not_reversed=not_reversed,
        fields_not_restored=kept,
    )

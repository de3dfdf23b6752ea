"""The audit log: every state change, with who, when, and the record before and after.

Services call :func:`record_change` inside their transaction, so the audit entry commits or
rolls back with the change itself, whichever path (API, admin, CLI, plugin) caused it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from core import db
from core.context import current_actor, current_request_id

REDACTED = {"redacted": True}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def _dump(record: Mapping[str, Any] | None) -> str | None:
    return None if record is None else json.dumps(_jsonable(record), sort_keys=True)


def changed_fields(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, tuple[Any, Any]]:
    """Fields whose values differ between two snapshots."""
    old, new = before or {}, after or {}
    return {
        key: (old.get(key), new.get(key))
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


async def record_change(
    action: str,
    entity_type: str,
    entity_id: object,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    constituent_id: int | None = None,
) -> None:
    """Write one audit entry for the current actor.

    :param action: ``create``, ``update``, ``delete``, ``merge`` or a domain verb.
    :param constituent_id: the person the data is about, so erasure can redact it.
    """
    actor = current_actor()
    await db.execute(
        "INSERT INTO core_audit_log (occurred_at, actor_kind, actor_id, actor_label, action, "
        "entity_type, entity_id, constituent_id, before, after, request_id, redacted) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        datetime.now(UTC),
        actor.kind,
        actor.id,
        actor.label,
        action,
        entity_type,
        str(entity_id),
        constituent_id,
        _dump(before),
        _dump(after),
        current_request_id(),
        False,
    )


async def redact_constituent(constituent_id: int) -> int:
    """Replace the before/after data of every entry about a constituent; returns the count."""
    count = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_audit_log WHERE constituent_id = {} AND redacted = {}",
        constituent_id,
        False,
    )
    await db.execute(
        "UPDATE core_audit_log SET before = {}, after = {}, redacted = {} "
        "WHERE constituent_id = {}",
        None,
        _dump(REDACTED),
        True,
        constituent_id,
    )
    return int(count or 0)


async def entries_for(
    *,
    entity_type: str | None = None,
    entity_id: object | None = None,
    constituent_id: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Most recent audit entries matching the filters, newest first."""
    conditions: list[str] = ["1 = 1"]
    args: list[Any] = []
    if entity_type is not None:
        conditions.append("entity_type = {}")
        args.append(entity_type)
    if entity_id is not None:
        conditions.append("entity_id = {}")
        args.append(str(entity_id))
    if constituent_id is not None:
        conditions.append("constituent_id = {}")
        args.append(constituent_id)
    rows = await db.fetch_all(
        "SELECT * FROM core_audit_log WHERE "
        + " AND ".join(conditions)
        + " ORDER BY id DESC LIMIT {}",
        *args,
        limit,
    )
    for row in rows:
        for key in ("before", "after"):
            if isinstance(row[key], str):
                row[key] = json.loads(row[key])
    return rows

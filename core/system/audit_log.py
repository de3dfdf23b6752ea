"""Searching the audit log: filters, pages and a field-by-field diff of each entry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core import audit, db
from core.auth.listing import like_pattern
from core.clock import as_utc
from core.pagination import Page, offset_of


@dataclass(frozen=True)
class AuditFilters:
    """What to look for; every field is optional. Dates are in the organisation's zone."""

    entity_type: str | None = None
    entity_id: str | None = None
    actor: str | None = None  # part of the actor's label (an email for staff)
    action: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry: its value before and after."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditRow:
    """An audit entry with its changes laid out field by field."""

    id: int
    occurred_at: datetime
    actor_kind: str
    actor_label: str
    action: str
    entity_type: str
    entity_id: str
    constituent_id: int | None
    redacted: bool
    changes: list[FieldChange]


def _decoded(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def diff(before: Any, after: Any) -> list[FieldChange]:
    """The fields that differ (all fields for a create or delete)."""
    old = before if isinstance(before, dict) else ({} if before is None else {"value": before})
    new = after if isinstance(after, dict) else ({} if after is None else {"value": after})
    return [
        FieldChange(name, old_value, new_value)
        for name, (old_value, new_value) in audit.changed_fields(old, new).items()
    ]


def _where(filters: AuditFilters, zone: ZoneInfo) -> tuple[str, list[Any]]:
    conditions: list[str] = ["1 = 1"]
    args: list[Any] = []
    if filters.entity_type:
        conditions.append("entity_type = {}")
        args.append(filters.entity_type)
    if filters.entity_id:
        conditions.append("entity_id = {}")
        args.append(filters.entity_id)
    if filters.action:
        conditions.append("action = {}")
        args.append(filters.action)
    if filters.actor:
        conditions.append("LOWER(actor_label) LIKE {} ESCAPE '\\'")
        args.append(like_pattern(filters.actor))
    if filters.since:
        conditions.append("occurred_at >= {}")
        args.append(as_utc(datetime.combine(filters.since, time(), zone)))
    if filters.until:
        conditions.append("occurred_at < {}")
        args.append(as_utc(datetime.combine(filters.until + timedelta(days=1), time(), zone)))
    return " AND ".join(conditions), args


async def search_audit(
    filters: AuditFilters, zone: ZoneInfo, *, page: int = 1, per_page: int = 50
) -> Page[AuditRow]:
    """A page of entries matching the filters, newest first."""
    offset = offset_of(page, per_page)
    where, args = _where(filters, zone)
    total = await db.fetch_value(f"SELECT COUNT(*) AS n FROM core_audit_log WHERE {where}", *args)
    rows = await db.fetch_all(
        "SELECT id, occurred_at, actor_kind, actor_label, action, entity_type, entity_id, "
        f"constituent_id, before, after, redacted FROM core_audit_log WHERE {where} "
        "ORDER BY id DESC LIMIT {} OFFSET {}",
        *args,
        per_page,
        offset,
    )
    items = [
        AuditRow(
            id=int(row["id"]),
            occurred_at=as_utc(row["occurred_at"]),
            actor_kind=str(row["actor_kind"]),
            actor_label=str(row["actor_label"]),
            action=str(row["action"]),
            entity_type=str(row["entity_type"]),
            entity_id=str(row["entity_id"]),
            constituent_id=row["constituent_id"],
            redacted=bool(row["redacted"]),
            changes=diff(_decoded(row["before"]), _decoded(row["after"])),
        )
        for row in rows
    ]
    return Page(items=items, total=int(total or 0), page=page, per_page=per_page)


async def distinct_values(column: str) -> list[str]:
    """The values in use for ``entity_type`` or ``action`` (for filter menus)."""
    if column not in {"entity_type", "action"}:
        raise ValueError(f"not a filterable column: {column}")
    rows = await db.fetch_all(
        f"SELECT DISTINCT {column} AS v FROM core_audit_log ORDER BY {column} LIMIT 500"
    )
    return [str(r["v"]) for r in rows]

"""A constituent's change history: the audit entries about them, newest first, in pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core import audit, db
from core.constituents.relations_common import as_instant, utc_now
from core.pagination import Page, offset_of


@dataclass(frozen=True)
class HistoryEntry:
    """One audit entry about a constituent, with the fields it changed."""

    id: int
    occurred_at: datetime
    actor_label: str
    action: str
    entity_type: str
    entity_id: str
    redacted: bool
    changes: dict[str, tuple[Any, Any]]


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _entry(row: dict[str, Any]) -> HistoryEntry:
    before, after = _decoded(row["before"]), _decoded(row["after"])
    redacted = bool(row["redacted"])
    changes: dict[str, tuple[Any, Any]] = {}
    if not redacted and (isinstance(before, dict) or isinstance(after, dict)):
        changes = audit.changed_fields(
            before if isinstance(before, dict) else None,
            after if isinstance(after, dict) else None,
        )
    return HistoryEntry(
        id=int(row["id"]),
        occurred_at=as_instant(row["occurred_at"]) or utc_now(),
        actor_label=str(row["actor_label"]),
        action=str(row["action"]),
        entity_type=str(row["entity_type"]),
        entity_id=str(row["entity_id"]),
        redacted=redacted,
        changes=changes,
    )


async def constituent_history(
    constituent_id: int, *, page: int = 1, per_page: int = 20
) -> Page[HistoryEntry]:
    """A page of the audit entries about a constituent (``constituent_id``), newest first."""
    offset = offset_of(page, per_page)
    total = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_audit_log WHERE constituent_id = {}", constituent_id
    )
    rows = await db.fetch_all(
        "SELECT id, occurred_at, actor_label, action, entity_type, entity_id, before, after, "
        "redacted FROM core_audit_log WHERE constituent_id = {} ORDER BY id DESC "
        "LIMIT {} OFFSET {}",
        constituent_id,
        per_page,
        offset,
    )
    return Page([_entry(r) for r in rows], int(total or 0), page, per_page)

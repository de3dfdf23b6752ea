"""Requests from the portal that staff decide: identity changes and erasure.

A constituent has at most one pending request of each kind; a new identity change replaces
the pending one. Staff approve or reject them on ``/admin/portal-requests/``. Approving an
identity change applies it through the constituents service (audited as the staff user);
approving an erasure runs :func:`core.constituents.privacy.erase_personal_data` and keeps
its report (what each plugin erased and what legal retention keeps) on the request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from core import audit, db
from core.constituents.privacy import erase_personal_data
from core.constituents.relations_common import actor_label
from core.constituents.service import update_constituent
from core.errors import ConflictError, NotFoundError
from core.events import emit, unit_of_work
from core.plugins.types import EventType

KINDS = ("identity", "erasure")
_TABLES = {"identity": "portal_change_request", "erasure": "portal_erasure_request"}
MAX_NOTE = 2000

EVENT_TYPES = [
    EventType("portal.signed_in", "A constituent signed in to the portal", order=80),
    EventType(
        "portal.change_requested", "A constituent asked to change identity details", order=81
    ),
    EventType(
        "portal.erasure_requested", "A constituent asked for their data to be erased", order=82
    ),
    EventType("portal.request_decided", "Staff approved or rejected a portal request", order=83),
]


@dataclass(frozen=True)
class PortalRequest:
    """An identity change or erasure request, with the constituent's current name."""

    id: int
    kind: str
    constituent_id: int
    constituent_name: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str
    note: str
    changes: dict[str, Any]
    reason: str
    result: dict[str, Any]


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value if isinstance(value, dict) else {}


def _request(kind: str, row: dict[str, Any]) -> PortalRequest:
    return PortalRequest(
        id=int(row["id"]),
        kind=kind,
        constituent_id=int(row["constituent_id"]),
        constituent_name=row.get("constituent_name") or "",
        status=row["status"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        decided_by=row["decided_by"] or "",
        note=row["note"] or "",
        changes=_json(row.get("changes")) if kind == "identity" else {},
        reason=row.get("reason") or "",
        result=_json(row.get("result")) if kind == "erasure" else {},
    )


def _select(kind: str) -> str:
    return (
        f"SELECT r.*, c.display_name AS constituent_name FROM {_TABLES[kind]} r "
        "LEFT JOIN core_constituent c ON c.id = r.constituent_id "
    )


async def get_request(kind: str, request_id: int) -> PortalRequest:
    """One request; :class:`NotFoundError` when there is none."""
    if kind not in KINDS:
        raise NotFoundError(f"no {kind} request")
    row = await db.fetch_one(_select(kind) + "WHERE r.id = {}", request_id)
    if row is None:
        raise NotFoundError(f"no {kind} request {request_id}")
    return _request(kind, row)


async def list_requests(
    kind: str, *, status: str = "pending", limit: int = 200
) -> list[PortalRequest]:
    """Requests of one kind and status, oldest first (pending) or newest first (decided)."""
    order = "r.created_at, r.id" if status == "pending" else "r.decided_at DESC, r.id DESC"
    rows = await db.fetch_all(
        _select(kind) + f"WHERE r.status = {{}} ORDER BY {order} LIMIT {{}}", status, limit
    )
    return [_request(kind, r) for r in rows]


async def pending_for(kind: str, constituent_id: int) -> PortalRequest | None:
    """The constituent's pending request of ``kind``, if any."""
    row = await db.fetch_one(
        _select(kind) + "WHERE r.constituent_id = {} AND r.status = 'pending' ORDER BY r.id DESC",
        constituent_id,
    )
    return _request(kind, row) if row else None


async def queue_identity_change(constituent_id: int, changes: dict[str, dict[str, Any]]) -> int:
    """Queue identity changes for staff review, replacing a pending request; its id."""
    now = datetime.now(UTC)
    async with unit_of_work():
        pending = await pending_for("identity", constituent_id)
        if pending is not None:
            await db.execute(
                "UPDATE portal_change_request SET changes = {}, created_at = {} WHERE id = {}",
                json.dumps(changes),
                now,
                pending.id,
            )
            request_id = pending.id
        else:
            row = await db.fetch_one(
                "INSERT INTO portal_change_request (constituent_id, changes, status, created_at, "
                "decided_by, note) VALUES ({}, {}, 'pending', {}, '', '') RETURNING id",
                constituent_id,
                json.dumps(changes),
                now,
            )
            assert row is not None
            request_id = int(row["id"])
        await audit.record_change(
            "request",
            "portal_change_request",
            request_id,
            after={"changes": changes},
            constituent_id=constituent_id,
        )
        await emit(
            "portal.change_requested",
            {"constituent_id": constituent_id, "request_id": request_id},
        )
    return request_id


async def request_erasure(constituent_id: int, reason: str) -> int:
    """Queue an erasure request (one pending at a time); its id."""
    async with unit_of_work():
        pending = await pending_for("erasure", constituent_id)
        if pending is not None:
            return pending.id
        row = await db.fetch_one(
            "INSERT INTO portal_erasure_request (constituent_id, reason, status, created_at, "
            "decided_by, note, result) VALUES ({}, {}, 'pending', {}, '', '', {}) RETURNING id",
            constituent_id,
            reason.strip()[:MAX_NOTE],
            datetime.now(UTC),
            "{}",
        )
        assert row is not None
        request_id = int(row["id"])
        await audit.record_change(
            "request", "portal_erasure_request", request_id, constituent_id=constituent_id
        )
        await emit(
            "portal.erasure_requested",
            {"constituent_id": constituent_id, "request_id": request_id},
        )
    return request_id


async def _decide(
    kind: str, request_id: int, status: str, note: str, result: dict[str, Any] | None = None
) -> None:
    table = _TABLES[kind]
    extra = ", result = {}" if result is not None else ""
    args: list[Any] = [status, datetime.now(UTC), actor_label(), note.strip()[:MAX_NOTE]]
    if result is not None:
        args.append(json.dumps(result))
    await db.execute(
        f"UPDATE {table} SET status = {{}}, decided_at = {{}}, decided_by = {{}}, note = {{}}"
        f"{extra} WHERE id = {{}}",
        *args,
        request_id,
    )


async def _pending(kind: str, request_id: int) -> PortalRequest:
    request = await get_request(kind, request_id)
    if request.status != "pending":
        raise ConflictError(f"this request was already {request.status}")
    return request


def _identity_patch(changes: dict[str, Any]) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    for field, change in changes.items():
        value = change.get("new") if isinstance(change, dict) else None
        patch[field] = date.fromisoformat(value) if field == "birth_date" and value else value
    return patch


async def decide(kind: str, request_id: int, *, approve: bool, note: str = "") -> PortalRequest:
    """Approve (apply) or reject a pending request, as the current staff actor; audited."""
    async with unit_of_work():
        request = await _pending(kind, request_id)
        result: dict[str, Any] | None = None
        if approve and kind == "identity":
            await update_constituent(request.constituent_id, _identity_patch(request.changes))
        status = "approved" if approve else "rejected"
        if approve and kind == "erasure":
            erased = await erase_personal_data(request.constituent_id)
            result = erased.model_dump(mode="json")
            # The request is kept as proof it was honoured; the reason was personal data.
            await db.execute(
                "UPDATE portal_erasure_request SET reason = '' WHERE id = {}", request_id
            )
        await _decide(kind, request_id, status, note, result)
        await audit.record_change(
            status,
            _TABLES[kind],
            request_id,
            after={"status": status},
            constituent_id=request.constituent_id,
        )
        await emit(
            "portal.request_decided",
            {"kind": kind, "request_id": request_id, "status": status},
        )
    return await get_request(kind, request_id)

"""Roles: named sets of permissions. Built-in roles can be edited but not deleted.

A role's permissions are read on every request, so an edit applies at once to every session
and token of its members. Permissions must be declared by an active plugin (or be ``*``);
a permission a role already holds is kept on edit even if its plugin is switched off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core import audit, db
from core.auth.listing import order_by
from core.auth.permissions import (
    check_known,
    count_user_managers,
    ensure_user_managers_remain,
    parse_permissions,
)
from core.auth.token_cache import invalidate_token_principals
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import unit_of_work
from core.pagination import Page, offset_of

ROLE_NAME = re.compile(r"^[a-z][a-z0-9_.-]{1,59}$")
ROLE_SORTS = {"id": "id", "name": "name", "label": "label"}


@dataclass(frozen=True)
class RoleRecord:
    """A role as services return it, with how many users hold it."""

    id: int
    name: str
    label: str
    permissions: list[str]
    builtin: bool
    user_count: int


_SELECT = (
    "SELECT r.id, r.name, r.label, r.permissions, r.builtin, "
    "(SELECT COUNT(*) FROM core_user_role ur WHERE ur.role_id = r.id) AS user_count "
    "FROM core_role r"
)


def _record(row: dict[str, Any]) -> RoleRecord:
    return RoleRecord(
        id=int(row["id"]),
        name=str(row["name"]),
        label=str(row["label"]),
        permissions=sorted(parse_permissions(row["permissions"])),
        builtin=bool(row["builtin"]),
        user_count=int(row["user_count"] or 0),
    )


def _snapshot(role: RoleRecord) -> dict[str, Any]:
    return {"name": role.name, "label": role.label, "permissions": role.permissions}


async def get_role(name: str) -> RoleRecord:
    """One role by name, or NotFoundError."""
    row = await db.fetch_one(f"{_SELECT} WHERE r.name = {{}}", name)
    if row is None:
        raise NotFoundError(f"no role named {name!r}")
    return _record(row)


async def list_roles(*, page: int = 1, per_page: int = 50, sort: str = "name") -> Page[RoleRecord]:
    """A page of roles."""
    offset = offset_of(page, per_page)
    ordering = order_by(sort, {k: f"r.{v}" for k, v in ROLE_SORTS.items()}, tiebreak="r.id")
    total = await db.fetch_value("SELECT COUNT(*) AS n FROM core_role")
    rows = await db.fetch_all(
        f"{_SELECT} ORDER BY {ordering} LIMIT {{}} OFFSET {{}}",
        per_page,
        offset,
    )
    return Page(
        items=[_record(r) for r in rows], total=int(total or 0), page=page, per_page=per_page
    )


def _clean_label(label: str) -> str:
    cleaned = label.strip()
    if not cleaned:
        raise InvalidInputError({"label": "must not be blank"})
    return cleaned[:120]


async def create_role(name: str, label: str, permissions: Sequence[str]) -> RoleRecord:
    """Create a role; its permissions must all be known."""
    if not ROLE_NAME.match(name):
        raise InvalidInputError(
            {"name": "2-60 characters: lower-case letters, digits, '.', '_' or '-', "
             "starting with a letter"}
        )  # fmt: skip
    cleaned = _clean_label(label)
    granted = await check_known(permissions, "permissions")
    async with unit_of_work():
        if await db.fetch_one("SELECT id FROM core_role WHERE name = {}", name):
            raise ConflictError(f"a role named {name!r} already exists")
        await db.execute(
            "INSERT INTO core_role (name, label, permissions, builtin) VALUES ({}, {}, {}, {})",
            name,
            cleaned,
            json.dumps(granted),
            False,
        )
        role = await get_role(name)
        await audit.record_change("create", "role", role.id, after=_snapshot(role))
    return role


async def update_role(
    name: str, *, label: str | None = None, permissions: Sequence[str] | None = None
) -> RoleRecord:
    """Change a role's label and/or permissions (None leaves it as it is); audited."""
    cleaned = _clean_label(label) if label is not None else None
    async with unit_of_work():
        before = await get_role(name)
        managers_before = await count_user_managers()
        granted = before.permissions
        if permissions is not None:
            added = set(permissions) - set(before.permissions)
            await check_known(added, "permissions")
            granted = sorted(set(permissions))
        await db.execute(
            "UPDATE core_role SET label = {}, permissions = {} WHERE id = {}",
            cleaned or before.label,
            json.dumps(granted),
            before.id,
        )
        invalidate_token_principals()  # and again after commit, below
        after = await get_role(name)
        await ensure_user_managers_remain(managers_before)
        if audit.changed_fields(_snapshot(before), _snapshot(after)):
            await audit.record_change(
                "update", "role", before.id, before=_snapshot(before), after=_snapshot(after)
            )
    invalidate_token_principals()
    return after


async def delete_role(name: str) -> None:
    """Delete a custom role; its members lose it and their sessions are revoked."""
    async with unit_of_work():
        role = await get_role(name)
        if role.builtin:
            raise ConflictError(f"the built-in role {name!r} cannot be deleted")
        managers_before = await count_user_managers()
        await db.execute(
            "UPDATE core_session SET revoked_at = {} WHERE revoked_at IS NULL "
            "AND user_id IN (SELECT user_id FROM core_user_role WHERE role_id = {})",
            datetime.now(UTC),
            role.id,
        )
        await db.execute("DELETE FROM core_user_role WHERE role_id = {}", role.id)
        await db.execute("DELETE FROM core_role WHERE id = {}", role.id)
        invalidate_token_principals()  # and again after commit, below
        await ensure_user_managers_remain(managers_before)
        await audit.record_change("delete", "role", role.id, before=_snapshot(role))
    invalidate_token_principals()

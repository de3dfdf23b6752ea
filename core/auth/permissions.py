"""Which permissions exist, and the rule that someone must always be able to manage users."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from core import db
from core.auth.principal import ALL_PERMISSIONS
from core.errors import ConflictError, InvalidInputError
from core.plugins.registry import current_registry

MANAGE_USERS = "users.manage"


async def known_permissions() -> frozenset[str]:
    """Every permission declared by an active plugin through ``steward_permissions``, plus ``*``."""
    declared = await current_registry().collect("steward_permissions")
    return frozenset({ALL_PERMISSIONS, *(p.name for p in declared)})


async def check_known(permissions: Iterable[str], field: str) -> list[str]:
    """The sorted, de-duplicated permissions, or InvalidInputError naming the unknown ones."""
    wanted = sorted(set(permissions))
    unknown = [p for p in wanted if p not in await known_permissions()]
    if unknown:
        raise InvalidInputError({field: f"unknown permission(s): {', '.join(unknown)}"})
    return wanted


def parse_permissions(value: Any) -> list[str]:
    """A JSON column of permission names as a list (SQLite returns text, PostgreSQL may not)."""
    if isinstance(value, str):
        value = json.loads(value)
    return [str(p) for p in value or []]


async def count_user_managers() -> int:
    """Active users holding a role that grants ``users.manage`` (or ``*``)."""
    roles = await db.fetch_all("SELECT id, permissions FROM core_role")
    manager_roles = [
        int(r["id"])
        for r in roles
        if {ALL_PERMISSIONS, MANAGE_USERS} & set(parse_permissions(r["permissions"]))
    ]
    if not manager_roles:
        return 0
    placeholders = ", ".join("{}" for _ in manager_roles)
    value = await db.fetch_value(
        "SELECT COUNT(DISTINCT u.id) AS n FROM core_user u "
        "JOIN core_user_role ur ON ur.user_id = u.id "
        f"WHERE u.is_active = {{}} AND ur.role_id IN ({placeholders})",
        True,
        *manager_roles,
    )
    return int(value or 0)


async def ensure_user_managers_remain(before: int) -> None:
    """Inside a transaction, after a change: refuse it if it removed the last user manager.

    :param before: :func:`count_user_managers` taken before the change, so a database that
        never had a manager (a fresh install) is not blocked by this rule.
    """
    if before > 0 and await count_user_managers() == 0:
        raise ConflictError(
            "this change would leave no active user who can manage users "
            f"(a role granting {MANAGE_USERS!r} or '*')"
        )

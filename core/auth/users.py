"""Managing staff users: list, read, create, update and set passwords.

Deactivating a user or changing their roles revokes their sessions at once, so the next
request of a browser signed in as them must log in again (and gets a new session id). Their
API tokens are kept but refused while the account is inactive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core import audit, db
from core.auth import service
from core.auth.listing import like_pattern, order_by
from core.auth.passwords import hash_password, password_problem
from core.auth.permissions import count_user_managers, ensure_user_managers_remain
from core.auth.sessions import revoke_user_sessions
from core.auth.token_cache import invalidate_token_principals
from core.clock import as_utc_or_none
from core.errors import InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.pagination import Page, offset_of

LOCALES = ("en", "es")
USER_SORTS = {
    "id": "id",
    "email": "email",
    "display_name": "display_name",
    "created_at": "created_at",
    "last_login_at": "last_login_at",
}
_COLUMNS = (
    "id, email, display_name, is_active, locale, created_at, last_login_at, "
    "password_hash IS NOT NULL AS has_password"
)


@dataclass(frozen=True)
class UserRecord:
    """A staff user as services return it (never the password hash)."""

    id: int
    email: str
    display_name: str
    is_active: bool
    locale: str
    roles: list[str]
    created_at: datetime
    last_login_at: datetime | None
    has_password: bool


async def _roles_by_user(user_ids: Sequence[int]) -> dict[int, list[str]]:
    if not user_ids:
        return {}
    placeholders = ", ".join("{}" for _ in user_ids)
    rows = await db.fetch_all(
        "SELECT ur.user_id, r.name FROM core_user_role ur JOIN core_role r ON r.id = ur.role_id "
        f"WHERE ur.user_id IN ({placeholders}) ORDER BY r.name",
        *user_ids,
    )
    roles: dict[int, list[str]] = {user_id: [] for user_id in user_ids}
    for row in rows:
        roles[int(row["user_id"])].append(str(row["name"]))
    return roles


def _record(row: dict[str, Any], roles: list[str]) -> UserRecord:
    created_at = as_utc_or_none(row["created_at"])
    assert created_at is not None
    return UserRecord(
        id=int(row["id"]),
        email=str(row["email"]),
        display_name=str(row["display_name"]),
        is_active=bool(row["is_active"]),
        locale=str(row["locale"]),
        roles=roles,
        created_at=created_at,
        last_login_at=as_utc_or_none(row["last_login_at"]),
        has_password=bool(row["has_password"]),
    )


async def get_user(user_id: int) -> UserRecord:
    """One user with their roles, or NotFoundError."""
    row = await db.fetch_one(f"SELECT {_COLUMNS} FROM core_user WHERE id = {{}}", user_id)
    if row is None:
        raise NotFoundError(f"no user {user_id}")
    return _record(row, (await _roles_by_user([user_id]))[user_id])


async def list_users(
    *,
    page: int = 1,
    per_page: int = 50,
    sort: str = "email",
    search: str | None = None,
    is_active: bool | None = None,
    role: str | None = None,
) -> Page[UserRecord]:
    """A page of users matching the filters (search in email and display name)."""
    offset = offset_of(page, per_page)
    ordering = order_by(sort, USER_SORTS, nullable=frozenset({"last_login_at"}))
    conditions: list[str] = ["1 = 1"]
    args: list[Any] = []
    if search:
        conditions.append(
            "(LOWER(email) LIKE {} ESCAPE '\\' OR LOWER(display_name) LIKE {} ESCAPE '\\')"
        )
        args += [like_pattern(search), like_pattern(search)]
    if is_active is not None:
        conditions.append("is_active = {}")
        args.append(is_active)
    if role is not None:
        conditions.append(
            "id IN (SELECT ur.user_id FROM core_user_role ur "
            "JOIN core_role r ON r.id = ur.role_id WHERE r.name = {})"
        )
        args.append(role)
    where = " AND ".join(conditions)
    total = await db.fetch_value(f"SELECT COUNT(*) AS n FROM core_user WHERE {where}", *args)
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM core_user WHERE {where} "
        f"ORDER BY {ordering} LIMIT {{}} OFFSET {{}}",
        *args,
        per_page,
        offset,
    )
    roles = await _roles_by_user([int(r["id"]) for r in rows])
    items = [_record(row, roles[int(row["id"])]) for row in rows]
    return Page(items=items, total=int(total or 0), page=page, per_page=per_page)


async def create_user(
    email: str,
    *,
    display_name: str | None = None,
    password: str | None = None,
    roles: Sequence[str] = ("staff",),
) -> UserRecord:
    """Create a staff user (see :func:`core.auth.service.create_user`) and return it."""
    user_id = await service.create_user(
        email, display_name=display_name, password=password, roles=roles
    )
    return await get_user(user_id)


def _snapshot(user: UserRecord) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "is_active": user.is_active,
        "locale": user.locale,
        "roles": user.roles,
    }


async def _replace_roles(user_id: int, roles: Sequence[str]) -> None:
    ids = await service.role_ids(roles)
    await db.execute("DELETE FROM core_user_role WHERE user_id = {}", user_id)
    for name in sorted(ids):
        await db.execute(
            "INSERT INTO core_user_role (user_id, role_id) VALUES ({}, {})", user_id, ids[name]
        )


async def update_user(
    user_id: int,
    *,
    display_name: str | None = None,
    is_active: bool | None = None,
    roles: Sequence[str] | None = None,
    locale: str | None = None,
) -> UserRecord:
    """Change the given fields (None leaves a field as it is); audited.

    Deactivation or a change of roles revokes the user's sessions. Refused with a conflict
    when it would leave nobody able to manage users.
    """
    if display_name is not None and not display_name.strip():
        raise InvalidInputError({"display_name": "must not be blank"})
    if locale is not None and locale not in LOCALES:
        raise InvalidInputError({"locale": f"must be one of {', '.join(LOCALES)}"})
    async with unit_of_work():
        before = await get_user(user_id)
        managers_before = await count_user_managers()
        if display_name is not None or locale is not None:
            await db.execute(
                "UPDATE core_user SET display_name = {}, locale = {} WHERE id = {}",
                (display_name or before.display_name).strip()[:200],
                locale or before.locale,
                user_id,
            )
        if is_active is not None and is_active != before.is_active:
            await db.execute(
                "UPDATE core_user SET is_active = {} WHERE id = {}", is_active, user_id
            )
        if roles is not None and sorted(set(roles)) != before.roles:
            await _replace_roles(user_id, roles)
        invalidate_token_principals()  # and again after commit, below
        after = await get_user(user_id)
        await ensure_user_managers_remain(managers_before)
        changes = audit.changed_fields(_snapshot(before), _snapshot(after))
        if not changes:
            return after
        if (before.is_active and not after.is_active) or after.roles != before.roles:
            await revoke_user_sessions(user_id)
        await audit.record_change(
            "update", "user", user_id, before=_snapshot(before), after=_snapshot(after)
        )
        await emit("user.updated", {"user_id": user_id, "fields": sorted(changes)})
    invalidate_token_principals()
    return after


async def set_password(user_id: int, password: str) -> None:
    """Set a user's password (argon2id) and revoke their sessions; audited without the hash."""
    if problem := password_problem(password):
        raise InvalidInputError({"password": problem})
    # Hash outside the transaction and the event loop: argon2 is deliberately slow.
    password_hash = await asyncio.to_thread(hash_password, password)
    async with unit_of_work():
        await get_user(user_id)
        await db.execute(
            "UPDATE core_user SET password_hash = {} WHERE id = {}", password_hash, user_id
        )
        await revoke_user_sessions(user_id)
        await audit.record_change("set_password", "user", user_id)

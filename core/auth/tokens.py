"""API tokens as the caller manages them: their own, or anyone's with ``users.manage``.

Only the SHA-256 of a token is stored (see :func:`core.auth.service.create_api_token`); the
secret is returned once. A token's scopes must be known permissions, and a caller cannot mint
a token stronger than itself: a scope-limited token may only create tokens with a subset of
its own scopes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core import db
from core.auth import service
from core.auth.listing import order_by
from core.auth.permissions import MANAGE_USERS, check_known, parse_permissions
from core.auth.principal import ALL_PERMISSIONS, Principal
from core.auth.token_cache import invalidate_token_principals
from core.clock import as_utc_or_none
from core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from core.events import unit_of_work
from core.pagination import Page, offset_of

TOKEN_SORTS = {"id": "id", "name": "name", "created_at": "created_at"}
_COLUMNS = "id, user_id, name, prefix, scopes, created_at, last_used_at, expires_at, revoked_at"


@dataclass(frozen=True)
class TokenRecord:
    """An API token without its secret."""

    id: int
    user_id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Neither revoked nor expired."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > datetime.now(UTC)


@dataclass(frozen=True)
class IssuedToken:
    """A token just created: the record and the secret, shown this once."""

    token: TokenRecord
    secret: str


def _record(row: dict[str, Any]) -> TokenRecord:
    created_at = as_utc_or_none(row["created_at"])
    assert created_at is not None
    return TokenRecord(
        id=int(row["id"]),
        user_id=int(row["user_id"]),
        name=str(row["name"]),
        prefix=str(row["prefix"]),
        scopes=parse_permissions(row["scopes"]),
        created_at=created_at,
        last_used_at=as_utc_or_none(row["last_used_at"]),
        expires_at=as_utc_or_none(row["expires_at"]),
        revoked_at=as_utc_or_none(row["revoked_at"]),
    )


def _may_act_for(caller: Principal, user_id: int) -> bool:
    return caller.user_id == user_id or caller.can(MANAGE_USERS)


async def list_tokens(
    caller: Principal,
    *,
    user_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
    sort: str = "-created_at",
) -> Page[TokenRecord]:
    """A page of one user's tokens (the caller's own unless they may manage users)."""
    owner = caller.user_id if user_id is None else user_id
    if not _may_act_for(caller, owner):
        raise PermissionDeniedError(f"listing another user's tokens requires {MANAGE_USERS!r}")
    offset = offset_of(page, per_page)
    ordering = order_by(sort, TOKEN_SORTS)
    total = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_api_token WHERE user_id = {}", owner
    )
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM core_api_token WHERE user_id = {{}} "
        f"ORDER BY {ordering} LIMIT {{}} OFFSET {{}}",
        owner,
        per_page,
        offset,
    )
    return Page([_record(r) for r in rows], int(total or 0), page, per_page)


async def get_token(token_id: int) -> TokenRecord:
    """One token by id, or NotFoundError."""
    row = await db.fetch_one(f"SELECT {_COLUMNS} FROM core_api_token WHERE id = {{}}", token_id)
    if row is None:
        raise NotFoundError(f"no API token {token_id}")
    return _record(row)


def _check_not_stronger(caller: Principal, scopes: list[str]) -> None:
    """A scope-limited token cannot mint an unscoped or wider token."""
    if caller.via != "token" or ALL_PERMISSIONS in caller.permissions:
        return
    if not scopes:
        raise PermissionDeniedError(
            "a scope-limited token can only create tokens with scopes it holds itself"
        )
    beyond = [s for s in scopes if s not in caller.permissions]
    if beyond:
        raise PermissionDeniedError(f"this token does not hold the scope(s): {', '.join(beyond)}")


async def _caller_token_is_scoped(caller: Principal) -> bool:
    if caller.token_id is None:
        return False
    value = await db.fetch_value("SELECT scopes FROM core_api_token WHERE id = {}", caller.token_id)
    return bool(parse_permissions(value))


async def issue_token(
    caller: Principal,
    *,
    name: str,
    scopes: Sequence[str] = (),
    expires_at: datetime | None = None,
    user_id: int | None = None,
) -> IssuedToken:
    """Create a token for the caller (or, with ``users.manage``, for another active user)."""
    owner = caller.user_id if user_id is None else user_id
    if not _may_act_for(caller, owner):
        raise PermissionDeniedError(f"creating another user's tokens requires {MANAGE_USERS!r}")
    if not name.strip():
        raise InvalidInputError({"name": "must not be blank"})
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInputError({"expires_at": "must be in the future"})
    granted = await check_known(scopes, "scopes")
    if await _caller_token_is_scoped(caller):
        _check_not_stronger(caller, granted)
    async with unit_of_work():
        row = await db.fetch_one("SELECT is_active FROM core_user WHERE id = {}", owner)
        if row is None:
            raise NotFoundError(f"no user {owner}")
        if not row["is_active"]:
            raise ConflictError(f"user {owner} is deactivated")
        created = await service.create_api_token(owner, name.strip(), granted, expires_at)
        token = await get_token(created.id)
    return IssuedToken(token=token, secret=created.secret)


async def revoke_token(caller: Principal, token_id: int) -> TokenRecord:
    """Revoke a token of the caller's (or anyone's, with ``users.manage``) at once."""
    async with unit_of_work():
        token = await get_token(token_id)
        if not _may_act_for(caller, token.user_id):
            raise NotFoundError(f"no API token {token_id}")  # do not reveal others' tokens
        await service.revoke_api_token(token_id)
        revoked = await get_token(token_id)
    invalidate_token_principals()  # after commit: no lookup can cache the old state now
    return revoked

"""Staff users, roles and API tokens: domain logic with no HTTP in it."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core import audit, db
from core.auth.passwords import hash_password, password_problem
from core.auth.principal import ALL_PERMISSIONS, Principal
from core.auth.token_cache import TOKEN_PRINCIPALS, invalidate_token_principals
from core.clock import as_utc
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.validation import normalise_email

TOKEN_PREFIX = "stw_"  # noqa: S105 - a public prefix that marks tokens, not a secret
# How stale a token's last_used_at may be before a request records a new one.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)

BUILTIN_ROLES: dict[str, tuple[str, list[str]]] = {
    "admin": ("Administrator", [ALL_PERMISSIONS]),
    "manager": (
        "Manager",
        [
            "constituents.read", "constituents.write", "constituents.delete",
            "constituents.merge", "interactions.read", "interactions.write",
            "data.import", "data.export", "audit.read",
        ],
    ),
    "staff": (
        "Staff",
        ["constituents.read", "constituents.write", "interactions.read", "interactions.write"],
    ),
    "viewer": ("Read only", ["constituents.read", "interactions.read"]),
}  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy random secret (tokens, session ids): safe to store."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def ensure_builtin_roles() -> None:
    """Create the built-in roles if they are missing (idempotent)."""
    existing = {r["name"] for r in await db.fetch_all("SELECT name FROM core_role")}
    async with db.transaction():
        for name, (label, permissions) in BUILTIN_ROLES.items():
            if name not in existing:
                await db.execute(
                    "INSERT INTO core_role (name, label, permissions, builtin) "
                    "VALUES ({}, {}, {}, {})",
                    name,
                    label,
                    json.dumps(permissions),
                    True,
                )


async def role_id(name: str) -> int:
    """The id of a role by name, or NotFoundError."""
    value = await db.fetch_value("SELECT id FROM core_role WHERE name = {}", name)
    if value is None:
        raise NotFoundError(f"no role named {name!r}")
    return int(value)


async def role_ids(names: Iterable[str]) -> dict[str, int]:
    """Ids of roles by name; InvalidInputError naming any role that does not exist."""
    wanted = sorted(set(names))
    ids: dict[str, int] = {}
    for name in wanted:
        value = await db.fetch_value("SELECT id FROM core_role WHERE name = {}", name)
        if value is not None:
            ids[name] = int(value)
    unknown = [name for name in wanted if name not in ids]
    if unknown:
        raise InvalidInputError({"roles": f"unknown role(s): {', '.join(unknown)}"})
    return ids


async def create_user(
    email: str,
    *,
    display_name: str | None = None,
    password: str | None = None,
    roles: Iterable[str] = ("staff",),
) -> int:
    """Create a staff user with roles (audited, emits ``user.created``); returns the new id."""
    address = normalise_email(email)
    if password is not None and (problem := password_problem(password)):
        raise InvalidInputError({"password": problem})
    role_names = sorted(set(roles))
    # Hash outside the transaction and the event loop: argon2 is deliberately slow.
    password_hash = await asyncio.to_thread(hash_password, password) if password else None
    await ensure_builtin_roles()
    async with unit_of_work():
        ids = await role_ids(role_names)
        if await db.fetch_one("SELECT id FROM core_user WHERE email = {}", address):
            raise ConflictError(f"a user with email {address} already exists")
        name = (display_name or address.split("@")[0]).strip()[:200] or address[:200]
        row = await db.fetch_one(
            "INSERT INTO core_user (email, display_name, password_hash, is_active, locale, "
            "created_at) VALUES ({}, {}, {}, {}, {}, {}) RETURNING id",
            address,
            name,
            password_hash,
            True,
            "en",
            _now(),
        )
        assert row is not None
        user_id = int(row["id"])
        for name_of_role in role_names:
            await db.execute(
                "INSERT INTO core_user_role (user_id, role_id) VALUES ({}, {})",
                user_id,
                ids[name_of_role],
            )
        await audit.record_change(
            "create",
            "user",
            user_id,
            after={"email": address, "display_name": name, "roles": role_names},
        )
        await emit("user.created", {"user_id": user_id, "email": address, "roles": role_names})
    return user_id


async def user_permissions(user_id: int) -> frozenset[str]:
    """Union of the permissions of the user's roles."""
    rows = await db.fetch_all(
        "SELECT r.permissions FROM core_role r JOIN core_user_role ur ON ur.role_id = r.id "
        "WHERE ur.user_id = {}",
        user_id,
    )
    granted: set[str] = set()
    for row in rows:
        value = row["permissions"]
        granted.update(json.loads(value) if isinstance(value, str) else value or [])
    return frozenset(granted)


def grants(permissions: frozenset[str], permission: str) -> bool:
    """True when ``permissions`` (a user's or a role's) include ``permission`` or ``*``."""
    return ALL_PERMISSIONS in permissions or permission in permissions


@dataclass(frozen=True)
class NewToken:
    """A freshly created API token; ``secret`` is shown once and never stored."""

    id: int
    secret: str
    prefix: str


async def create_api_token(
    user_id: int, name: str, scopes: Iterable[str] = (), expires_at: datetime | None = None
) -> NewToken:
    """Create a scoped API token for a user; without scopes it carries the user's roles."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix = secret[: len(TOKEN_PREFIX) + 6]
    scope_list = sorted(set(scopes))
    async with db.transaction():
        row = await db.fetch_one(
            "INSERT INTO core_api_token (user_id, name, prefix, token_hash, scopes, created_at, "
            "expires_at) VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
            user_id,
            name[:120],
            prefix,
            hash_secret(secret),
            json.dumps(scope_list),
            _now(),
            expires_at,
        )
        assert row is not None
        await audit.record_change(
            "create",
            "api_token",
            row["id"],
            after={"name": name, "user": user_id, "scopes": scope_list},
        )
    return NewToken(id=int(row["id"]), secret=secret, prefix=prefix)


async def revoke_api_token(token_id: int) -> None:
    """Revoke a token at once (revoking a revoked token changes nothing)."""
    async with db.transaction():
        row = await db.fetch_one(
            "SELECT id, revoked_at FROM core_api_token WHERE id = {}", token_id
        )
        if row is None:
            raise NotFoundError(f"no API token {token_id}")
        if row["revoked_at"] is not None:
            return
        await db.execute(
            "UPDATE core_api_token SET revoked_at = {} WHERE id = {}", _now(), token_id
        )
        invalidate_token_principals()
        await audit.record_change("revoke", "api_token", token_id)
    invalidate_token_principals()


async def principal_for_token(secret: str) -> Principal | None:
    """The principal for a bearer token, or None if unknown, revoked, expired or inactive.

    Served from :mod:`core.auth.token_cache` for a few seconds after it is read.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token_hash = hash_secret(secret)
    cached = TOKEN_PRINCIPALS.get(token_hash)
    if cached is not None:
        return cached
    generation = TOKEN_PRINCIPALS.generation
    row = await db.fetch_one(
        "SELECT t.id, t.scopes, t.expires_at, t.revoked_at, t.last_used_at, "
        "u.id AS user_id, u.email, "
        "u.display_name, u.is_active FROM core_api_token t JOIN core_user u ON u.id = t.user_id "
        "WHERE t.token_hash = {}",
        token_hash,
    )
    if row is None or row["revoked_at"] is not None or not row["is_active"]:
        return None
    if row["expires_at"] is not None and as_utc(row["expires_at"]) <= _now():
        return None
    granted = await user_permissions(int(row["user_id"]))
    scopes = row["scopes"]
    scope_set = set(json.loads(scopes) if isinstance(scopes, str) else scopes or [])
    if scope_set:
        granted = frozenset(p for p in scope_set if ALL_PERMISSIONS in granted or p in granted)
    now = _now()
    last_used = row["last_used_at"]
    # Recorded at most once a minute: a write (and a commit) on every authenticated
    # request halved API throughput on SQLite and made concurrent readers queue for the lock.
    if last_used is None or now - as_utc(last_used) >= TOKEN_USE_RESOLUTION:
        await db.execute(
            "UPDATE core_api_token SET last_used_at = {} WHERE id = {}", now, row["id"]
        )
    principal = Principal(
        user_id=int(row["user_id"]),
        email=row["email"],
        display_name=row["display_name"],
        permissions=granted,
        via="token",
        token_id=int(row["id"]),
    )
    expires_at = as_utc(row["expires_at"]) if row["expires_at"] is not None else None
    TOKEN_PRINCIPALS.put(token_hash, principal, expires_at, generation)
    return principal

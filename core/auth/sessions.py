"""Server-side staff sessions.

The cookie carries a fresh random id issued at login (never one chosen by the client); the
table keeps only its SHA-256 hash, so a database leak does not leak live sessions. Logout
revokes the row, so a copied cookie stops working at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core import db
from core.auth.principal import Principal
from core.auth.service import hash_secret, user_permissions
from core.clock import as_utc

SESSION_COOKIE = "steward_session"


@dataclass(frozen=True)
class NewSession:
    """A session just created; ``cookie_value`` goes to the browser and nowhere else."""

    id: int
    cookie_value: str
    csrf_token: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


async def create_session(
    user_id: int, *, max_age_seconds: int, user_agent: str = "", ip: str = ""
) -> NewSession:
    """Issue a new session for a user who has just proved who they are."""
    cookie_value = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    now = _now()
    expires_at = now + timedelta(seconds=max_age_seconds)
    row = await db.fetch_one(
        "INSERT INTO core_session (session_hash, user_id, csrf_token, created_at, last_seen_at, "
        "expires_at, user_agent, ip) VALUES ({}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        hash_secret(cookie_value),
        user_id,
        csrf_token,
        now,
        now,
        expires_at,
        user_agent[:300],
        ip[:64],
    )
    assert row is not None
    return NewSession(int(row["id"]), cookie_value, csrf_token, expires_at)


async def principal_for_session(cookie_value: str) -> Principal | None:
    """The principal of a live session cookie, or None."""
    if not cookie_value or len(cookie_value) > 200:
        return None
    row = await db.fetch_one(
        "SELECT s.id, s.csrf_token, s.expires_at, s.revoked_at, u.id AS user_id, u.email, "
        "u.display_name, u.is_active FROM core_session s JOIN core_user u ON u.id = s.user_id "
        "WHERE s.session_hash = {}",
        hash_secret(cookie_value),
    )
    if row is None or row["revoked_at"] is not None or not row["is_active"]:
        return None
    if as_utc(row["expires_at"]) <= _now():
        return None
    return Principal(
        user_id=int(row["user_id"]),
        email=row["email"],
        display_name=row["display_name"],
        permissions=await user_permissions(int(row["user_id"])),
        via="session",
        session_id=int(row["id"]),
        csrf_token=row["csrf_token"],
    )


async def revoke_session(session_id: int) -> None:
    """End a session now (logout)."""
    await db.execute(
        "UPDATE core_session SET revoked_at = {} WHERE id = {} AND revoked_at IS NULL",
        _now(),
        session_id,
    )


async def revoke_user_sessions(user_id: int) -> None:
    """End every session of a user (password change, deactivation, role change)."""
    await db.execute(
        "UPDATE core_session SET revoked_at = {} WHERE user_id = {} AND revoked_at IS NULL",
        _now(),
        user_id,
    )


async def revoke_presented_session(cookie_value: str) -> None:
    """End the session a browser presented, if it names one (login replaces it)."""
    if not cookie_value or len(cookie_value) > 200:
        return
    await db.execute(
        "UPDATE core_session SET revoked_at = {} WHERE session_hash = {} AND revoked_at IS NULL",
        _now(),
        hash_secret(cookie_value),
    )

"""Server-side portal sessions (cookie ``steward_portal``).

Like staff sessions (:mod:`core.auth.sessions`): a fresh random id at every sign-in, only its
SHA-256 hash stored, revoked at sign-out. The cookie is scoped to ``/portal`` so it never
reaches the API or the admin UI.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core import db
from core.auth.service import hash_secret
from core.clock import as_utc
from portal.auth.principal import PortalPrincipal

PORTAL_COOKIE = "steward_portal"
COOKIE_PATH = "/portal"
MAX_COOKIE_LENGTH = 200


@dataclass(frozen=True)
class NewPortalSession:
    """A session just opened; ``cookie_value`` goes to the browser and nowhere else."""

    id: int
    cookie_value: str
    csrf_token: str
    expires_at: datetime


async def create_portal_session(
    constituent_id: int,
    email: str,
    *,
    max_age_seconds: int,
    user_agent: str = "",
    ip: str = "",
) -> NewPortalSession:
    """Open a session for a constituent who has just proved who they are."""
    cookie_value = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires_at = now + timedelta(seconds=max_age_seconds)
    row = await db.fetch_one(
        "INSERT INTO portal_session (session_hash, constituent_id, email, csrf_token, "
        "created_at, expires_at, user_agent, ip) VALUES ({}, {}, {}, {}, {}, {}, {}, {}) "
        "RETURNING id",
        hash_secret(cookie_value),
        constituent_id,
        email[:254],
        csrf_token,
        now,
        expires_at,
        user_agent[:300],
        ip[:64],
    )
    assert row is not None
    return NewPortalSession(int(row["id"]), cookie_value, csrf_token, expires_at)


async def principal_for_portal_session(cookie_value: str) -> PortalPrincipal | None:
    """The principal of a live portal session cookie, or None.

    A session dies with its constituent: deleted (or erased) records cannot sign in.
    """
    if not cookie_value or len(cookie_value) > MAX_COOKIE_LENGTH:
        return None
    row = await db.fetch_one(
        "SELECT s.id, s.constituent_id, s.email, s.csrf_token, s.expires_at, s.revoked_at "
        "FROM portal_session s JOIN core_constituent c ON c.id = s.constituent_id "
        "WHERE s.session_hash = {} AND c.deleted_at IS NULL",
        hash_secret(cookie_value),
    )
    if row is None or row["revoked_at"] is not None:
        return None
    if as_utc(row["expires_at"]) <= datetime.now(UTC):
        return None
    return PortalPrincipal(
        constituent_id=int(row["constituent_id"]),
        email=row["email"],
        session_id=int(row["id"]),
        csrf_token=row["csrf_token"],
    )


async def revoke_portal_session(session_id: int) -> None:
    """End a session now (sign-out)."""
    await db.execute(
        "UPDATE portal_session SET revoked_at = {} WHERE id = {} AND revoked_at IS NULL",
        datetime.now(UTC),
        session_id,
    )


async def revoke_presented_portal_session(cookie_value: str) -> None:
    """End the session a browser presented, if any (a sign-in never carries one over)."""
    if not cookie_value or len(cookie_value) > MAX_COOKIE_LENGTH:
        return
    await db.execute(
        "UPDATE portal_session SET revoked_at = {} WHERE session_hash = {} AND revoked_at IS NULL",
        datetime.now(UTC),
        hash_secret(cookie_value),
    )


async def revoke_constituent_sessions(constituent_id: int) -> None:
    """End every portal session of a constituent (password change, erasure)."""
    await db.execute(
        "UPDATE portal_session SET revoked_at = {} WHERE constituent_id = {} "
        "AND revoked_at IS NULL",
        datetime.now(UTC),
        constituent_id,
    )

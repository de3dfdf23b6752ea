"""The optional portal password, for people who prefer one to emailed links.

Sign-in by password follows the staff rules (:mod:`core.auth.login`): the rate limit is
consumed first, every failure gets the same answer, and an argon2 verification runs even
when there is no account, so timing does not reveal which addresses are known.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from core import audit, db
from core.auth import ratelimit
from core.auth.login import _dummy_hash
from core.auth.passwords import hash_password, password_problem, verify_password
from core.context import Actor, acting_as
from core.errors import InvalidInputError
from core.events import unit_of_work
from portal.auth.links import ClientInfo, constituent_for_email, open_session
from portal.auth.sessions import NewPortalSession, revoke_constituent_sessions
from portal.config import portal_settings


async def has_password(constituent_id: int) -> bool:
    """True when the constituent has set a portal password."""
    value = await db.fetch_value(
        "SELECT password_hash FROM portal_account WHERE constituent_id = {}", constituent_id
    )
    return bool(value)


async def password_login(email: str, password: str, client: ClientInfo) -> NewPortalSession | None:
    """A new session when the address and password match a portal account, else None.

    Raises :class:`~core.auth.ratelimit.RateLimitedError` when over the limit.
    """
    address = email.strip().lower()
    config = portal_settings()
    await ratelimit.consume(
        [f"portal-password:email:{address}", f"portal-password:ip:{client.ip or 'unknown'}"],
        limit=config.password_attempts_per_window,
        window_seconds=config.rate_limit_window_seconds,
    )
    constituent_id = await constituent_for_email(address) if len(address) <= 254 else None
    stored = None
    if constituent_id is not None:
        stored = await db.fetch_value(
            "SELECT password_hash FROM portal_account WHERE constituent_id = {}", constituent_id
        )
    matches = await asyncio.to_thread(
        verify_password, str(stored) if stored else _dummy_hash(), password[:1024]
    )
    if constituent_id is None or not stored or not matches:
        return None
    actor = Actor(kind="portal", id=constituent_id, label=f"portal:{address}")
    with acting_as(actor, client.request_id):
        async with unit_of_work():
            return await open_session(constituent_id, address, client, "password")


async def set_password(constituent_id: int, password: str, keep_session: int) -> None:
    """Set (or replace) the portal password; other sessions of the person are ended.

    Raises :class:`InvalidInputError` (field ``password``) for a password that is too short
    or too long.
    """
    problem = password_problem(password)
    if problem:
        raise InvalidInputError({"password": problem})
    hashed = await asyncio.to_thread(hash_password, password)
    now = datetime.now(UTC)
    async with unit_of_work():
        await ensure_account(constituent_id)
        await db.execute(
            "UPDATE portal_account SET password_hash = {} WHERE constituent_id = {}",
            hashed,
            constituent_id,
        )
        await db.execute(
            "UPDATE portal_session SET revoked_at = {} WHERE constituent_id = {} AND id <> {} "
            "AND revoked_at IS NULL",
            now,
            constituent_id,
            keep_session,
        )
        await audit.record_change(
            "portal_password_set", "constituent", constituent_id, constituent_id=constituent_id
        )


async def remove_password(constituent_id: int) -> None:
    """Go back to emailed links only."""
    async with unit_of_work():
        await db.execute(
            "UPDATE portal_account SET password_hash = NULL WHERE constituent_id = {}",
            constituent_id,
        )
        await audit.record_change(
            "portal_password_removed", "constituent", constituent_id, constituent_id=constituent_id
        )


async def ensure_account(constituent_id: int) -> None:
    """Create the constituent's ``portal_account`` row if it does not exist yet."""
    exists = await db.fetch_value(
        "SELECT id FROM portal_account WHERE constituent_id = {}", constituent_id
    )
    if exists is None:
        await db.execute(
            "INSERT INTO portal_account (constituent_id, created_at) VALUES ({}, {})",
            constituent_id,
            datetime.now(UTC),
        )


__all__ = ["has_password", "password_login", "remove_password", "revoke_constituent_sessions"]

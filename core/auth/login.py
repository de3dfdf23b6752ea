"""Staff login and logout: password check, rate limit, a fresh server-side session.

* The rate limit is consumed before the password is checked, so a full window refuses even
  the right password (:mod:`core.auth.ratelimit`).
* Unknown addresses, wrong passwords, accounts without a password and deactivated accounts
  all get the same error, and each still runs one argon2 verification (against a dummy hash
  when there is no real one) so the response time does not tell them apart.
* A successful login always creates a new session id; a session cookie the browser presented
  is revoked, whoever it belonged to, so a planted or stale id is never carried over.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from core import audit, db
from core.auth import ratelimit
from core.auth.passwords import hash_password, needs_rehash, verify_password
from core.auth.service import user_permissions
from core.auth.sessions import NewSession, create_session, revoke_presented_session, revoke_session
from core.auth.users import UserRecord, get_user
from core.context import Actor, acting_as
from core.errors import StewardError
from core.events import emit, unit_of_work

logger = logging.getLogger("stewardship.auth")


class InvalidCredentialsError(StewardError):
    """The email and password do not identify an active user (deliberately vague)."""

    status_code = 401
    title = "Unauthorized"

    def __init__(self) -> None:
        super().__init__("Incorrect email or password.")


@dataclass(frozen=True)
class LoginResult:
    """A signed-in user, their permissions, and the new session for the cookie."""

    user: UserRecord
    permissions: frozenset[str]
    session: NewSession


@dataclass(frozen=True)
class LoginRequest:
    """What a login needs besides the credentials: the client and the session policy."""

    ip: str
    user_agent: str = ""
    presented_session: str = ""
    max_age_seconds: int = 8 * 3600
    rate_limit_per_minute: int = 10
    request_id: str | None = None


@cache
def _dummy_hash() -> str:
    """A hash with the current parameters, verified when there is no real one to compare."""
    return hash_password(secrets.token_urlsafe(32))


async def _check_password(password_hash: str | None, password: str) -> bool:
    # argon2 is deliberately slow: keep it off the event loop.
    return await asyncio.to_thread(verify_password, password_hash or _dummy_hash(), password)


async def login(email: str, password: str, context: LoginRequest) -> LoginResult:
    """Verify a staff user's password and open a new session; audited, emits ``user.logged_in``.

    Raises :class:`~core.auth.ratelimit.RateLimitedError` when the address or the client is
    over the limit, and :class:`InvalidCredentialsError` for any failed check.
    """
    address = email.strip().lower()
    attempts = await ratelimit.consume(
        ratelimit.login_keys(address, context.ip), limit=context.rate_limit_per_minute
    )
    row = await db.fetch_one(
        "SELECT id, email, password_hash, is_active FROM core_user WHERE email = {}", address
    )
    password_hash = row["password_hash"] if row else None
    matches = await _check_password(password_hash, password)
    if row is None or not password_hash or not matches or not row["is_active"]:
        logger.info("failed staff login for %s from %s", address, context.ip or "unknown")
        raise InvalidCredentialsError()
    user_id = int(row["id"])
    rehashed = (
        await asyncio.to_thread(hash_password, password) if needs_rehash(password_hash) else None
    )
    with acting_as(Actor(kind="user", id=user_id, label=address), context.request_id):
        async with unit_of_work():
            await revoke_presented_session(context.presented_session)
            if rehashed:
                await db.execute(
                    "UPDATE core_user SET password_hash = {} WHERE id = {}", rehashed, user_id
                )
            await db.execute(
                "UPDATE core_user SET last_login_at = {} WHERE id = {}", datetime.now(UTC), user_id
            )
            session = await create_session(
                user_id,
                max_age_seconds=context.max_age_seconds,
                user_agent=context.user_agent,
                ip=context.ip,
            )
            await ratelimit.mark_succeeded(attempts)
            await audit.record_change(
                "login", "user", user_id, after={"session": session.id, "ip": context.ip}
            )
            await emit("user.logged_in", {"user_id": user_id, "session_id": session.id})
    return LoginResult(
        user=await get_user(user_id),
        permissions=await user_permissions(user_id),
        session=session,
    )


async def logout(session_id: int) -> None:
    """End a session now, so its cookie stops working on the next request; audited."""
    async with unit_of_work():
        await revoke_session(session_id)
        await audit.record_change("logout", "session", session_id)

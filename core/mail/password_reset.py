"""Staff password reset by emailed link.

* The link carries a 256-bit random token; only its SHA-256 is stored. It is valid for
  :data:`RESET_TTL` and used once; a successful reset also voids the user's other links.
* The link is built from ``settings.public_base_url``, never from the request's Host header.
* A request is rate limited per address and per client *before* anything else happens, and
  known and unknown addresses take the same path as far as the caller can see: the same
  answer, padded to at least :data:`MIN_REQUEST_SECONDS`. The mail is sent inside the
  transaction that stores the token, so SMTP delivery always goes through the job queue and
  never lengthens the request.
* Setting the new password goes through :func:`core.auth.users.set_password`, which hashes
  it with argon2id, revokes every session of the user and writes the audit entry.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from core import db
from core.auth import ratelimit
from core.auth.passwords import password_problem
from core.auth.service import hash_secret
from core.auth.users import get_user, set_password
from core.clock import as_utc, utc_now
from core.errors import InvalidInputError, NotFoundError, StewardError
from core.events import unit_of_work
from core.mail.message import OutgoingMail
from core.mail.rendering import render_mail
from core.mail.service import send_mail
from core.plugins.registry import current_registry
from core.validation import normalise_email

RESET_TTL = timedelta(minutes=30)
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100
MIN_REQUEST_SECONDS = 0.25
PER_ADDRESS_PER_HOUR = 5
PER_CLIENT_PER_HOUR = 20
RESET_PATH = "/admin/password-reset"
MAIL_TAG = "admin.password_reset"


class TokenState(Enum):
    """Why a reset link can or cannot be used."""

    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


class ResetLinkError(StewardError):
    """The reset link is unknown, used or expired; ``state`` says which."""

    status_code = 410
    title = "Link not usable"

    def __init__(self, state: TokenState) -> None:
        self.state = state
        super().__init__(f"password reset link is {state.value}")


@dataclass(frozen=True)
class ResetLink:
    """A usable link: whose it is and until when."""

    user_id: int
    email: str
    expires_at: datetime


def reset_keys(email: str, ip: str) -> list[str]:
    """Rate-limit keys of a reset request: one per address, one per client."""
    return [f"password_reset:email:{email.lower()}", f"password_reset:ip:{ip or 'unknown'}"]


async def _active_user_id(email: str) -> int | None:
    value = await db.fetch_value(
        "SELECT id FROM core_user WHERE email = {} AND is_active = {}", email, True
    )
    return int(value) if value is not None else None


async def _issue(user_id: int, ip: str) -> None:
    """Store a new token and send the link, in one transaction."""
    user = await get_user(user_id)
    settings = current_registry().settings
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utc_now()
    link = f"{settings.public_base_url.rstrip('/')}{RESET_PATH}/{token}"
    context = {
        "name": user.display_name,
        "link": link,
        "minutes": int(RESET_TTL.total_seconds() // 60),
        "org_name": settings.org_name,
    }
    subject, text, html = render_mail("mail/password_reset", context, locale=user.locale)
    async with unit_of_work():
        await db.execute(
            "INSERT INTO core_password_reset (user_id, token_hash, created_at, expires_at, "
            "used_at, ip) VALUES ({}, {}, {}, {}, NULL, {})",
            user_id,
            hash_secret(token),
            now,
            now + RESET_TTL,
            ip[:64],
        )
        await send_mail(
            OutgoingMail(to=user.email, subject=subject, text=text, html=html, tag=MAIL_TAG)
        )


async def request_password_reset(email: str, *, ip: str) -> None:
    """Email a reset link if ``email`` belongs to an active staff user; otherwise nothing.

    Raises :class:`InvalidInputError` for a malformed address and
    :class:`~core.auth.ratelimit.RateLimitedError` when the address or client asked too
    often; otherwise returns the same way whether or not the address has an account.
    """
    started = time.monotonic()
    address = normalise_email(email)
    by_address, by_client = reset_keys(address, ip)
    # The client first: one client hammering many addresses stops there.
    await ratelimit.consume([by_client], limit=PER_CLIENT_PER_HOUR, window_seconds=3600)
    await ratelimit.consume([by_address], limit=PER_ADDRESS_PER_HOUR, window_seconds=3600)
    user_id = await _active_user_id(address)
    if user_id is not None:
        await _issue(user_id, ip)
    remaining = MIN_REQUEST_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        await asyncio.sleep(remaining)


def _lookup_hash(token: str) -> str | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return hash_secret(token)


async def check_link(token: str, *, now: datetime | None = None) -> ResetLink:
    """The link's owner when it can be used; :class:`ResetLinkError` saying why not."""
    token_hash = _lookup_hash(token)
    row = None
    if token_hash is not None:
        row = await db.fetch_one(
            "SELECT r.user_id, r.expires_at, r.used_at, u.email, u.is_active "
            "FROM core_password_reset r JOIN core_user u ON u.id = r.user_id "
            "WHERE r.token_hash = {}",
            token_hash,
        )
    if row is None or not row["is_active"]:
        raise ResetLinkError(TokenState.UNKNOWN)
    if row["used_at"] is not None:
        raise ResetLinkError(TokenState.USED)
    expires_at = as_utc(row["expires_at"])
    if expires_at <= (now or utc_now()):
        raise ResetLinkError(TokenState.EXPIRED)
    return ResetLink(int(row["user_id"]), str(row["email"]), expires_at)


async def complete_password_reset(token: str, password: str, *, now: datetime | None = None) -> int:
    """Use the link once to set a new password; returns the user id.

    The password is checked first, so a too-short one does not burn the link. Raises
    :class:`InvalidInputError` (``password``) or :class:`ResetLinkError`.
    """
    await check_link(token, now=now)
    if problem := password_problem(password):
        raise InvalidInputError({"password": problem})
    current = now or utc_now()
    async with db.transaction():
        row = await db.fetch_one(
            "UPDATE core_password_reset SET used_at = {} WHERE token_hash = {} "
            "AND used_at IS NULL AND expires_at > {} RETURNING user_id",
            current,
            _lookup_hash(token),
            current,
        )
        if row is None:  # another request used it between the check and now
            raise ResetLinkError(TokenState.USED)
        user_id = int(row["user_id"])
        await db.execute(
            "UPDATE core_password_reset SET used_at = {} WHERE user_id = {} AND used_at IS NULL",
            current,
            user_id,
        )
    try:
        await set_password(user_id, password)
    except NotFoundError as exc:  # pragma: no cover - the user vanished after the check
        raise ResetLinkError(TokenState.UNKNOWN) from exc
    return user_id

"""Magic-link sign-in: request a link by email, confirm it with a POST, get a session.

* The token is 256 random bits (``secrets.token_urlsafe(32)``); only its SHA-256 hash is
  stored. It is valid for ``magic_link_minutes`` (at most 15) and can be used once.
* Following the link (GET) only shows a confirmation page with a "Sign in" button; the POST
  from that page consumes it. Mail scanners that prefetch links therefore cannot burn it.
* Requests are rate limited per address and per client *before* anything else happens, and
  the answer is the same whether or not the address belongs to anyone. The lookup, the
  token and the mail happen after the response has been sent (a background task), so the
  response time does not tell known addresses from unknown ones either.
* The link's host comes from ``settings.public_base_url``, never from the request.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from core import audit, db
from core.auth import ratelimit
from core.auth.service import hash_secret
from core.clock import as_utc
from core.context import Actor, acting_as
from core.events import emit, unit_of_work
from core.i18n import use_locale
from core.plugins.registry import current_registry
from portal.auth.sessions import (
    NewPortalSession,
    create_portal_session,
    revoke_presented_portal_session,
)
from portal.config import portal_settings

logger = logging.getLogger("stewardship.portal")
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100
CONFIRM_PATH = "/portal/login/confirm"


@dataclass(frozen=True)
class ClientInfo:
    """Where a sign-in request came from, for rate limits, sessions and the audit log."""

    ip: str = ""
    user_agent: str = ""
    presented_session: str = ""
    request_id: str | None = None


@dataclass(frozen=True)
class LinkCheck:
    """What a link is: ``valid``, ``used``, ``expired`` or ``unknown``."""

    state: str
    constituent_id: int | None = None


def link_keys(email: str, ip: str) -> tuple[str, str]:
    """Rate-limit keys: one per address, one per client."""
    return f"portal-link:email:{email.lower()}", f"portal-link:ip:{ip or 'unknown'}"


async def limit_link_requests(email: str, ip: str) -> None:
    """Count one link request; raises :class:`RateLimitedError` when either limit is full."""
    config = portal_settings()
    by_address, by_client = link_keys(email, ip)
    window = config.rate_limit_window_seconds
    await ratelimit.consume(
        [by_client], limit=config.link_requests_per_client, window_seconds=window
    )
    await ratelimit.consume(
        [by_address], limit=config.link_requests_per_address, window_seconds=window
    )


async def constituent_for_email(email: str) -> int | None:
    """The one living, non-deleted person with this email address, or None.

    An address shared by several people signs nobody in: the portal cannot tell them apart.
    """
    rows = await db.fetch_all(
        "SELECT DISTINCT c.id FROM core_email e JOIN core_constituent c ON c.id = e.constituent_id "
        "WHERE e.email = {} AND c.kind = 'individual' AND c.deleted_at IS NULL "
        "AND c.deceased = {}",
        email.strip().lower(),
        False,
    )
    return int(rows[0]["id"]) if len(rows) == 1 else None


def link_url(token: str) -> str:
    """The sign-in link, on the configured public host."""
    base = current_registry().settings.public_base_url.rstrip("/")
    return f"{base}{CONFIRM_PATH}?{urlencode({'token': token})}"


async def create_link(constituent_id: int, email: str, ip: str = "") -> str:
    """Store a new link for a constituent and return its token (shown only in the mail)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = datetime.now(UTC)
    minutes = portal_settings().magic_link_minutes
    await db.execute(
        "INSERT INTO portal_magic_link (token_hash, constituent_id, email, created_at, "
        "expires_at, ip) VALUES ({}, {}, {}, {}, {}, {})",
        hash_secret(token),
        constituent_id,
        email,
        now,
        now + timedelta(minutes=minutes),
        ip[:64],
    )
    return token


async def send_link(email: str, locale: str, ip: str = "") -> bool:
    """Mail a sign-in link if ``email`` belongs to someone; True when a mail went out.

    Runs after the response (a background task): failures are logged, never shown.
    """
    from core.mail import OutgoingMail, render_mail, send_mail

    address = email.strip().lower()
    try:
        constituent_id = await constituent_for_email(address)
        if constituent_id is None:
            logger.info("portal link requested for an unknown address")
            return False
        token = await create_link(constituent_id, address, ip)
        minutes = portal_settings().magic_link_minutes
        context = {"link": link_url(token), "minutes": minutes}
        with use_locale(locale):
            subject, text, html = render_mail("portal/mail/magic_link", context, locale)
        await send_mail(
            OutgoingMail(to=address, subject=subject, text=text, html=html, tag="portal.link")
        )
        return True
    except Exception:  # a background task must not crash the worker
        logger.exception("sending a portal sign-in link failed")
        return False


def _token_hash(token: str) -> str | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return hash_secret(token)


async def check_link(token: str) -> LinkCheck:
    """Whether a link can be used, without using it (for the confirmation page)."""
    token_hash = _token_hash(token)
    if token_hash is None:
        return LinkCheck("unknown")
    row = await db.fetch_one(
        "SELECT constituent_id, expires_at, used_at FROM portal_magic_link WHERE token_hash = {}",
        token_hash,
    )
    if row is None:
        return LinkCheck("unknown")
    if row["used_at"] is not None:
        return LinkCheck("used")
    if as_utc(row["expires_at"]) <= datetime.now(UTC):
        return LinkCheck("expired")
    return LinkCheck("valid", int(row["constituent_id"]))


async def open_session(
    constituent_id: int, email: str, client: ClientInfo, how: str
) -> NewPortalSession:
    """A fresh session for a constituent who just proved who they are; audited.

    Runs inside the caller's transaction. A session cookie the browser presented is revoked.
    """
    await revoke_presented_portal_session(client.presented_session)
    session = await create_portal_session(
        constituent_id,
        email,
        max_age_seconds=portal_settings().session_max_age_seconds,
        user_agent=client.user_agent,
        ip=client.ip,
    )
    await db.execute(
        "UPDATE portal_account SET last_login_at = {} WHERE constituent_id = {}",
        datetime.now(UTC),
        constituent_id,
    )
    await audit.record_change(
        "portal_login",
        "constituent",
        constituent_id,
        after={"session": session.id, "method": how, "ip": client.ip},
        constituent_id=constituent_id,
    )
    await emit("portal.signed_in", {"constituent_id": constituent_id, "method": how})
    return session


async def consume_link(token: str, client: ClientInfo) -> tuple[LinkCheck, NewPortalSession | None]:
    """Use a link: mark it used (exactly once, even under races) and open a session."""
    check = await check_link(token)
    if check.state != "valid" or check.constituent_id is None:
        return check, None
    token_hash = _token_hash(token)
    now = datetime.now(UTC)
    actor = Actor(kind="portal", id=check.constituent_id, label=f"portal:{check.constituent_id}")
    with acting_as(actor, client.request_id):
        async with unit_of_work():
            rows = await db.fetch_all(
                "UPDATE portal_magic_link SET used_at = {} WHERE token_hash = {} "
                "AND used_at IS NULL AND expires_at > {} RETURNING constituent_id, email",
                now,
                token_hash,
                now,
            )
            if not rows:
                return LinkCheck("used"), None
            session = await open_session(
                int(rows[0]["constituent_id"]), rows[0]["email"], client, "magic_link"
            )
    return check, session

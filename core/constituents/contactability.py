"""May we contact this constituent on this channel? Every communication asks here first.

The answer is the conjunction of independent checks. Each check is an async function
``check(subject, channel) -> str | None`` returning a reason when it blocks contact; add a
rule by writing one and appending it to :data:`CHECKS` (do-not-contact blocks and consent
are added that way). Checks run in order and all of them run, so the reasons explain
everything that stands in the way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from core import db
from core.constituents import consent
from core.errors import InvalidInputError

CHANNELS: tuple[str, ...] = ("email", "phone", "sms", "mail")


@dataclass(frozen=True)
class ContactSubject:
    """What the checks need to know about the constituent being contacted."""

    id: int
    kind: str
    deceased: bool
    deceased_date: date | None
    deleted_at: datetime | None
    merged_into_id: int | None


Check = Callable[[ContactSubject, str], Awaitable[str | None]]


async def not_deleted(subject: ContactSubject, channel: str) -> str | None:
    """Deleted (or merged-away) constituents are never contacted."""
    if subject.merged_into_id is not None:
        return f"merged into constituent {subject.merged_into_id}"
    return "deleted" if subject.deleted_at is not None else None


async def not_deceased(subject: ContactSubject, channel: str) -> str | None:
    """Deceased constituents are never contacted, on any channel."""
    return "deceased" if subject.deceased else None


async def not_blocked(subject: ContactSubject, channel: str) -> str | None:
    """An active do-not-contact block on the channel (or on ``all``) stops contact."""
    return f"do not contact by {channel}" if await consent.is_blocked(subject.id, channel) else None


CHECKS: list[Check] = [not_deleted, not_deceased, not_blocked]


async def consent_for(subject: ContactSubject, channel: str, purpose: str) -> str | None:
    """Contact for a purpose needs the latest consent entry for (channel, purpose) granted."""
    status = await consent.consent_status(subject.id, channel, purpose)
    if status == "granted":
        return None
    if status is None:
        return f"no consent for {purpose} by {channel}"
    return f"consent for {purpose} by {channel} {status}"


@dataclass(frozen=True)
class Contactability:
    """The verdict for one constituent and channel, with every reason against."""

    constituent_id: int
    channel: str
    reasons: tuple[str, ...]

    @property
    def contactable(self) -> bool:
        """True when no check blocks contact."""
        return not self.reasons


async def contactability(
    constituent_id: int, channel: str, purpose: str | None = None
) -> Contactability:
    """Run every check; an unknown constituent is not contactable ("not found").

    With a ``purpose`` (``newsletter``, ``fundraising``) consent for it is required too.
    """
    if channel not in CHANNELS:
        raise InvalidInputError({"channel": f"must be one of {', '.join(CHANNELS)}"})
    row = await db.fetch_one(
        "SELECT id, kind, deceased, deceased_date, deleted_at, merged_into_id "
        "FROM core_constituent WHERE id = {}",
        constituent_id,
    )
    if row is None:
        return Contactability(constituent_id, channel, ("not found",))
    subject = ContactSubject(
        id=row["id"],
        kind=row["kind"],
        deceased=bool(row["deceased"]),
        deceased_date=row["deceased_date"],
        deleted_at=row["deleted_at"],
        merged_into_id=row["merged_into_id"],
    )
    reasons = []
    for check in CHECKS:
        reason = await check(subject, channel)
        if reason:
            reasons.append(reason)
    if purpose is not None:
        reason = await consent_for(subject, channel, purpose)
        if reason:
            reasons.append(reason)
    return Contactability(constituent_id, channel, tuple(reasons))


async def is_contactable(constituent_id: int, channel: str, purpose: str | None = None) -> bool:
    """True when the constituent may be contacted on ``channel`` (email, phone, sms, mail).

    With a ``purpose``, only if the latest consent entry for (channel, purpose) is granted.
    """
    return (await contactability(constituent_id, channel, purpose)).contactable

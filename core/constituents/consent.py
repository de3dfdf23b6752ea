"""The consent log and per-channel do-not-contact blocks.

The consent log is append-only: each entry records that consent for a (channel, purpose)
was granted or withdrawn, when, how, by whom it was recorded and the exact wording shown.
The current state of a (channel, purpose) is its latest entry by ``occurred_at``. A contact
block stops contact on one channel (or ``all``) until it is lifted; lifted blocks are kept.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core import audit, db
from core.constituents.relations_common import (
    actor_label,
    as_instant,
    clean_field,
    lock_constituents,
    require_constituent,
    utc_now,
)
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.pagination import Page, offset_of
from core.plugins.types import EventType

CHANNELS = ("email", "phone", "sms", "mail")
BLOCK_CHANNELS = (*CHANNELS, "all")
METHODS = ("web_form", "paper", "phone", "in_person", "import", "portal", "api")
STATUSES = ("granted", "withdrawn")
MAX_WORDING_LENGTH = 10_000
PURPOSE_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,59}$"
_PURPOSE = re.compile(PURPOSE_PATTERN)
# The wording is kept verbatim, so it is refused rather than cleaned; line breaks and tabs
# are text, other control characters (and NUL, which PostgreSQL cannot store) are not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Clocks of the devices that capture consent drift a little; more than this is a mistake.
_FUTURE_TOLERANCE = timedelta(minutes=5)

EVENT_TYPES = [
    EventType("consent.recorded", "Consent was granted or withdrawn", order=50),
    EventType("contact.blocked", "A channel was blocked (do not contact)", order=51),
    EventType("contact.unblocked", "A do-not-contact block was lifted", order=52),
]


@dataclass(frozen=True)
class ConsentEntry:
    """One entry of the consent log."""

    id: int
    constituent_id: int
    channel: str
    purpose: str
    status: str
    occurred_at: datetime
    method: str
    wording: str
    recorded_by: str
    source: str


@dataclass(frozen=True)
class ContactBlock:
    """A do-not-contact block on one channel (``all`` for every channel)."""

    id: int
    constituent_id: int
    channel: str
    reason: str
    created_at: datetime
    created_by: str
    lifted_at: datetime | None
    lifted_by: str | None

    @property
    def active(self) -> bool:
        """True until the block is lifted."""
        return self.lifted_at is None


def entry_from_row(row: dict[str, Any]) -> ConsentEntry:
    """A consent entry from a ``core_consent`` row."""
    return ConsentEntry(
        id=int(row["id"]),
        constituent_id=int(row["constituent_id"]),
        channel=row["channel"],
        purpose=row["purpose"],
        status=row["status"],
        occurred_at=as_instant(row["occurred_at"]) or utc_now(),
        method=row["method"],
        wording=row["wording"],
        recorded_by=row["recorded_by"],
        source=row["source"],
    )


def block_from_row(row: dict[str, Any]) -> ContactBlock:
    """A contact block from a ``core_contact_block`` row."""
    return ContactBlock(
        id=int(row["id"]),
        constituent_id=int(row["constituent_id"]),
        channel=row["channel"],
        reason=row["reason"],
        created_at=as_instant(row["created_at"]) or utc_now(),
        created_by=row["created_by"],
        lifted_at=as_instant(row["lifted_at"]),
        lifted_by=row["lifted_by"],
    )


def _check_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InvalidInputError({field: f"must be one of {', '.join(choices)}"})


def _check_purpose(purpose: str) -> None:
    if not _PURPOSE.match(purpose):
        raise InvalidInputError(
            {"purpose": "must be 1-60 lower-case letters, digits, '_', '.' or '-'"}
        )


def _check_occurred_at(occurred_at: datetime | None) -> datetime:
    if occurred_at is None:
        return utc_now()
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise InvalidInputError({"occurred_at": "must include a time zone offset"})
    try:
        # Stored as UTC so that SQLite's text timestamps order correctly.
        instant = occurred_at.astimezone(UTC)
    except OverflowError as exc:
        raise InvalidInputError({"occurred_at": "is out of range"}) from exc
    if instant > utc_now() + _FUTURE_TOLERANCE:
        raise InvalidInputError({"occurred_at": "must not be in the future"})
    return instant


async def record_consent(
    constituent_id: int,
    *,
    channel: str,
    purpose: str,
    status: str,
    method: str,
    wording: str,
    occurred_at: datetime | None = None,
    source: str | None = None,
) -> ConsentEntry:
    """Append a consent entry; ``wording`` is the exact text shown and is stored verbatim."""
    _check_choice("channel", channel, CHANNELS)
    _check_purpose(purpose)
    _check_choice("status", status, STATUSES)
    _check_choice("method", method, METHODS)
    if not wording.strip():
        raise InvalidInputError({"wording": "must contain the exact wording shown"})
    if _CONTROL.search(wording):
        raise InvalidInputError({"wording": "must not contain control characters"})
    if len(wording) > MAX_WORDING_LENGTH:
        raise InvalidInputError({"wording": f"must be at most {MAX_WORDING_LENGTH} characters"})
    when = _check_occurred_at(occurred_at)
    cleaned_source = clean_field(source, 100, "source") or ""
    async with unit_of_work():
        await require_constituent(constituent_id)
        rows = await db.fetch_all(
            "INSERT INTO core_consent (constituent_id, channel, purpose, status, occurred_at, "
            "method, wording, recorded_by, source) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "RETURNING id",
            constituent_id,
            channel,
            purpose,
            status,
            when,
            method,
            wording,
            actor_label(),
            cleaned_source,
        )
        entry = await _get_entry(int(rows[0]["id"]))
        await audit.record_change(
            "create", "consent", entry.id, after=asdict(entry), constituent_id=constituent_id
        )
        await emit(
            "consent.recorded",
            {
                "constituent_id": constituent_id,
                "consent_id": entry.id,
                "channel": channel,
                "purpose": purpose,
                "status": status,
            },
        )
    return entry


async def _get_entry(consent_id: int) -> ConsentEntry:
    row = await db.fetch_one("SELECT * FROM core_consent WHERE id = {}", consent_id)
    if row is None:
        raise NotFoundError(f"consent entry {consent_id} not found")
    return entry_from_row(row)


async def consent_log(
    constituent_id: int,
    *,
    channel: str | None = None,
    purpose: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[ConsentEntry]:
    """A page of a constituent's consent log, newest first."""
    offset = offset_of(page, per_page)
    await require_constituent(constituent_id)
    where = "constituent_id = {}"
    args: list[Any] = [constituent_id]
    if channel is not None:
        where += " AND channel = {}"
        args.append(channel)
    if purpose is not None:
        where += " AND purpose = {}"
        args.append(purpose)
    total = await db.fetch_value(f"SELECT COUNT(*) AS n FROM core_consent WHERE {where}", *args)
    rows = await db.fetch_all(
        f"SELECT * FROM core_consent WHERE {where} "
        "ORDER BY occurred_at DESC, id DESC LIMIT {} OFFSET {}",
        *args,
        per_page,
        offset,
    )
    return Page([entry_from_row(r) for r in rows], int(total or 0), page, per_page)


_LATEST_SQL = (
    "SELECT * FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.channel, c.purpose "
    "ORDER BY c.occurred_at DESC, c.id DESC) AS recency FROM core_consent c "
    "WHERE c.constituent_id = {}) latest WHERE recency = 1"
)


async def current_consent(constituent_id: int) -> list[ConsentEntry]:
    """The latest entry of each (channel, purpose) the constituent has a record for."""
    await require_constituent(constituent_id)
    rows = await db.fetch_all(_LATEST_SQL + " ORDER BY channel, purpose", constituent_id)
    for row in rows:
        del row["recency"]
    return [entry_from_row(r) for r in rows]


async def consent_status(constituent_id: int, channel: str, purpose: str) -> str | None:
    """``granted``, ``withdrawn`` or None (never asked) for one (channel, purpose)."""
    value = await db.fetch_value(
        "SELECT status FROM core_consent WHERE constituent_id = {} AND channel = {} "
        "AND purpose = {} ORDER BY occurred_at DESC, id DESC LIMIT 1",
        constituent_id,
        channel,
        purpose,
    )
    return None if value is None else str(value)


# -- do-not-contact ----------------------------------------------------------------------


async def _get_block(block_id: int) -> ContactBlock:
    row = await db.fetch_one(
        "SELECT b.* FROM core_contact_block b JOIN core_constituent c "
        "ON c.id = b.constituent_id AND c.deleted_at IS NULL WHERE b.id = {}",
        block_id,
    )
    if row is None:
        raise NotFoundError(f"contact block {block_id} not found")
    return block_from_row(row)


async def block_contact(constituent_id: int, channel: str, reason: str) -> ContactBlock:
    """Stop contact on a channel (``all`` for every channel); 409 if it is already blocked."""
    _check_choice("channel", channel, BLOCK_CHANNELS)
    cleaned_reason = clean_field(reason, 300, "reason")
    if cleaned_reason is None:
        raise InvalidInputError({"reason": "must not be empty"})
    async with unit_of_work():
        await lock_constituents([constituent_id])
        await require_constituent(constituent_id)
        if await db.fetch_value(
            "SELECT id FROM core_contact_block WHERE constituent_id = {} AND channel = {} "
            "AND lifted_at IS NULL",
            constituent_id,
            channel,
        ):
            raise ConflictError(f"{channel} is already blocked for constituent {constituent_id}")
        rows = await db.fetch_all(
            "INSERT INTO core_contact_block (constituent_id, channel, reason, created_at, "
            "created_by, lifted_at, lifted_by) VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
            constituent_id,
            channel,
            cleaned_reason,
            utc_now(),
            actor_label(),
            None,
            None,
        )
        block = await _get_block(int(rows[0]["id"]))
        await audit.record_change(
            "block", "contact_block", block.id, after=asdict(block), constituent_id=constituent_id
        )
        await emit(
            "contact.blocked",
            {"constituent_id": constituent_id, "block_id": block.id, "channel": channel},
        )
    return block


async def lift_block(block_id: int) -> ContactBlock:
    """Lift an active block, recording when and by whom; the block stays in the history."""
    async with unit_of_work():
        before = await _get_block(block_id)
        await lock_constituents([before.constituent_id])
        if not before.active:
            raise ConflictError(f"contact block {block_id} was already lifted")
        await db.execute(
            "UPDATE core_contact_block SET lifted_at = {}, lifted_by = {} WHERE id = {}",
            utc_now(),
            actor_label(),
            block_id,
        )
        after = await _get_block(block_id)
        await audit.record_change(
            "lift",
            "contact_block",
            block_id,
            before=asdict(before),
            after=asdict(after),
            constituent_id=before.constituent_id,
        )
        await emit(
            "contact.unblocked",
            {
                "constituent_id": before.constituent_id,
                "block_id": block_id,
                "channel": before.channel,
            },
        )
    return after


async def list_blocks(
    constituent_id: int, *, active: bool | None = None, page: int = 1, per_page: int = 50
) -> Page[ContactBlock]:
    """A page of a constituent's blocks, newest first; ``active`` filters lifted or not."""
    offset = offset_of(page, per_page)
    await require_constituent(constituent_id)
    where = "constituent_id = {}"
    if active is not None:
        where += " AND lifted_at IS NULL" if active else " AND lifted_at IS NOT NULL"
    total = await db.fetch_value(
        f"SELECT COUNT(*) AS n FROM core_contact_block WHERE {where}", constituent_id
    )
    rows = await db.fetch_all(
        f"SELECT * FROM core_contact_block WHERE {where} "
        "ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
        constituent_id,
        per_page,
        offset,
    )
    return Page([block_from_row(r) for r in rows], int(total or 0), page, per_page)


async def is_blocked(constituent_id: int, channel: str) -> bool:
    """True while an active block covers ``channel`` (a block on ``all`` covers every one)."""
    found = await db.fetch_value(
        "SELECT id FROM core_contact_block WHERE constituent_id = {} AND lifted_at IS NULL "
        "AND channel IN ({}, {}) LIMIT 1",
        constituent_id,
        channel,
        "all",
    )
    return found is not None

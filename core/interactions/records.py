"""Interaction values as services return them, and their conversion from raw SQL rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from core import db
from core.errors import InvalidInputError, NotFoundError
from core.interactions.catalog import load_payload
from core.pagination import Page

MAX_ID = 2_147_483_647  # PostgreSQL ``serial``: larger ids cannot exist (and cannot be bound)

# Every stored column, qualified with the ``i`` alias used by every read query.
COLUMNS = (
    "id",
    "constituent_id",
    "interaction_type",
    "channel",
    "direction",
    "purpose",
    "subject",
    "body",
    "initiated_by",
    "occurred_at",
    "owner_id",
    "follow_up_status",
    "follow_up_due",
    "follow_up_done_at",
    "source_plugin",
    "payload",
    "external_ref",
    "created_at",
    "updated_at",
    "deleted_at",
)
SELECT_COLUMNS = ", ".join(f"i.{name}" for name in COLUMNS)


@dataclass(frozen=True)
class Interaction:
    """One interaction on a constituent's timeline."""

    id: int
    constituent_id: int
    interaction_type: str
    channel: str
    direction: str
    purpose: str
    subject: str
    body: str
    initiated_by: str
    occurred_at: datetime
    owner_id: int | None
    follow_up_status: str
    follow_up_due: date | None
    follow_up_done_at: datetime | None
    source_plugin: str
    payload: dict[str, Any]
    external_ref: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    owner_name: str | None = None
    constituent_name: str | None = None

    def is_overdue(self, today: date) -> bool:
        """An open follow-up whose due day (org time zone) is before ``today``."""
        return (
            self.follow_up_status == "open"
            and self.follow_up_due is not None
            and self.follow_up_due < today
        )

    def snapshot(self) -> dict[str, Any]:
        """The stored fields, for audit before/after and personal-data export."""
        return {name: getattr(self, name) for name in COLUMNS}


@dataclass(frozen=True)
class FollowUpCounts:
    """Open follow-ups in a scope and how many of them are overdue."""

    open: int
    overdue: int


@dataclass(frozen=True)
class FollowUpPage(Page[Interaction]):
    """A page of follow-ups plus the open/overdue counts of the owner scope."""

    counts: FollowUpCounts = field(default_factory=lambda: FollowUpCounts(0, 0))


def as_datetime(value: Any) -> datetime:
    """A UTC-aware datetime from whatever the driver returned."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a timestamp, got {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_optional_datetime(value: Any) -> datetime | None:
    """Like :func:`as_datetime`, keeping None."""
    return None if value is None else as_datetime(value)


def as_optional_date(value: Any) -> date | None:
    """A calendar date (or None) from whatever the driver returned."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def from_row(row: Mapping[str, Any]) -> Interaction:
    """An :class:`Interaction` from a row selected with :data:`SELECT_COLUMNS`."""
    owner_id = row["owner_id"]
    return Interaction(
        id=int(row["id"]),
        constituent_id=int(row["constituent_id"]),
        interaction_type=row["interaction_type"],
        channel=row["channel"],
        direction=row["direction"],
        purpose=row["purpose"] or "",
        subject=row["subject"] or "",
        body=row["body"] or "",
        initiated_by=row["initiated_by"],
        occurred_at=as_datetime(row["occurred_at"]),
        owner_id=None if owner_id is None else int(owner_id),
        follow_up_status=row["follow_up_status"],
        follow_up_due=as_optional_date(row["follow_up_due"]),
        follow_up_done_at=as_optional_datetime(row["follow_up_done_at"]),
        source_plugin=row["source_plugin"],
        payload=load_payload(row["payload"]),
        external_ref=row["external_ref"],
        created_at=as_datetime(row["created_at"]),
        updated_at=as_datetime(row["updated_at"]),
        deleted_at=as_optional_datetime(row["deleted_at"]),
        owner_name=row.get("owner_name"),
        constituent_name=row.get("constituent_name"),
    )


async def fetch_interaction(interaction_id: int, *, include_deleted: bool = False) -> Interaction:
    """One interaction of a live constituent; NotFoundError otherwise."""
    if not 1 <= interaction_id <= MAX_ID:
        raise NotFoundError(f"no interaction {interaction_id}")
    deleted = "" if include_deleted else " AND i.deleted_at IS NULL"
    row = await db.fetch_one(
        f"SELECT {SELECT_COLUMNS}, u.display_name AS owner_name, "
        "c.display_name AS constituent_name "
        "FROM core_interaction i "
        "JOIN core_constituent c ON c.id = i.constituent_id "
        "LEFT JOIN core_user u ON u.id = i.owner_id "
        "WHERE i.id = {} AND c.deleted_at IS NULL" + deleted,
        interaction_id,
    )
    if row is None:
        raise NotFoundError(f"no interaction {interaction_id}")
    return from_row(row)


async def require_constituent(constituent_id: int) -> None:
    """NotFoundError unless the constituent exists and is not deleted (or merged away)."""
    if not 1 <= constituent_id <= MAX_ID:
        raise NotFoundError(f"no constituent {constituent_id}")
    found = await db.fetch_value(
        "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL", constituent_id
    )
    if found is None:
        raise NotFoundError(f"no constituent {constituent_id}")


async def require_owner(owner_id: int, field_name: str = "owner_id") -> None:
    """InvalidInputError unless ``owner_id`` is an active staff user."""
    if not 1 <= owner_id <= MAX_ID:
        raise InvalidInputError({field_name: f"no active staff user {owner_id}"})
    found = await db.fetch_value(
        "SELECT id FROM core_user WHERE id = {} AND is_active = {}", owner_id, True
    )
    if found is None:
        raise InvalidInputError({field_name: f"no active staff user {owner_id}"})

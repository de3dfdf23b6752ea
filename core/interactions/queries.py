"""Reading timelines and follow-up lists: one raw SQL query per page plus a count.

Timelines are a hot path (every constituent page shows one), so they bypass Piccolo's query
builder and read through :mod:`core.db` on the reused connection, using the
``core_interaction_timeline`` index (constituent_id, occurred_at DESC, id DESC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core import db
from core.errors import InvalidInputError, NotFoundError
from core.interactions.catalog import CHANNELS, FOLLOW_UP_STATUSES, year_in_range
from core.interactions.records import (
    MAX_ID,
    SELECT_COLUMNS,
    FollowUpCounts,
    FollowUpPage,
    Interaction,
    from_row,
)
from core.pagination import Page, offset_of
from core.plugins.registry import current_registry


def org_zone() -> ZoneInfo:
    """The organisation's time zone (``settings.time_zone``)."""
    return current_registry().settings.zone


def org_today() -> date:
    """Today's date in the organisation's time zone (what "overdue" is measured against)."""
    return datetime.now(org_zone()).date()


def start_of_day_utc(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``zone``."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class TimelineFilters:
    """Optional filters of a timeline; dates are inclusive days in the org time zone."""

    channel: str | None = None
    interaction_type: str | None = None
    plugin: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    follow_up_status: str | None = None

    def conditions(self, zone: ZoneInfo) -> tuple[list[str], list[Any]]:
        """SQL conditions on alias ``i`` with their arguments; InvalidInputError if invalid."""
        errors: dict[str, str] = {}
        if self.channel is not None and self.channel not in CHANNELS:
            errors["channel"] = f"must be one of {', '.join(CHANNELS)}"
        if self.follow_up_status is not None and self.follow_up_status not in FOLLOW_UP_STATUSES:
            errors["follow_up_status"] = f"must be one of {', '.join(FOLLOW_UP_STATUSES)}"
        for name, day in (("date_from", self.date_from), ("date_to", self.date_to)):
            if day is not None and not year_in_range(day):
                errors[name] = "must be between the years 1900 and 2199"
        if self.date_from and self.date_to and self.date_from > self.date_to:
            errors.setdefault("date_from", "must not be after date_to")
        if errors:
            raise InvalidInputError(errors)
        sql: list[str] = []
        args: list[Any] = []
        for column, value in (
            ("i.channel", self.channel),
            ("i.interaction_type", self.interaction_type),
            ("i.source_plugin", self.plugin),
            ("i.follow_up_status", self.follow_up_status),
        ):
            if value is not None:
                sql.append(f"{column} = {{}}")
                args.append(value)
        if self.date_from is not None:
            sql.append("i.occurred_at >= {}")
            args.append(start_of_day_utc(self.date_from, zone))
        if self.date_to is not None:
            sql.append("i.occurred_at < {}")
            args.append(start_of_day_utc(self.date_to + timedelta(days=1), zone))
        return sql, args


async def timeline(
    constituent_id: int,
    *,
    page: int = 1,
    per_page: int = 50,
    filters: TimelineFilters | None = None,
    oldest_first: bool = False,
) -> Page[Interaction]:
    """One page of a constituent's interactions, newest first (``occurred_at``, then id).

    NotFoundError if the constituent does not exist or is deleted.
    """
    offset = offset_of(page, per_page)
    if not 1 <= constituent_id <= MAX_ID:
        raise NotFoundError(f"no constituent {constituent_id}")
    extra, extra_args = (filters or TimelineFilters()).conditions(org_zone())
    where = " AND ".join(["i.constituent_id = {}", "i.deleted_at IS NULL", *extra])
    args = [constituent_id, *extra_args]
    # The count and the constituent's existence in one round trip.
    head = await db.fetch_one(
        f"SELECT (SELECT COUNT(*) FROM core_interaction i WHERE {where}) AS total "
        "FROM core_constituent c WHERE c.id = {} AND c.deleted_at IS NULL",
        *args,
        constituent_id,
    )
    if head is None:
        raise NotFoundError(f"no constituent {constituent_id}")
    total = int(head["total"] or 0)
    if offset >= total:
        return Page(items=[], total=total, page=page, per_page=per_page)
    direction = "ASC" if oldest_first else "DESC"
    rows = await db.fetch_all(
        f"SELECT {SELECT_COLUMNS}, u.display_name AS owner_name FROM core_interaction i "
        f"LEFT JOIN core_user u ON u.id = i.owner_id WHERE {where} "
        f"ORDER BY i.occurred_at {direction}, i.id {direction} LIMIT {{}} OFFSET {{}}",
        *args,
        per_page,
        offset,
    )
    return Page(items=[from_row(r) for r in rows], total=total, page=page, per_page=per_page)


_FOLLOW_UP_FROM = (
    "FROM core_interaction i JOIN core_constituent c ON c.id = i.constituent_id "
    "LEFT JOIN core_user u ON u.id = i.owner_id "
)


async def follow_up_counts(owner_id: int | None, today: date) -> FollowUpCounts:
    """Open follow-ups of one owner (or everyone's, with None) and how many are overdue."""
    where = ["i.deleted_at IS NULL", "c.deleted_at IS NULL", "i.follow_up_status = {}"]
    args: list[Any] = [today, "open"]
    if owner_id is not None:
        where.append("i.owner_id = {}")
        args.append(owner_id)
    row = await db.fetch_one(
        "SELECT COUNT(*) AS open_count, "
        "COALESCE(SUM(CASE WHEN i.follow_up_due < {} THEN 1 ELSE 0 END), 0) AS overdue_count "
        + _FOLLOW_UP_FROM
        + "WHERE "
        + " AND ".join(where),
        *args,
    )
    assert row is not None
    return FollowUpCounts(open=int(row["open_count"] or 0), overdue=int(row["overdue_count"] or 0))


async def list_follow_ups(
    *,
    owner_id: int | None,
    status: str = "open",
    overdue: bool = False,
    due_before: date | None = None,
    page: int = 1,
    per_page: int = 50,
    today: date | None = None,
) -> FollowUpPage:
    """Follow-ups of one staff owner (or everyone's, with None), earliest due first.

    ``overdue`` keeps open follow-ups due before today in the org time zone; ``due_before``
    keeps those due before a given day. The page carries the owner's open and overdue
    counts whatever the filters.
    """
    offset = offset_of(page, per_page)
    if status not in FOLLOW_UP_STATUSES or status == "none":
        raise InvalidInputError({"status": "must be one of open, done, cancelled"})
    if overdue and status != "open":
        raise InvalidInputError({"overdue": "only open follow-ups can be overdue"})
    if owner_id is not None and not 1 <= owner_id <= MAX_ID:
        raise InvalidInputError({"owner": f"no staff user {owner_id}"})
    today = today or org_today()
    where = ["i.deleted_at IS NULL", "c.deleted_at IS NULL", "i.follow_up_status = {}"]
    args: list[Any] = [status]
    if owner_id is not None:
        where.append("i.owner_id = {}")
        args.append(owner_id)
    if overdue:
        where.append("i.follow_up_due < {}")
        args.append(today)
    if due_before is not None:
        where.append("i.follow_up_due < {}")
        args.append(due_before)
    condition = " AND ".join(where)
    total = int(
        await db.fetch_value(f"SELECT COUNT(*) AS n {_FOLLOW_UP_FROM}WHERE {condition}", *args) or 0
    )
    items: list[Interaction] = []
    if offset < total:
        rows = await db.fetch_all(
            f"SELECT {SELECT_COLUMNS}, u.display_name AS owner_name, "
            f"c.display_name AS constituent_name {_FOLLOW_UP_FROM}WHERE {condition} "
            "ORDER BY (i.follow_up_due IS NULL), i.follow_up_due, i.id LIMIT {} OFFSET {}",
            *args,
            per_page,
            offset,
        )
        items = [from_row(r) for r in rows]
    return FollowUpPage(
        items=items,
        total=total,
        page=page,
        per_page=per_page,
        counts=await follow_up_counts(owner_id, today),
    )

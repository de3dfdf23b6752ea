"""Opportunities and shifts: create, change, list, and cancel with notice to those signed up.

Each change runs in one unit of work with an audit entry and a domain event dispatched
after commit. A shift's capacity change fills freed places from its waitlist in the same
transaction (see :mod:`plugins.volunteers.signups`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core import audit, db
from core.clock import utc_now
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from plugins.volunteers import notify
from plugins.volunteers.common import (
    ACTIVE_STATUSES,
    as_instant,
    as_int,
    dump_terms,
    load_terms,
    must_instant,
)
from plugins.volunteers.models import Opportunity, OpportunityIn, Shift, ShiftIn, ShiftPatch

_ACTIVE = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)
SHIFT_SELECT = (
    "SELECT s.*, o.title AS opportunity_title, o.location AS location, "
    "(SELECT COUNT(*) FROM volunteers_signup g WHERE g.shift_id = s.id "
    f"AND g.status IN ({_ACTIVE})) AS taken, "
    "(SELECT COUNT(*) FROM volunteers_signup g WHERE g.shift_id = s.id "
    "AND g.status = 'waitlisted') AS waitlisted "
    "FROM volunteers_shift s JOIN volunteers_opportunity o ON o.id = s.opportunity_id"
)


def opportunity_of(row: dict[str, Any]) -> Opportunity:
    """An :class:`Opportunity` from its row."""
    return Opportunity(
        id=row["id"],
        title=row["title"],
        description=row["description"] or "",
        location=row["location"] or "",
        required_skills=load_terms(row["required_skills"]),
        minimum_age=row["minimum_age"],
        contact_constituent_id=row["contact_constituent_id"],
        contact_user_id=row["contact_user_id"],
        active=bool(row["active"]),
        created_at=must_instant(row["created_at"]),
        updated_at=must_instant(row["updated_at"]),
    )


def shift_of(row: dict[str, Any]) -> Shift:
    """A :class:`Shift` from a :data:`SHIFT_SELECT` row."""
    return Shift(
        id=row["id"],
        opportunity_id=row["opportunity_id"],
        opportunity_title=row["opportunity_title"],
        location=row["location"] or "",
        series_id=row["series_id"],
        starts_at=must_instant(row["starts_at"]),
        ends_at=must_instant(row["ends_at"]),
        capacity=as_int(row["capacity"]),
        detached=bool(row["detached"]),
        cancelled_at=as_instant(row["cancelled_at"]),
        cancel_reason=row["cancel_reason"] or "",
        taken=as_int(row["taken"]),
        waitlisted=as_int(row["waitlisted"]),
    )


async def _check_contact(data: OpportunityIn) -> None:
    if data.contact_constituent_id is not None and not await db.fetch_one(
        "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL",
        data.contact_constituent_id,
    ):
        raise InvalidInputError({"contact_constituent_id": "no such constituent"})
    if data.contact_user_id is not None and not await db.fetch_one(
        "SELECT id FROM core_user WHERE id = {}", data.contact_user_id
    ):
        raise InvalidInputError({"contact_user_id": "no such user"})


def _opportunity_values(data: OpportunityIn) -> list[Any]:
    return [
        data.title.strip(),
        data.description,
        data.location.strip(),
        dump_terms(data.required_skills),
        data.minimum_age,
        data.contact_constituent_id,
        data.contact_user_id,
        data.active,
    ]


async def create_opportunity(data: OpportunityIn) -> Opportunity:
    """Create an opportunity."""
    async with unit_of_work():
        await _check_contact(data)
        now = utc_now()
        row = await db.fetch_one(
            "INSERT INTO volunteers_opportunity (title, description, location, required_skills, "
            "minimum_age, contact_constituent_id, contact_user_id, active, created_at, "
            "updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
            *_opportunity_values(data),
            now,
            now,
        )
        assert row is not None
        opportunity = await get_opportunity(int(row["id"]))
        await audit.record_change(
            "create", "volunteers_opportunity", opportunity.id, after=opportunity.model_dump()
        )
        await emit("volunteers.opportunity_changed", {"opportunity_id": opportunity.id})
    return opportunity


async def update_opportunity(opportunity_id: int, data: OpportunityIn) -> Opportunity:
    """Replace an opportunity's fields."""
    async with unit_of_work():
        before = await get_opportunity(opportunity_id)
        await _check_contact(data)
        await db.execute(
            "UPDATE volunteers_opportunity SET title = {}, description = {}, location = {}, "
            "required_skills = {}, minimum_age = {}, contact_constituent_id = {}, "
            "contact_user_id = {}, active = {}, updated_at = {} WHERE id = {}",
            *_opportunity_values(data),
            utc_now(),
            opportunity_id,
        )
        after = await get_opportunity(opportunity_id)
        await audit.record_change(
            "update",
            "volunteers_opportunity",
            opportunity_id,
            before=before.model_dump(),
            after=after.model_dump(),
        )
        await emit("volunteers.opportunity_changed", {"opportunity_id": opportunity_id})
    return after


async def get_opportunity(opportunity_id: int) -> Opportunity:
    """One opportunity; NotFoundError when missing."""
    row = await db.fetch_one("SELECT * FROM volunteers_opportunity WHERE id = {}", opportunity_id)
    if row is None:
        raise NotFoundError(f"no opportunity with id {opportunity_id}")
    return opportunity_of(row)


async def list_opportunities(*, active_only: bool = False) -> list[Opportunity]:
    """Every opportunity by title (only active ones when asked)."""
    sql = "SELECT * FROM volunteers_opportunity"
    if active_only:
        sql += " WHERE active = {}"
        rows = await db.fetch_all(sql + " ORDER BY title, id", True)
    else:
        rows = await db.fetch_all(sql + " ORDER BY title, id")
    return [opportunity_of(row) for row in rows]


async def get_shift(shift_id: int) -> Shift:
    """One shift with its counts; NotFoundError when missing."""
    row = await db.fetch_one(SHIFT_SELECT + " WHERE s.id = {}", shift_id)
    if row is None:
        raise NotFoundError(f"no shift with id {shift_id}")
    return shift_of(row)


async def lock_shift(shift_id: int) -> dict[str, Any]:
    """The shift's row, locked until the transaction ends.

    SQLite's IMMEDIATE transactions already serialise writers; PostgreSQL needs
    ``FOR UPDATE`` so concurrent sign-ups to one shift count places one after another.
    """
    sql = "SELECT * FROM volunteers_shift WHERE id = {}"
    if not db.is_sqlite():
        sql += " FOR UPDATE"
    row = await db.fetch_one(sql, shift_id)
    if row is None:
        raise NotFoundError(f"no shift with id {shift_id}")
    return row


async def list_shifts(
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    opportunity_id: int | None = None,
    include_cancelled: bool = True,
    limit: int = 500,
) -> list[Shift]:
    """Shifts starting in ``[start, end)``, earliest first."""
    conditions: list[str] = ["1 = 1"]
    args: list[Any] = []
    if start is not None:
        conditions.append("s.starts_at >= {}")
        args.append(start)
    if end is not None:
        conditions.append("s.starts_at < {}")
        args.append(end)
    if opportunity_id is not None:
        conditions.append("s.opportunity_id = {}")
        args.append(opportunity_id)
    if not include_cancelled:
        conditions.append("s.cancelled_at IS NULL")
    rows = await db.fetch_all(
        SHIFT_SELECT + " WHERE " + " AND ".join(conditions) + " ORDER BY s.starts_at, s.id "
        "LIMIT {}",
        *args,
        limit,
    )
    return [shift_of(row) for row in rows]


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInputError({"ends_at": "must be after the start"})
    if (ends_at - starts_at).total_seconds() > 24 * 3600:
        raise InvalidInputError({"ends_at": "a shift lasts at most 24 hours"})


async def insert_shift(
    opportunity_id: int,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    series_id: int | None = None,
) -> int:
    """Insert one shift row (inside the caller's transaction); returns its id."""
    now = utc_now()
    row = await db.fetch_one(
        "INSERT INTO volunteers_shift (opportunity_id, series_id, starts_at, ends_at, capacity, "
        "detached, cancelled_at, cancel_reason, created_at, updated_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        opportunity_id,
        series_id,
        starts_at,
        ends_at,
        capacity,
        False,
        None,
        "",
        now,
        now,
    )
    assert row is not None
    return int(row["id"])


async def create_shift(data: ShiftIn) -> Shift:
    """Create a one-off shift."""
    _check_times(data.starts_at, data.ends_at)
    async with unit_of_work():
        await get_opportunity(data.opportunity_id)
        shift_id = await insert_shift(
            data.opportunity_id, data.starts_at, data.ends_at, data.capacity
        )
        shift = await get_shift(shift_id)
        await audit.record_change("create", "volunteers_shift", shift_id, after=shift.model_dump())
        await emit("volunteers.shift_changed", {"shift_id": shift_id})
    return shift


async def update_shift(shift_id: int, patch: ShiftPatch) -> Shift:
    """Change one shift (it stops following its series); more places promote the waitlist."""
    from plugins.volunteers.signups import fill_from_waitlist

    async with unit_of_work():
        await lock_shift(shift_id)
        before = await get_shift(shift_id)
        if before.cancelled_at is not None:
            raise ConflictError("a cancelled shift cannot be changed")
        starts = patch.starts_at or before.starts_at
        ends = patch.ends_at or before.ends_at
        _check_times(starts, ends)
        capacity = patch.capacity or before.capacity
        await db.execute(
            "UPDATE volunteers_shift SET starts_at = {}, ends_at = {}, capacity = {}, "
            "detached = {}, updated_at = {} WHERE id = {}",
            starts,
            ends,
            capacity,
            True,
            utc_now(),
            shift_id,
        )
        await fill_from_waitlist(shift_id)
        after = await get_shift(shift_id)
        await audit.record_change(
            "update",
            "volunteers_shift",
            shift_id,
            before=before.model_dump(),
            after=after.model_dump(),
        )
        await emit("volunteers.shift_changed", {"shift_id": shift_id})
    return after


async def cancel_shift(shift_id: int, reason: str) -> Shift:
    """Cancel a shift, cancel its sign-ups and email everyone who was signed up or waiting.

    Cancelling an already cancelled shift changes nothing and sends nothing.
    """
    reason = " ".join(reason.split())[:500]
    async with unit_of_work():
        row = await lock_shift(shift_id)
        if row["cancelled_at"] is not None:
            return await get_shift(shift_id)
        before = await get_shift(shift_id)
        people = await db.fetch_all(
            "SELECT id, constituent_id FROM volunteers_signup WHERE shift_id = {} "
            "AND status IN ('signed_up', 'confirmed', 'waitlisted') ORDER BY id",
            shift_id,
        )
        now = utc_now()
        await db.execute(
            "UPDATE volunteers_shift SET cancelled_at = {}, cancel_reason = {}, updated_at = {} "
            "WHERE id = {}",
            now,
            reason,
            now,
            shift_id,
        )
        await db.execute(
            "UPDATE volunteers_signup SET status = 'cancelled', waitlist_position = NULL, "
            "updated_at = {} WHERE shift_id = {} AND status IN "
            "('signed_up', 'confirmed', 'waitlisted')",
            now,
            shift_id,
        )
        after = await get_shift(shift_id)
        for person in people:
            await notify.shift_cancelled(int(person["constituent_id"]), after)
        await audit.record_change(
            "cancel",
            "volunteers_shift",
            shift_id,
            before=before.model_dump(),
            after=after.model_dump(),
        )
        await emit(
            "volunteers.shift_cancelled",
            {"shift_id": shift_id, "notified": [int(p["constituent_id"]) for p in people]},
        )
    return after

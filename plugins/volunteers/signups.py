"""Sign-ups with a hard capacity, a waitlist that promotes automatically, and status changes.

Every change first locks the shift row (:func:`~plugins.volunteers.shifts.lock_shift`), so
concurrent sign-ups and cancellations for one shift run one after another: on SQLite the
IMMEDIATE transaction holds the database's write lock from its first statement, on
PostgreSQL ``SELECT ... FOR UPDATE`` holds the shift row. Counting places and taking one
therefore never interleave: a 10-place shift never gets an 11th person, and a freed place is
given to exactly one waiting person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import audit, db
from core.clock import utc_now
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.interactions import service as interactions
from plugins.volunteers import notify
from plugins.volunteers.common import (
    ACTIVE_STATUSES,
    as_instant,
    as_int,
    must_instant,
    org_date_of,
)
from plugins.volunteers.models import Signup
from plugins.volunteers.shifts import get_opportunity, get_shift, lock_shift

INTERACTION_TYPE = "volunteers.shift"
_ACTIVE = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)
STAFF_STATUSES = ("signed_up", "confirmed", "attended", "no_show")
SIGNUP_SELECT = (
    "SELECT g.*, c.display_name FROM volunteers_signup g "
    "JOIN core_constituent c ON c.id = g.constituent_id"
)


def signup_of(row: dict[str, Any]) -> Signup:
    """A :class:`Signup` from a :data:`SIGNUP_SELECT` row."""
    return Signup(
        id=row["id"],
        shift_id=row["shift_id"],
        constituent_id=row["constituent_id"],
        display_name=row["display_name"] or "",
        status=row["status"],
        waitlist_position=row["waitlist_position"],
        source=row["source"],
        checked_in_at=as_instant(row["checked_in_at"]),
        checked_out_at=as_instant(row["checked_out_at"]),
        created_at=must_instant(row["created_at"]),
    )


async def get_signup(signup_id: int) -> Signup:
    """One sign-up; NotFoundError when missing."""
    row = await db.fetch_one(SIGNUP_SELECT + " WHERE g.id = {}", signup_id)
    if row is None:
        raise NotFoundError(f"no sign-up with id {signup_id}")
    return signup_of(row)


async def roster(shift_id: int) -> list[Signup]:
    """A shift's sign-ups: people with a place by name, then the waitlist in order."""
    rows = await db.fetch_all(
        SIGNUP_SELECT + " WHERE g.shift_id = {} ORDER BY CASE WHEN g.status = 'waitlisted' "
        "THEN 1 WHEN g.status = 'cancelled' THEN 2 ELSE 0 END, g.waitlist_position, "
        "c.sort_name, g.id",
        shift_id,
    )
    return [signup_of(row) for row in rows]


async def places_taken(shift_id: int) -> int:
    """Sign-ups holding a place on the shift (not waitlisted or cancelled)."""
    return as_int(
        await db.fetch_value(
            f"SELECT COUNT(*) AS n FROM volunteers_signup WHERE shift_id = {{}} "
            f"AND status IN ({_ACTIVE})",
            shift_id,
        )
    )


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


async def _check_person(constituent_id: int, opportunity_id: int, shift_day: date) -> None:
    person = await db.fetch_one(
        "SELECT id, birth_date, deceased FROM core_constituent WHERE id = {} "
        "AND deleted_at IS NULL",
        constituent_id,
    )
    if person is None:
        raise InvalidInputError({"constituent_id": "no such constituent"})
    if person["deceased"]:
        raise InvalidInputError({"constituent_id": "this person is recorded as deceased"})
    minimum = (await get_opportunity(opportunity_id)).minimum_age
    birth = person["birth_date"]
    if minimum and birth is not None:
        born = birth if isinstance(birth, date) else date.fromisoformat(str(birth)[:10])
        if _age_on(born, shift_day) < minimum:
            raise InvalidInputError(
                {"constituent_id": f"volunteers must be at least {minimum} years old"}
            )


async def _timeline(signup: Signup, title: str) -> None:
    await interactions.record_interaction(
        constituent_id=signup.constituent_id,
        interaction_type=INTERACTION_TYPE,
        payload={"shift_id": signup.shift_id, "signup_id": signup.id, "title": title},
        direction="inbound",
        initiated_by="constituent" if signup.source == "portal" else "staff",
        subject=title,
        external_ref=f"volunteers.signup:{signup.id}",
    )


async def sign_up(shift_id: int, constituent_id: int, *, source: str = "staff") -> Signup:
    """Give a person a place on a shift, or a waitlist position when it is full.

    A person already signed up or waiting keeps their sign-up (the call is idempotent); a
    cancelled sign-up is reopened at the back of the queue. Raises ConflictError for a
    cancelled or past shift and InvalidInputError for an unknown, deceased or under-age person.
    """
    if source not in ("portal", "staff"):
        raise InvalidInputError({"source": "must be portal or staff"})
    async with unit_of_work():
        row = await lock_shift(shift_id)
        if row["cancelled_at"] is not None:
            raise ConflictError("this shift has been cancelled")
        starts = must_instant(row["starts_at"])
        if starts <= utc_now():
            raise ConflictError("this shift has already started")
        await _check_person(constituent_id, int(row["opportunity_id"]), org_date_of(starts))
        existing = await db.fetch_one(
            "SELECT id, status FROM volunteers_signup WHERE shift_id = {} AND constituent_id = {}",
            shift_id,
            constituent_id,
        )
        if existing is not None and existing["status"] != "cancelled":
            return await get_signup(int(existing["id"]))
        if await places_taken(shift_id) < as_int(row["capacity"]):
            status, position = "signed_up", None
        else:
            status = "waitlisted"
            position = 1 + as_int(
                await db.fetch_value(
                    "SELECT MAX(waitlist_position) AS p FROM volunteers_signup "
                    "WHERE shift_id = {} AND status = 'waitlisted'",
                    shift_id,
                )
            )
        now = utc_now()
        if existing is None:
            inserted = await db.fetch_one(
                "INSERT INTO volunteers_signup (shift_id, constituent_id, status, "
                "waitlist_position, source, checked_in_at, checked_out_at, created_at, "
                "updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
                shift_id,
                constituent_id,
                status,
                position,
                source,
                None,
                None,
                now,
                now,
            )
            assert inserted is not None
            signup_id = int(inserted["id"])
        else:
            signup_id = int(existing["id"])
            await db.execute(
                "UPDATE volunteers_signup SET status = {}, waitlist_position = {}, source = {}, "
                "checked_in_at = NULL, checked_out_at = NULL, updated_at = {} WHERE id = {}",
                status,
                position,
                source,
                now,
                signup_id,
            )
        signup = await get_signup(signup_id)
        shift = await get_shift(shift_id)
        await audit.record_change(
            "sign_up",
            "volunteers_signup",
            signup_id,
            after=signup.model_dump(),
            constituent_id=constituent_id,
        )
        await _timeline(signup, shift.opportunity_title)
        await emit(
            "volunteers.signed_up",
            {
                "signup_id": signup_id,
                "shift_id": shift_id,
                "constituent_id": constituent_id,
                "status": status,
            },
        )
    return signup


async def fill_from_waitlist(shift_id: int) -> list[int]:
    """Promote waiting people, first in line first, while the shift has free places.

    Runs inside the caller's transaction after it locked the shift; returns the promoted
    sign-up ids. Each promoted person is emailed.
    """
    row = await lock_shift(shift_id)
    if row["cancelled_at"] is not None:
        return []
    free = as_int(row["capacity"]) - await places_taken(shift_id)
    if free <= 0:
        return []
    waiting = await db.fetch_all(
        "SELECT id, constituent_id FROM volunteers_signup WHERE shift_id = {} "
        "AND status = 'waitlisted' ORDER BY waitlist_position, id LIMIT {}",
        shift_id,
        free,
    )
    if not waiting:
        return []
    shift = await get_shift(shift_id)
    now = utc_now()
    for person in waiting:
        await db.execute(
            "UPDATE volunteers_signup SET status = 'signed_up', waitlist_position = NULL, "
            "updated_at = {} WHERE id = {} AND status = 'waitlisted'",
            now,
            person["id"],
        )
        await audit.record_change(
            "promote",
            "volunteers_signup",
            person["id"],
            before={"status": "waitlisted"},
            after={"status": "signed_up"},
            constituent_id=int(person["constituent_id"]),
        )
        await notify.promoted(int(person["constituent_id"]), shift)
        await emit(
            "volunteers.promoted",
            {
                "signup_id": int(person["id"]),
                "shift_id": shift_id,
                "constituent_id": int(person["constituent_id"]),
            },
        )
    return [int(person["id"]) for person in waiting]


async def cancel_signup(signup_id: int) -> Signup:
    """Cancel a sign-up (idempotent); a freed place goes to the first person waiting."""
    async with unit_of_work():
        found = await db.fetch_one(
            "SELECT shift_id FROM volunteers_signup WHERE id = {}", signup_id
        )
        if found is None:
            raise NotFoundError(f"no sign-up with id {signup_id}")
        shift_id = int(found["shift_id"])
        await lock_shift(shift_id)
        before = await get_signup(signup_id)
        if before.status == "cancelled":
            return before
        if before.status in ("attended", "no_show"):
            raise ConflictError("an attended or missed shift cannot be cancelled")
        await db.execute(
            "UPDATE volunteers_signup SET status = 'cancelled', waitlist_position = NULL, "
            "updated_at = {} WHERE id = {}",
            utc_now(),
            signup_id,
        )
        await fill_from_waitlist(shift_id)
        after = await get_signup(signup_id)
        await audit.record_change(
            "cancel",
            "volunteers_signup",
            signup_id,
            before=before.model_dump(),
            after=after.model_dump(),
            constituent_id=before.constituent_id,
        )
        await emit(
            "volunteers.signup_cancelled",
            {"signup_id": signup_id, "shift_id": shift_id, "constituent_id": before.constituent_id},
        )
    return after


async def set_status(signup_id: int, status: str) -> Signup:
    """A coordinator marks a sign-up confirmed, attended, no-show or back to signed up."""
    if status not in STAFF_STATUSES:
        raise InvalidInputError({"status": f"must be one of {', '.join(STAFF_STATUSES)}"})
    async with unit_of_work():
        before = await get_signup(signup_id)
        await lock_shift(before.shift_id)
        before = await get_signup(signup_id)
        if before.status in ("cancelled", "waitlisted"):
            raise ConflictError("a cancelled or waitlisted sign-up has no place to mark")
        await db.execute(
            "UPDATE volunteers_signup SET status = {}, updated_at = {} WHERE id = {}",
            status,
            utc_now(),
            signup_id,
        )
        after = await get_signup(signup_id)
        await audit.record_change(
            "update",
            "volunteers_signup",
            signup_id,
            before=before.model_dump(),
            after=after.model_dump(),
            constituent_id=before.constituent_id,
        )
        await emit("volunteers.signup_status", {"signup_id": signup_id, "status": status})
    return after


async def signups_of(constituent_id: int, *, upcoming_only: bool = False) -> list[dict[str, Any]]:
    """A person's sign-ups with their shift's times and title, soonest first."""
    sql = (
        "SELECT g.id, g.shift_id, g.status, g.waitlist_position, g.checked_in_at, "
        "g.checked_out_at, s.starts_at, s.ends_at, s.cancelled_at, o.title, o.location "
        "FROM volunteers_signup g JOIN volunteers_shift s ON s.id = g.shift_id "
        "JOIN volunteers_opportunity o ON o.id = s.opportunity_id WHERE g.constituent_id = {}"
    )
    args: list[Any] = [constituent_id]
    if upcoming_only:
        sql += " AND s.starts_at >= {} AND g.status IN ('signed_up', 'confirmed', 'waitlisted')"
        args.append(utc_now())
    rows = await db.fetch_all(sql + " ORDER BY s.starts_at, g.id", *args)
    for row in rows:
        for key in ("starts_at", "ends_at", "cancelled_at", "checked_in_at", "checked_out_at"):
            row[key] = as_instant(row[key])
    return rows

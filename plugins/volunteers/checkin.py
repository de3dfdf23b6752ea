"""Check-in and check-out at the kiosk, coordinator corrections, and hours from attendance.

Arriving marks the sign-up ``attended``; leaving writes (or rewrites) the sign-up's hours
entry from the two instants, approved at once because staff ran the kiosk. A coordinator's
correction of either instant rewrites that entry the same way, so the hours always match
the recorded attendance.
"""

from __future__ import annotations

from datetime import datetime

from core import audit, db
from core.clock import utc_now
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.validation import fold
from plugins.volunteers.common import org_date_of
from plugins.volunteers.models import Signup
from plugins.volunteers.notify import signup_of_code
from plugins.volunteers.shifts import get_shift, lock_shift
from plugins.volunteers.signups import SIGNUP_SELECT, get_signup, signup_of

MAX_MINUTES = 24 * 60


async def search_roster(shift_id: int, query: str) -> list[Signup]:
    """People with a place on the shift whose name contains every word of ``query``.

    Matching uses the constituent's folded search text, so "lucia" finds "Lucía".
    At most 20 people.
    """
    words = [w for w in fold(query).split() if w][:4]
    if not words:
        return []
    conditions = " AND ".join("c.search_text LIKE {}" for _ in words)
    rows = await db.fetch_all(
        SIGNUP_SELECT + " WHERE g.shift_id = {} AND g.status IN "
        "('signed_up', 'confirmed', 'attended') AND " + conditions + " ORDER BY c.sort_name "
        "LIMIT 20",
        shift_id,
        *[f"%{w}%" for w in words],
    )
    return [signup_of(row) for row in rows]


async def signup_for_code(shift_id: int, code: str) -> Signup:
    """The sign-up a reminder's check-in code names, if it belongs to this shift."""
    signup_id = signup_of_code(code)
    if signup_id is None:
        raise InvalidInputError({"code": "this check-in code is not valid"})
    try:
        signup = await get_signup(signup_id)
    except NotFoundError as exc:
        raise InvalidInputError({"code": "this check-in code is not valid"}) from exc
    if signup.shift_id != shift_id:
        raise InvalidInputError({"code": "this check-in code is for another shift"})
    return signup


async def _write_hours(signup: Signup, arrived: datetime, left: datetime) -> None:
    minutes = int((left - arrived).total_seconds() // 60)
    if minutes == 0 and left >= arrived:
        raise InvalidInputError({"checked_out_at": "less than a minute after arrival"})
    if minutes <= 0 or minutes > MAX_MINUTES:
        raise InvalidInputError({"checked_out_at": "must be after arrival, within 24 hours"})
    shift = await get_shift(signup.shift_id)
    now = utc_now()
    existing = await db.fetch_one("SELECT id FROM volunteers_hours WHERE signup_id = {}", signup.id)
    if existing is None:
        await db.execute(
            "INSERT INTO volunteers_hours (constituent_id, opportunity_id, shift_id, signup_id, "
            "work_date, minutes, source, status, note, approver_user_id, decided_at, "
            "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            signup.constituent_id,
            shift.opportunity_id,
            shift.id,
            signup.id,
            org_date_of(arrived),
            minutes,
            "checkin",
            "approved",
            "",
            None,
            now,
            now,
            now,
        )
    else:
        await db.execute(
            "UPDATE volunteers_hours SET minutes = {}, work_date = {}, updated_at = {} "
            "WHERE id = {}",
            minutes,
            org_date_of(arrived),
            now,
            existing["id"],
        )
    await emit(
        "volunteers.hours_recorded",
        {"signup_id": signup.id, "constituent_id": signup.constituent_id, "minutes": minutes},
    )


async def check_in(signup_id: int, *, at: datetime | None = None) -> Signup:
    """Record arrival (a repeat keeps the first arrival) and mark the sign-up attended."""
    async with unit_of_work():
        before = await get_signup(signup_id)
        await lock_shift(before.shift_id)
        before = await get_signup(signup_id)
        if before.status not in ("signed_up", "confirmed", "attended", "no_show"):
            raise ConflictError("only a person with a place on the shift can check in")
        if before.checked_in_at is not None:
            return before
        await db.execute(
            "UPDATE volunteers_signup SET status = 'attended', checked_in_at = {}, "
            "updated_at = {} WHERE id = {}",
            at or utc_now(),
            utc_now(),
            signup_id,
        )
        after = await get_signup(signup_id)
        await audit.record_change(
            "check_in",
            "volunteers_signup",
            signup_id,
            before=before.model_dump(),
            after=after.model_dump(),
            constituent_id=before.constituent_id,
        )
        await emit("volunteers.checked_in", {"signup_id": signup_id, "direction": "in"})
    return after


async def check_out(signup_id: int, *, at: datetime | None = None) -> Signup:
    """Record departure and the hours between arrival and departure."""
    async with unit_of_work():
        before = await get_signup(signup_id)
        await lock_shift(before.shift_id)
        before = await get_signup(signup_id)
        if before.checked_in_at is None:
            raise ConflictError("check in before checking out")
        if before.checked_out_at is not None:
            return before
        left = at or utc_now()
        await _write_hours(before, before.checked_in_at, left)
        await db.execute(
            "UPDATE volunteers_signup SET checked_out_at = {}, updated_at = {} WHERE id = {}",
            left,
            utc_now(),
            signup_id,
        )
        after = await get_signup(signup_id)
        await audit.record_change(
            "check_out",
            "volunteers_signup",
            signup_id,
            before=before.model_dump(),
            after=after.model_dump(),
            constituent_id=before.constituent_id,
        )
        await emit("volunteers.checked_in", {"signup_id": signup_id, "direction": "out"})
    return after


async def correct_attendance(
    signup_id: int, checked_in_at: datetime, checked_out_at: datetime | None
) -> Signup:
    """A coordinator sets arrival and departure; the hours entry follows."""
    if checked_out_at is not None and checked_out_at <= checked_in_at:
        raise InvalidInputError({"checked_out_at": "must be after arrival"})
    async with unit_of_work():
        before = await get_signup(signup_id)
        await lock_shift(before.shift_id)
        if before.status in ("cancelled", "waitlisted"):
            raise ConflictError("a cancelled or waitlisted sign-up has no attendance")
        await db.execute(
            "UPDATE volunteers_signup SET status = 'attended', checked_in_at = {}, "
            "checked_out_at = {}, updated_at = {} WHERE id = {}",
            checked_in_at,
            checked_out_at,
            utc_now(),
            signup_id,
        )
        if checked_out_at is not None:
            await _write_hours(before, checked_in_at, checked_out_at)
        else:
            await db.execute("DELETE FROM volunteers_hours WHERE signup_id = {}", signup_id)
        after = await get_signup(signup_id)
        await audit.record_change(
            "correct",
            "volunteers_signup",
            signup_id,
            before=before.model_dump(),
            after=after.model_dump(),
            constituent_id=before.constituent_id,
        )
    return after

"""Admin pages for shifts: list, new (one-off or recurring), roster, edits and cancellation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import ValidationError

from admin import form_values, render_admin_page
from admin.forms import errors_from_validation
from core import db
from core.clock import utc_now
from core.errors import ConflictError, InvalidInputError, StewardError
from core.i18n import gettext as _
from core.validation import fold
from core.web.pages import redirect_with_flash
from plugins.volunteers import series, shifts, signups
from plugins.volunteers.admin_common import (
    BASE,
    READ,
    WRITE,
    as_int_or_none,
    form_errors_of,
    local_parts,
    parse_local,
    service_message,
)
from plugins.volunteers.common import local, org_today
from plugins.volunteers.labels import status_labels
from plugins.volunteers.models import SeriesChange, SeriesIn, ShiftIn, ShiftPatch


@get("/shifts", include_in_schema=False, opt=READ)
async def shift_list(request: Request[Any, Any, Any]) -> Response[str]:
    """Shifts from a date (default today) for eight weeks, optionally of one opportunity."""
    raw = request.query_params.get("from") or ""
    try:
        start_day = date.fromisoformat(raw) if raw else org_today()
    except ValueError:
        start_day = org_today()
    opportunity_id = as_int_or_none(request.query_params.get("opportunity_id"))
    start = parse_local(start_day.isoformat(), "00:00") or utc_now()
    found = await shifts.list_shifts(
        start=start, end=start + timedelta(weeks=8), opportunity_id=opportunity_id
    )
    context = {
        "shifts": found,
        "values": {"from": start_day.isoformat(), "opportunity_id": opportunity_id},
        "errors": {},
        "opportunities": [(o.id, o.title) for o in await shifts.list_opportunities()],
    }
    return await render_admin_page(request, "volunteers/admin/shifts.html", context)


async def _new_form(
    request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str], code: int
) -> Response[str]:
    context = {
        "values": values,
        "errors": errors,
        "opportunities": [(o.id, o.title) for o in await shifts.list_opportunities()],
        "frequencies": [
            ("once", _("Once")),
            ("weekly", _("Weekly")),
            ("monthly", _("Monthly (same day of the month)")),
        ],
    }
    return await render_admin_page(
        request, "volunteers/admin/shift_form.html", context, status_code=code
    )


@get("/shifts/new", include_in_schema=False, opt=WRITE)
async def shift_new(request: Request[Any, Any, Any]) -> Response[str]:
    """The new-shift form (one-off or a recurring schedule)."""
    tomorrow = (org_today() + timedelta(days=1)).isoformat()
    values = {
        "frequency": "once",
        "day": tomorrow,
        "start_time": "10:00",
        "duration_minutes": "180",
        "capacity": "10",
        "every_n": "1",
        "opportunity_id": request.query_params.get("opportunity_id"),
    }
    return await _new_form(request, values, {}, 200)


@post("/shifts", include_in_schema=False, opt=WRITE)
async def shift_create(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create a one-off shift or a recurring schedule and its shifts."""
    values = await form_values(request)
    frequency = values.get("frequency") or "once"
    try:
        if frequency == "once":
            starts = parse_local(values.get("day"), values.get("start_time"))
            if starts is None:
                return await _new_form(request, values, {"day": _("Enter a date and a time.")}, 422)
            minutes = as_int_or_none(values.get("duration_minutes")) or 0
            made = await shifts.create_shift(
                ShiftIn.model_validate(
                    {
                        "opportunity_id": values.get("opportunity_id"),
                        "starts_at": starts,
                        "ends_at": starts + timedelta(minutes=minutes),
                        "capacity": values.get("capacity"),
                    }
                )
            )
            return redirect_with_flash(f"{BASE}/shifts/{made.id}", _("Shift created."))
        data = SeriesIn.model_validate(
            {
                "opportunity_id": values.get("opportunity_id"),
                "frequency": frequency,
                "every_n": values.get("every_n") or 1,
                "start_date": values.get("day"),
                "until_date": values.get("until_date"),
                "local_start": values.get("start_time"),
                "duration_minutes": values.get("duration_minutes"),
                "capacity": values.get("capacity"),
            }
        )
        _series_id, ids = await series.create_series(data)
    except ValidationError as exc:
        errors = errors_from_validation(exc)
        renamed = {"starts_at": "day", "start_date": "day", "local_start": "start_time"}
        return await _new_form(
            request, values, {renamed.get(k, k): v for k, v in errors.items()}, 422
        )
    except InvalidInputError as exc:
        errors = form_errors_of(exc.errors)
        if "ends_at" in errors:
            errors["duration_minutes"] = errors.pop("ends_at")
        return await _new_form(request, values, errors, 422)
    message = _("Schedule created with %(n)s shifts.", n=len(ids))
    target = f"{BASE}/shifts/{ids[0]}" if ids else f"{BASE}/shifts"
    return redirect_with_flash(target, message)


async def find_people(query: str) -> list[dict[str, Any]]:
    """Up to 10 living constituents whose names or emails contain every word typed."""
    words = [w for w in fold(query).split() if w][:4]
    if not words:
        return []
    conditions = " AND ".join("search_text LIKE {}" for _ in words)
    return await db.fetch_all(
        "SELECT id, display_name, primary_email FROM core_constituent WHERE deleted_at IS NULL "
        "AND deceased = {} AND " + conditions + " ORDER BY sort_name, id LIMIT 10",
        False,
        *[f"%{w}%" for w in words],
    )


async def _detail(
    request: Request[Any, Any, Any], shift_id: int, errors: dict[str, str], code: int = 200
) -> Response[str]:
    shift = await shifts.get_shift(shift_id)
    day, wall = local_parts(shift.starts_at)
    roster = await signups.roster(shift_id)
    who = (request.query_params.get("who") or "").strip()[:100]
    context = {
        "shift": shift,
        "roster": roster,
        "who": who,
        "people": await find_people(who) if who else [],
        "status_labels": status_labels(),
        "staff_statuses": [(s, status_labels()[s]) for s in signups.STAFF_STATUSES],
        "series": await series.get_series(shift.series_id) if shift.series_id else None,
        "values": {
            "day": day,
            "start_time": wall,
            "duration_minutes": int((shift.ends_at - shift.starts_at).total_seconds() // 60),
            "capacity": shift.capacity,
        },
        "errors": errors,
        "started": shift.starts_at <= utc_now(),
        "local_times": {
            s.id: (local_parts(s.checked_in_at)[1], local_parts(s.checked_out_at)[1])
            for s in roster
        },
    }
    return await render_admin_page(
        request, "volunteers/admin/shift.html", context, status_code=code
    )


@get("/shifts/{shift_id:int}", include_in_schema=False, opt=READ)
async def shift_detail(request: Request[Any, Any, Any], shift_id: FromPath[int]) -> Response[str]:
    """A shift: details, roster with statuses and waitlist, and the coordinator's actions."""
    return await _detail(request, shift_id, {})


@post("/shifts/{shift_id:int}/signups", include_in_schema=False, opt=WRITE)
async def signup_on_behalf(
    request: Request[Any, Any, Any], shift_id: FromPath[int]
) -> Response[Any]:
    """Sign a person up on their behalf (waitlisted when full)."""
    values = await form_values(request)
    person = as_int_or_none(values.get("constituent_id"))
    if person is None:
        return await _detail(
            request, shift_id, {"constituent_id": _("Enter a contact number.")}, 422
        )
    try:
        made = await signups.sign_up(shift_id, person, source="staff")
    except InvalidInputError as exc:
        return await _detail(request, shift_id, form_errors_of(exc.errors), 422)
    except ConflictError as exc:
        return redirect_with_flash(f"{BASE}/shifts/{shift_id}", service_message(str(exc)), "error")
    message = _("Signed up.") if made.status != "waitlisted" else _("Added to the waitlist.")
    return redirect_with_flash(f"{BASE}/shifts/{shift_id}", message)


@post("/signups/{signup_id:int}/status", include_in_schema=False, opt=WRITE)
async def signup_status(request: Request[Any, Any, Any], signup_id: FromPath[int]) -> Response[Any]:
    """Change a sign-up's status, or cancel it."""
    values = await form_values(request)
    found = await signups.get_signup(signup_id)
    status = str(values.get("status") or "")
    try:
        if status == "cancelled":
            await signups.cancel_signup(signup_id)
        else:
            await signups.set_status(signup_id, status)
    except (InvalidInputError, ConflictError) as exc:
        message = (
            service_message(str(next(iter(exc.errors.values()))))
            if isinstance(exc, InvalidInputError)
            else service_message(str(exc))
        )
        return redirect_with_flash(f"{BASE}/shifts/{found.shift_id}", message, "error")
    return redirect_with_flash(f"{BASE}/shifts/{found.shift_id}", _("Saved."))


@post("/shifts/{shift_id:int}/edit", include_in_schema=False, opt=WRITE)
async def shift_edit(request: Request[Any, Any, Any], shift_id: FromPath[int]) -> Response[Any]:
    """Change this shift only, or (``scope=future``) every later one of its schedule."""
    values = await form_values(request)
    shift = await shifts.get_shift(shift_id)
    minutes = as_int_or_none(values.get("duration_minutes"))
    capacity = as_int_or_none(values.get("capacity"))
    try:
        if values.get("scope") == "future" and shift.series_id:
            changed = await series.change_future(
                shift.series_id,
                SeriesChange(
                    local_start=values.get("start_time"),
                    duration_minutes=minutes,
                    capacity=capacity,
                ),
                after=shift.starts_at,
            )
            return redirect_with_flash(
                f"{BASE}/shifts/{shift_id}", _("%(n)s shifts changed.", n=changed)
            )
        starts = parse_local(values.get("day"), values.get("start_time"))
        if starts is None or minutes is None:
            return await _detail(request, shift_id, {"day": _("Enter a date and a time.")}, 422)
        await shifts.update_shift(
            shift_id,
            ShiftPatch(
                starts_at=starts, ends_at=starts + timedelta(minutes=minutes), capacity=capacity
            ),
        )
    except ValidationError as exc:
        return await _detail(request, shift_id, errors_from_validation(exc), 422)
    except InvalidInputError as exc:
        return await _detail(request, shift_id, form_errors_of(exc.errors), 422)
    except ConflictError as exc:
        return redirect_with_flash(f"{BASE}/shifts/{shift_id}", service_message(str(exc)), "error")
    return redirect_with_flash(f"{BASE}/shifts/{shift_id}", _("Saved."))


@post("/shifts/{shift_id:int}/cancel", include_in_schema=False, opt=WRITE)
async def shift_cancel(request: Request[Any, Any, Any], shift_id: FromPath[int]) -> Response[Any]:
    """Cancel the shift and email everyone signed up or waiting."""
    values = await form_values(request)
    await shifts.cancel_shift(shift_id, str(values.get("reason") or ""))
    return redirect_with_flash(
        f"{BASE}/shifts/{shift_id}", _("Shift cancelled; the people signed up were emailed.")
    )


@post("/signups/{signup_id:int}/attendance", include_in_schema=False, opt=WRITE)
async def attendance(request: Request[Any, Any, Any], signup_id: FromPath[int]) -> Response[Any]:
    """A coordinator's correction of arrival and departure (local times on the shift's day)."""
    from plugins.volunteers import checkin

    values = await form_values(request)
    found = await signups.get_signup(signup_id)
    shift = await shifts.get_shift(found.shift_id)
    day = local(shift.starts_at).date().isoformat()
    arrived = parse_local(day, values.get("checked_in"))
    left = parse_local(day, values.get("checked_out")) if values.get("checked_out") else None
    target = f"{BASE}/shifts/{found.shift_id}"
    if arrived is None or (values.get("checked_out") and left is None):
        return redirect_with_flash(target, _("Enter times as HH:MM."), "error")
    try:
        await checkin.correct_attendance(signup_id, arrived, left)
    except StewardError as exc:
        errors = getattr(exc, "errors", None)
        text = str(next(iter(errors.values()))) if errors else str(exc)
        return redirect_with_flash(target, service_message(text), "error")
    return redirect_with_flash(target, _("Attendance corrected."))


ROUTES: list[Any] = [
    shift_list,
    shift_new,
    shift_create,
    shift_detail,
    signup_on_behalf,
    signup_status,
    shift_edit,
    shift_cancel,
    attendance,
]

"""Portal pages: opportunities and a shift calendar, sign up, cancel, waitlist, my shifts,
report hours, and my volunteer profile.

Every sign-up is looked up with the signed-in person's id, never an id from the form alone,
so another person's sign-up answers 404.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import ValidationError

from admin.forms import errors_from_validation, form_values
from core import db
from core.clock import utc_now
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.volunteers import hours, profiles, shifts, signups
from plugins.volunteers.admin_common import form_errors_of, service_message, terms_of
from plugins.volunteers.admin_hours import availability_of
from plugins.volunteers.common import local, org_today
from plugins.volunteers.labels import status_labels, weekday_names
from plugins.volunteers.models import ProfileIn
from plugins.volunteers.notify import checkin_code, kiosk_link, qr_markup
from plugins.volunteers.profiles import WEEKDAYS
from portal.auth.principal import require_portal_principal
from portal.rendering import render_portal_page

BASE = "/portal/volunteers"
CALENDAR_WEEKS = 6


def _me(request: Request[Any, Any, Any]) -> int:
    return require_portal_principal(request).constituent_id


async def _mine_by_shift(constituent_id: int) -> dict[int, dict[str, Any]]:
    return {int(r["shift_id"]): r for r in await signups.signups_of(constituent_id)}


@get("/", include_in_schema=False)
async def calendar(request: Request[Any, Any, Any]) -> Response[str]:
    """Open opportunities and the coming weeks' shifts by day, with places left."""
    me = _me(request)
    now = utc_now()
    found = await shifts.list_shifts(
        start=now, end=now + timedelta(weeks=CALENDAR_WEEKS), include_cancelled=False
    )
    active = {o.id: o for o in await shifts.list_opportunities(active_only=True)}
    days: dict[Any, list[Any]] = defaultdict(list)
    for shift in found:
        if shift.opportunity_id in active:
            days[local(shift.starts_at).date()].append(shift)
    context = {
        "opportunities": list(active.values()),
        "days": sorted(days.items()),
        "mine": await _mine_by_shift(me),
        "status_labels": status_labels(),
    }
    return await render_portal_page(request, "volunteers/portal/calendar.html", context)


@get("/shifts/{shift_id:int}", include_in_schema=False)
async def shift_page(request: Request[Any, Any, Any], shift_id: FromPath[int]) -> Response[str]:
    """One shift: what, when, where, places left, and my sign-up."""
    me = _me(request)
    shift = await shifts.get_shift(shift_id)
    opportunity = await shifts.get_opportunity(shift.opportunity_id)
    if not opportunity.active:
        raise NotFoundError(f"no shift with id {shift_id}")
    context = {
        "shift": shift,
        "opportunity": opportunity,
        "mine": (await _mine_by_shift(me)).get(shift_id),
        "open": shift.cancelled_at is None and shift.starts_at > utc_now(),
        "status_labels": status_labels(),
    }
    return await render_portal_page(request, "volunteers/portal/shift.html", context)


@post("/shifts/{shift_id:int}/signup", include_in_schema=False)
async def signup(request: Request[Any, Any, Any], shift_id: FromPath[int]) -> Response[Any]:
    """Sign me up (or put me on the waitlist when it is full)."""
    me = _me(request)
    opportunity = await shifts.get_opportunity((await shifts.get_shift(shift_id)).opportunity_id)
    if not opportunity.active:
        raise NotFoundError(f"no shift with id {shift_id}")
    target = f"{BASE}/shifts/{shift_id}"
    try:
        made = await signups.sign_up(shift_id, me, source="portal")
    except InvalidInputError as exc:
        text = str(next(iter(exc.errors.values())))
        return redirect_with_flash(target, service_message(text), "error")
    except ConflictError as exc:
        return redirect_with_flash(target, service_message(str(exc)), "error")
    if made.status == "waitlisted":
        message = _(
            "The shift is full: you are number %(n)s on the waitlist. We will email you if a "
            "place opens up.",
            n=made.waitlist_position,
        )
    else:
        message = _("You are signed up. Thank you!")
    return redirect_with_flash(target, message)


@post("/signups/{signup_id:int}/cancel", include_in_schema=False)
async def cancel(request: Request[Any, Any, Any], signup_id: FromPath[int]) -> Response[Any]:
    """Cancel my sign-up or leave the waitlist."""
    me = _me(request)
    found = await signups.get_signup(signup_id)
    if found.constituent_id != me:
        raise NotFoundError(f"no sign-up with id {signup_id}")
    try:
        await signups.cancel_signup(signup_id)
    except ConflictError as exc:
        return redirect_with_flash(f"{BASE}/mine", service_message(str(exc)), "error")
    return redirect_with_flash(f"{BASE}/mine", _("Your sign-up is cancelled."))


async def _mine_page(
    request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str], code: int
) -> Response[str]:
    me = _me(request)
    rows = await signups.signups_of(me)
    now = utc_now()
    entries = await db.fetch_all(
        "SELECT h.work_date, h.minutes, h.status, o.title FROM volunteers_hours h "
        "JOIN volunteers_opportunity o ON o.id = h.opportunity_id WHERE h.constituent_id = {} "
        "ORDER BY h.work_date DESC, h.id DESC LIMIT 100",
        me,
    )
    total = await hours.person_total(me)
    upcoming = [r for r in rows if r["starts_at"] >= now]
    context = {
        "upcoming": upcoming,
        "qr": {
            r["id"]: (checkin_code(r["id"]), qr_markup(kiosk_link(r["shift_id"], r["id"])))
            for r in upcoming
            if r["status"] in ("signed_up", "confirmed") and r["cancelled_at"] is None
        },
        "past": [r for r in rows if r["starts_at"] < now][::-1],
        "entries": entries,
        "hours": round(total.minutes / 60, 2),
        "value_minor": total.value_minor,
        "currency": total.currency,
        "values": values,
        "errors": errors,
        "opportunities": [(o.id, o.title) for o in await shifts.list_opportunities()],
        "status_labels": status_labels(),
    }
    return await render_portal_page(
        request, "volunteers/portal/mine.html", context, status_code=code
    )


@get("/mine", include_in_schema=False)
async def mine(request: Request[Any, Any, Any]) -> Response[str]:
    """My shifts (coming and past), my hours and the form to report hours."""
    return await _mine_page(request, {"work_date": org_today().isoformat()}, {}, 200)


@post("/hours", include_in_schema=False)
async def report_hours(request: Request[Any, Any, Any]) -> Response[Any]:
    """Report hours given; a coordinator approves them."""
    values = await form_values(request)
    try:
        await hours.record_hours(
            hours.HoursIn.model_validate(
                {
                    "constituent_id": _me(request),
                    "opportunity_id": values.get("opportunity_id"),
                    "work_date": values.get("work_date"),
                    "minutes": values.get("minutes"),
                    "note": values.get("note") or "",
                }
            ),
            source="self",
        )
    except ValidationError as exc:
        return await _mine_page(request, values, errors_from_validation(exc), 422)
    except InvalidInputError as exc:
        return await _mine_page(request, values, form_errors_of(exc.errors), 422)
    return redirect_with_flash(
        f"{BASE}/mine", _("Thank you! Your hours will count once a coordinator approves them.")
    )


async def _profile_page(
    request: Request[Any, Any, Any],
    values: dict[str, Any] | None,
    errors: dict[str, str],
    code: int = 200,
) -> Response[str]:
    if values is None:
        found = await profiles.get_profile(_me(request))
        values = {}
        if found is not None:
            values = found.model_dump()
            for key in ("skills", "interests", "languages"):
                values[key] = ", ".join(values[key])
            week = {str(k): v for k, v in found.availability.items()}
            for day in WEEKDAYS:
                values[f"day{day}"] = " ".join(f"{a}-{b}" for a, b in week.get(day, []))
    context = {
        "values": values,
        "errors": errors,
        "weekdays": list(zip(WEEKDAYS, weekday_names(), strict=True)),
    }
    return await render_portal_page(
        request, "volunteers/portal/profile.html", context, status_code=code
    )


@get("/profile", include_in_schema=False)
async def profile(request: Request[Any, Any, Any]) -> Response[str]:
    """My volunteer profile."""
    return await _profile_page(request, None, {})


@post("/profile", include_in_schema=False)
async def profile_save(request: Request[Any, Any, Any]) -> Response[Any]:
    """Save my skills, languages, availability and emergency contact.

    The background check is kept as the coordinator recorded it.
    """
    me = _me(request)
    values = await form_values(request)
    availability = availability_of(values)
    if availability is None:
        errors = {"day0": _("Write time ranges as 09:00-13:00, separated by spaces.")}
        return await _profile_page(request, values, errors, 422)
    current = await profiles.get_profile(me)
    try:
        data = ProfileIn.model_validate(
            {
                "skills": terms_of(values.get("skills")),
                "interests": terms_of(values.get("interests")),
                "languages": terms_of(values.get("languages")),
                "availability": availability,
                "emergency_name": values.get("emergency_name") or "",
                "emergency_phone": values.get("emergency_phone") or "",
                "postcode": values.get("postcode") or "",
                "background_status": current.background_status if current else "none",
                "background_expires": current.background_expires if current else None,
            }
        )
        await profiles.save_profile(me, data)
    except ValidationError as exc:
        errors = errors_from_validation(exc)
        if "availability" in errors:
            errors["day0"] = _("Write time ranges as 09:00-13:00, separated by spaces.")
        return await _profile_page(request, values, errors, 422)
    return redirect_with_flash(f"{BASE}/profile", _("Saved."))


ROUTES: list[Any] = [
    calendar,
    shift_page,
    signup,
    cancel,
    mine,
    report_hours,
    profile,
    profile_save,
]

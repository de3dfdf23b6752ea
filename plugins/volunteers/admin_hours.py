"""Admin pages: hours approval queue, staff-entered hours, hourly rates, volunteer profiles."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import ValidationError

from admin import form_values, render_admin_page
from admin.forms import errors_from_validation
from core import db
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.i18n import gettext as _
from core.money import MoneyError, parse_minor_units
from core.web.pages import redirect_with_flash
from plugins.volunteers import hours, profiles, shifts, signups
from plugins.volunteers.admin_common import (
    BASE,
    READ,
    WRITE,
    form_errors_of,
    service_message,
    terms_of,
    user_id_of,
)
from plugins.volunteers.common import org, org_today
from plugins.volunteers.labels import status_labels, weekday_names
from plugins.volunteers.models import ProfileIn
from plugins.volunteers.profiles import WEEKDAYS


@get("/hours", include_in_schema=False, opt=READ)
async def hours_queue(request: Request[Any, Any, Any]) -> Response[str]:
    """Self-reported hours waiting for a decision."""
    context = {"pending": await hours.pending_hours()}
    return await render_admin_page(request, "volunteers/admin/hours.html", context)


@post("/hours/{entry_id:int}/decision", include_in_schema=False, opt=WRITE)
async def hours_decision(request: Request[Any, Any, Any], entry_id: FromPath[int]) -> Response[Any]:
    """Approve or reject one entry."""
    values = await form_values(request)
    approve = values.get("decision") == "approve"
    try:
        await hours.decide_hours(entry_id, approve=approve, user_id=user_id_of(request))
    except ConflictError as exc:
        return redirect_with_flash(f"{BASE}/hours", service_message(str(exc)), "error")
    return redirect_with_flash(f"{BASE}/hours", _("Approved.") if approve else _("Rejected."))


async def _rates_page(
    request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str], code: int
) -> Response[str]:
    context = {"rates": await hours.list_rates(), "values": values, "errors": errors,
               "currency": org().default_currency}  # fmt: skip
    return await render_admin_page(
        request, "volunteers/admin/rates.html", context, status_code=code
    )


@get("/rates", include_in_schema=False, opt=READ)
async def rates(request: Request[Any, Any, Any]) -> Response[str]:
    """The hourly value of volunteer time and its history."""
    return await _rates_page(request, {"effective_from": org_today().isoformat()}, {}, 200)


@post("/rates", include_in_schema=False, opt=WRITE)
async def rate_add(request: Request[Any, Any, Any]) -> Response[Any]:
    """Add a rate from a date on."""
    values = await form_values(request)
    currency = org().default_currency
    try:
        minor = parse_minor_units(str(values.get("rate") or "").replace(",", "."), currency)
    except MoneyError:
        return await _rates_page(request, values, {"rate": _("Enter an amount.")}, 422)
    try:
        await hours.add_rate(
            hours.RateIn.model_validate(
                {
                    "effective_from": values.get("effective_from"),
                    "rate_minor": minor,
                    "currency": currency,
                }
            )
        )
    except ValidationError as exc:
        errors = errors_from_validation(exc)
        if "rate_minor" in errors:
            errors["rate"] = errors.pop("rate_minor")
        return await _rates_page(request, values, errors, 422)
    except InvalidInputError as exc:
        return await _rates_page(request, values, form_errors_of(exc.errors), 422)
    return redirect_with_flash(f"{BASE}/rates", _("Rate added."))


async def _person_page(
    request: Request[Any, Any, Any],
    constituent_id: int,
    values: dict[str, Any] | None,
    errors: dict[str, str],
    code: int = 200,
) -> Response[str]:
    person = await db.fetch_one(
        "SELECT id, display_name FROM core_constituent WHERE id = {} AND deleted_at IS NULL",
        constituent_id,
    )
    if person is None:
        raise NotFoundError(f"no constituent {constituent_id}")
    if values is None:
        found = await profiles.get_profile(constituent_id)
        values = {"background_status": "none"}
        if found is not None:
            values = found.model_dump()
            for key in ("skills", "interests", "languages"):
                values[key] = ", ".join(values[key])
            week = {str(k): v for k, v in found.availability.items()}
            for day in WEEKDAYS:
                values[f"day{day}"] = " ".join(f"{a}-{b}" for a, b in week.get(day, []))
    total = await hours.person_total(constituent_id)
    context = {
        "person": person,
        "values": values,
        "errors": errors,
        "total": total,
        "signups": await signups.signups_of(constituent_id),
        "status_labels": status_labels(),
        "weekdays": list(zip(WEEKDAYS, weekday_names(), strict=True)),
        "background": [(k, status_labels()[k]) for k in ("none", "pending", "clear", "failed")],
        "opportunities": [(o.id, o.title) for o in await shifts.list_opportunities()],
    }
    return await render_admin_page(
        request, "volunteers/admin/person.html", context, status_code=code
    )


def availability_of(values: dict[str, Any]) -> dict[str, list[tuple[str, str]]] | None:
    """``day0`` .. ``day6`` fields (``09:00-13:00 17:00-19:00``) as availability, or None."""
    result: dict[str, list[tuple[str, str]]] = {}
    for day in WEEKDAYS:
        text = str(values.get(f"day{day}") or "").strip()
        if not text:
            continue
        ranges = []
        for part in text.split():
            start, _sep, end = part.partition("-")
            if not _sep:
                return None
            ranges.append((start, end))
        result[day] = ranges
    return result


@get("/people/{constituent_id:int}", include_in_schema=False, opt=READ)
async def person(request: Request[Any, Any, Any], constituent_id: FromPath[int]) -> Response[str]:
    """A volunteer's profile, hours and value, and shifts."""
    return await _person_page(request, constituent_id, None, {})


@post("/people/{constituent_id:int}", include_in_schema=False, opt=WRITE)
async def person_save(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[Any]:
    """Save a volunteer profile."""
    values = await form_values(request)
    availability = availability_of(values)
    if availability is None:
        errors = {"day0": _("Write time ranges as 09:00-13:00, separated by spaces.")}
        return await _person_page(request, constituent_id, values, errors, 422)
    try:
        data = ProfileIn.model_validate(
            {
                "skills": terms_of(values.get("skills")),
                "interests": terms_of(values.get("interests")),
                "languages": terms_of(values.get("languages")),
                "availability": availability,
                "emergency_name": values.get("emergency_name") or "",
                "emergency_phone": values.get("emergency_phone") or "",
                "background_status": values.get("background_status") or "none",
                "background_expires": values.get("background_expires"),
                "postcode": values.get("postcode") or "",
            }
        )
        await profiles.save_profile(constituent_id, data)
    except ValidationError as exc:
        errors = errors_from_validation(exc)
        if "availability" in errors:
            errors["day0"] = _("Write time ranges as 09:00-13:00, separated by spaces.")
        return await _person_page(request, constituent_id, values, errors, 422)
    except InvalidInputError as exc:
        return await _person_page(request, constituent_id, values, form_errors_of(exc.errors), 422)
    return redirect_with_flash(f"{BASE}/people/{constituent_id}", _("Saved."))


@post("/people/{constituent_id:int}/hours", include_in_schema=False, opt=WRITE)
async def person_hours(
    request: Request[Any, Any, Any], constituent_id: FromPath[int]
) -> Response[Any]:
    """Record hours for the volunteer (approved at once)."""
    values = await form_values(request)
    target = f"{BASE}/people/{constituent_id}"
    try:
        await hours.record_hours(
            hours.HoursIn.model_validate(
                {
                    "constituent_id": constituent_id,
                    "opportunity_id": values.get("opportunity_id"),
                    "work_date": values.get("work_date"),
                    "minutes": values.get("minutes"),
                    "note": values.get("note") or "",
                }
            ),
            source="staff",
        )
    except ValidationError:
        return redirect_with_flash(
            target, _("Choose an opportunity, a date and the minutes given."), "error"
        )
    except InvalidInputError as exc:
        text = str(next(iter(exc.errors.values())))
        return redirect_with_flash(target, service_message(text), "error")
    return redirect_with_flash(target, _("Hours recorded."))


ROUTES: list[Any] = [
    hours_queue,
    hours_decision,
    rates,
    rate_add,
    person,
    person_save,
    person_hours,
]

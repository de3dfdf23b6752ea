"""Levels editor: list, create, edit and delete membership levels; view the status rules."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import ValidationError

from admin import form_values, render_admin_page
from admin.forms import errors_from_validation
from core.errors import ConflictError, InvalidInputError
from core.i18n import gettext as _
from core.money import CURRENCY_EXPONENTS
from core.web.pages import redirect_with_flash
from plugins.membership import levels, rules
from plugins.membership.admin_common import (
    BASE,
    READ,
    WRITE,
    currencies,
    duration_units,
    level_kinds,
    major_text,
    month_names,
    parse_amount,
    period_types,
    service_message,
    translated,
)
from plugins.membership.common import org
from plugins.membership.models import LevelIn, LevelPatch

FLAGS = ("auto_renew_allowed", "active")


def parse_level(values: dict[str, Any]) -> tuple[LevelIn | None, dict[str, str]]:
    """The level typed in the form, or None and a message per field."""
    errors: dict[str, str] = {}
    currency = str(values.get("currency") or "").upper()
    if currency not in CURRENCY_EXPONENTS:
        errors["currency"] = _("Choose a currency from the list.")
        currency = org().default_currency
    dues = parse_amount(values.get("dues"), currency, "dues", errors)
    data: dict[str, Any] = {
        k: v for k, v in values.items() if v is not None and k not in ("dues", *FLAGS)
    }
    for name in ("duration_count", "fixed_start_month", "rollover_month", "rollover_day",
                 "grace_days", "tier", "member_cap"):  # fmt: skip
        raw = data.get(name)
        if raw is not None:
            data[name] = int(raw) if str(raw).lstrip("-").isdigit() else raw
    data.update({flag: values.get(flag) in ("true", "on", "1") for flag in FLAGS})
    data["currency"] = currency
    data["dues_minor"] = dues or 0
    try:
        level = LevelIn.model_validate(data)
    except ValidationError as exc:
        found = errors_from_validation(exc)
        if "__all__" in found:
            found["__all__"] = service_message(found["__all__"])
        return None, found | errors
    return (level, {}) if not errors else (None, errors)


async def _form(
    request: Request[Any, Any, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    level_id: int | None = None,
    status_code: int = 200,
) -> Response[str]:
    context = {
        "title": _("Edit level") if level_id else _("New level"),
        "values": values,
        "errors": errors,
        "level_id": level_id,
        "currencies": currencies(),
        "units": duration_units(),
        "period_types": period_types(),
        "kinds": level_kinds(),
        "months": month_names(),
    }
    return await render_admin_page(
        request, "membership/admin/level_form.html", context, status_code=status_code
    )


@get("/levels", include_in_schema=False, opt=READ, name="membership_levels")
async def levels_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Every level and the status rules in evaluation order."""
    context = {"levels": await levels.list_levels(), "rules": await rules.list_rules()}
    return await render_admin_page(request, "membership/admin/levels.html", context)


@get("/levels/new", include_in_schema=False, opt=WRITE, name="membership_level_new")
async def new_level(request: Request[Any, Any, Any]) -> Response[str]:
    """An empty level form."""
    values = {
        "currency": org().default_currency,
        "duration_count": 1,
        "duration_unit": "years",
        "period_type": "rolling",
        "fixed_start_month": 1,
        "grace_days": 30,
        "tier": 0,
        "member_cap": 0,
        "kind": "individual",
        "auto_renew_allowed": True,
        "active": True,
    }
    return await _form(request, values, {})


async def _save(request: Request[Any, Any, Any], level_id: int | None) -> Response[Any]:
    values = await form_values(request)
    model, errors = parse_level(values)
    if model is None:
        return await _form(request, values, errors, level_id, 422)
    try:
        if level_id:
            saved = await levels.update_level(
                level_id, LevelPatch.model_validate(model.model_dump())
            )
        else:
            saved = await levels.create_level(model)
    except InvalidInputError as exc:
        return await _form(request, values, translated(exc.errors), level_id, 422)
    except ConflictError:
        errors = {"name": _("Another level already has this name.")}
        return await _form(request, values, errors, level_id, 422)
    return redirect_with_flash(f"{BASE}/levels/{saved.id}", _("Saved."))


@post("/levels", include_in_schema=False, opt=WRITE, name="membership_level_create")
async def create_level(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create a level from the form."""
    return await _save(request, None)


@get("/levels/{level_id:int}", include_in_schema=False, opt=READ, name="membership_level_edit")
async def edit_level(request: Request[Any, Any, Any], level_id: FromPath[int]) -> Response[str]:
    """A level's form, filled in."""
    level = await levels.get_level(level_id)
    values: dict[str, Any] = level.model_dump()
    values["dues"] = major_text(level.dues_minor, level.currency)
    return await _form(request, values, {}, level_id)


@post("/levels/{level_id:int}", include_in_schema=False, opt=WRITE, name="membership_level_update")
async def update_level(request: Request[Any, Any, Any], level_id: FromPath[int]) -> Response[Any]:
    """Save a level's form."""
    await levels.get_level(level_id)
    return await _save(request, level_id)


@post(
    "/levels/{level_id:int}/delete",
    include_in_schema=False,
    opt=WRITE,
    name="membership_level_delete",
)
async def delete_level(level_id: FromPath[int]) -> Response[Any]:
    """Delete an unused level."""
    try:
        await levels.delete_level(level_id)
    except ConflictError:
        message = _("This level has memberships; clear “Offered” instead of deleting it.")
        return redirect_with_flash(f"{BASE}/levels/{level_id}", message, "error")
    return redirect_with_flash(f"{BASE}/levels", _("Deleted."))


ROUTES: list[Any] = [
    levels_page, new_level, create_level, edit_level, update_level, delete_level,
]  # fmt: skip

"""Admin pages: the volunteering overview and the opportunity editor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import ValidationError

from admin import form_values, render_admin_page
from admin.forms import errors_from_validation
from core.clock import utc_now
from core.errors import InvalidInputError
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.volunteers import hours, shifts
from plugins.volunteers.admin_common import BASE, READ, WRITE, form_errors_of, terms_of
from plugins.volunteers.models import OpportunityIn


@get("/", include_in_schema=False, opt=READ, name="volunteers_overview")
async def overview(request: Request[Any, Any, Any]) -> Response[str]:
    """Shifts in the next two weeks with their places, and hours waiting for approval."""
    now = utc_now()
    upcoming = await shifts.list_shifts(start=now, end=now + timedelta(days=14), limit=100)
    context = {
        "upcoming": upcoming,
        "pending": len(await hours.pending_hours()),
        "opportunities": await shifts.list_opportunities(active_only=True),
    }
    return await render_admin_page(request, "volunteers/admin/overview.html", context)


@get("/opportunities", include_in_schema=False, opt=READ)
async def opportunity_list(request: Request[Any, Any, Any]) -> Response[str]:
    """Every opportunity."""
    context = {"opportunities": await shifts.list_opportunities()}
    return await render_admin_page(request, "volunteers/admin/opportunities.html", context)


async def _form(
    request: Request[Any, Any, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    opportunity_id: int | None = None,
    status_code: int = 200,
) -> Response[str]:
    context = {
        "values": values,
        "errors": errors,
        "opportunity_id": opportunity_id,
        "title": _("Edit opportunity") if opportunity_id else _("New opportunity"),
    }
    return await render_admin_page(
        request, "volunteers/admin/opportunity_form.html", context, status_code=status_code
    )


@get("/opportunities/new", include_in_schema=False, opt=WRITE)
async def opportunity_new(request: Request[Any, Any, Any]) -> Response[str]:
    """An empty opportunity form."""
    return await _form(request, {"active": True}, {})


@get("/opportunities/{opportunity_id:int}", include_in_schema=False, opt=WRITE)
async def opportunity_edit(
    request: Request[Any, Any, Any], opportunity_id: FromPath[int]
) -> Response[str]:
    """An opportunity's form, filled in."""
    found = await shifts.get_opportunity(opportunity_id)
    values = found.model_dump()
    values["required_skills"] = ", ".join(found.required_skills)
    return await _form(request, values, {}, opportunity_id)


async def _save(request: Request[Any, Any, Any], opportunity_id: int | None) -> Response[Any]:
    values = await form_values(request)
    data = {k: v for k, v in values.items() if v is not None}
    data["required_skills"] = terms_of(values.get("required_skills"))
    data["active"] = values.get("active") in ("true", "on", "1")
    try:
        model = OpportunityIn.model_validate(data)
        saved = await (
            shifts.update_opportunity(opportunity_id, model)
            if opportunity_id
            else shifts.create_opportunity(model)
        )
    except ValidationError as exc:
        return await _form(request, values, errors_from_validation(exc), opportunity_id, 422)
    except InvalidInputError as exc:
        return await _form(request, values, form_errors_of(exc.errors), opportunity_id, 422)
    return redirect_with_flash(f"{BASE}/opportunities/{saved.id}", _("Saved."))


@post("/opportunities", include_in_schema=False, opt=WRITE)
async def opportunity_create(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create an opportunity from the form."""
    return await _save(request, None)


@post("/opportunities/{opportunity_id:int}", include_in_schema=False, opt=WRITE)
async def opportunity_update(
    request: Request[Any, Any, Any], opportunity_id: FromPath[int]
) -> Response[Any]:
    """Save an opportunity's form."""
    await shifts.get_opportunity(opportunity_id)
    return await _save(request, opportunity_id)


ROUTES: list[Any] = [
    overview,
    opportunity_list,
    opportunity_new,
    opportunity_edit,
    opportunity_create,
    opportunity_update,
]

"""The signed-in portal pages: home (with plugin widgets), profile and sign-in options."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from admin.forms import form_values, validate_form
from core.constituents.service import get_constituent
from core.errors import InvalidInputError
from core.i18n import gettext as _
from core.plugins.registry import PluginRegistry
from core.ui import portal_widgets
from core.web.pages import redirect_with_flash
from portal.auth import passwords
from portal.auth.principal import require_portal_principal
from portal.rendering import render_portal_page
from portal.services import profile, requests


def _registry(request: Request[Any, Any, Any]) -> PluginRegistry:
    registry = request.app.state["registry"]
    assert isinstance(registry, PluginRegistry)
    return registry


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Response[str]:
    """The portal home: a greeting, shortcuts and every plugin's widgets."""
    principal = require_portal_principal(request)
    widgets = await portal_widgets(_registry(request), principal.constituent_id)
    return await render_portal_page(request, "portal/home.html", {"widgets": widgets})


async def _profile_page(
    request: Request[Any, Any, Any],
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response[str]:
    principal = require_portal_principal(request)
    detail = await get_constituent(principal.constituent_id)
    pending = await requests.pending_for("identity", principal.constituent_id)
    context = {
        "detail": detail,
        "values": values if values is not None else profile.form_values_of(detail),
        "errors": errors or {},
        "pending": pending,
        "field_labels": identity_labels(),
    }
    return await render_portal_page(request, "portal/profile.html", context, status_code=status)


def identity_labels() -> dict[str, str]:
    """Labels of the identity fields (translated)."""
    return {
        "prefix": _("Title"),
        "first_name": _("First name"),
        "middle_name": _("Middle name"),
        "last_name": _("Last name"),
        "suffix": _("Suffix"),
        "birth_date": _("Date of birth"),
    }


@get("/profile", include_in_schema=False)
async def profile_page(request: Request[Any, Any, Any]) -> Response[str]:
    """My profile: names, contact details and address."""
    return await _profile_page(request)


@post("/profile", include_in_schema=False)
async def profile_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    """Save contact details; queue identity changes for staff review."""
    principal = require_portal_principal(request)
    values = await form_values(request)
    form, errors = validate_form(profile.ProfileForm, values)
    if form is None:
        return await _profile_page(request, values, errors, 422)
    try:
        outcome = await profile.save_profile(principal.constituent_id, form)
    except InvalidInputError as exc:
        errors = {k: str(v) for k, v in exc.errors.items()}
        return await _profile_page(request, values, errors, 422)
    if outcome.change_request_id is not None:
        message = _(
            "Your details are saved. Changes to your name or date of birth will be checked "
            "by our staff before they appear."
        )
    elif outcome.updated:
        message = _("Your details are saved.")
    else:
        message = _("Nothing changed.")
    return redirect_with_flash("/portal/profile", message)


async def _security_page(
    request: Request[Any, Any, Any], errors: dict[str, str] | None = None, status: int = 200
) -> Response[str]:
    principal = require_portal_principal(request)
    context = {
        "has_password": await passwords.has_password(principal.constituent_id),
        "errors": errors or {},
        "values": {},
    }
    return await render_portal_page(request, "portal/security.html", context, status_code=status)


@get("/security", include_in_schema=False)
async def security_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Sign-in options: set, change or remove the optional password."""
    return await _security_page(request)


@post("/security/password", include_in_schema=False)
async def set_password(request: Request[Any, Any, Any]) -> Response[Any]:
    """Set or change the portal password (other sessions are signed out)."""
    principal = require_portal_principal(request)
    form = await request.form()
    password = str(form.get("password") or "")
    confirm = str(form.get("password_confirm") or "")
    if len(password) < 10 or len(password) > 1024:
        return await _security_page(
            request, {"password": _("Use between 10 and 1024 characters.")}, 422
        )
    if password != confirm:
        return await _security_page(
            request, {"password_confirm": _("The two passwords do not match.")}, 422
        )
    await passwords.set_password(principal.constituent_id, password, principal.session_id)
    return redirect_with_flash("/portal/security", _("Your password is set."))


@post("/security/password/remove", include_in_schema=False)
async def remove_password(request: Request[Any, Any, Any]) -> Response[Any]:
    """Stop using a password; sign in with emailed links only."""
    principal = require_portal_principal(request)
    await passwords.remove_password(principal.constituent_id)
    return redirect_with_flash("/portal/security", _("Your password is removed."))


ROUTES = [home, profile_page, profile_submit, security_page, set_password, remove_password]

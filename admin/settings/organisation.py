"""Organisation settings: name, time zone, fiscal year, currency, language and country."""

from __future__ import annotations

from typing import Any

from babel.dates import get_month_names
from litestar import Request, Response, get, post

from admin.forms import form_values, validate_form
from admin.rendering import registry_of, render_admin_page
from admin.settings.common import BASE, field_errors, route
from core.errors import InvalidInputError
from core.i18n import SUPPORTED_LOCALES, current_locale, locale_display_name
from core.i18n import gettext as _
from core.system.org_settings import OrgSettings, current_org_settings, save_org_settings, sync_app
from core.web.pages import redirect_with_flash

ORGANISATION = f"{BASE}/organisation"
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Madrid", "Europe/Paris",
    "Europe/Berlin", "Europe/Rome", "Europe/Amsterdam", "Europe/Brussels", "Europe/Stockholm",
    "Europe/Warsaw", "Europe/Athens", "Africa/Johannesburg", "Africa/Nairobi", "Africa/Lagos",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Toronto", "America/Vancouver", "America/Mexico_City", "America/Bogota",
    "America/Lima", "America/Santiago", "America/Argentina/Buenos_Aires", "America/Sao_Paulo",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
)  # fmt: skip
COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CAD", "AUD", "MXN", "ARS", "CLP", "COP", "JPY")


def _messages(errors: dict[str, str]) -> dict[str, str]:
    """Clear, translated messages for the fields whose checks are specific."""
    specific = {
        "time_zone": _("Enter a time zone from the IANA list, such as Europe/Madrid."),
        "default_currency": _("Enter a three-letter ISO 4217 currency code, such as EUR."),
        "default_country": _("Enter a two-letter ISO 3166 country code, such as ES."),
    }
    return {name: specific.get(name, message) for name, message in errors.items()}


async def _page(request: Request[Any, Any, Any], values: dict[str, Any],
                errors: dict[str, str], status_code: int = 200) -> Response[str]:  # fmt: skip
    months = get_month_names("wide", locale=current_locale())
    context = {
        "values": values,
        "errors": errors,
        "zones": COMMON_ZONES,
        "currencies": COMMON_CURRENCIES,
        "months": [(str(n), months[n]) for n in range(1, 13)],
        "locales": [(code, locale_display_name(code)) for code in SUPPORTED_LOCALES],
    }
    return await render_admin_page(
        request, "admin/settings/organisation.html", context, status_code=status_code
    )


@get(route(ORGANISATION), include_in_schema=False, opt={"permission": "settings.manage"})
async def organisation_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The form, filled with the settings in effect."""
    current = current_org_settings(registry_of(request).settings)
    return await _page(request, current.model_dump(), {})


@post(route(ORGANISATION), include_in_schema=False, opt={"permission": "settings.manage"})
async def organisation_save(request: Request[Any, Any, Any]) -> Response[Any]:
    """Validate, store and apply at once (audited); 422 with the typed values on error."""
    values = await form_values(request)
    model, errors = validate_form(OrgSettings, values)
    if model is None:
        return await _page(request, values, _messages(errors), 422)
    registry = registry_of(request)
    try:
        await save_org_settings(registry.settings, model)
    except InvalidInputError as exc:
        return await _page(request, values, _messages(field_errors(exc)), 422)
    sync_app(request.app)
    return redirect_with_flash(ORGANISATION, _("Organisation settings saved."))


ROUTES = [organisation_page, organisation_save]

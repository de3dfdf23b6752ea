"""The settings index and the modules page: turn installed plugins on and off at runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from admin.rendering import registry_of, render_admin_page
from admin.settings.common import BASE, route
from core.auth.principal import require_principal
from core.errors import ConflictError, NotFoundError
from core.i18n import gettext as _
from core.plugins.service import PluginStatus, plugin_statuses, switch_plugin
from core.web.pages import redirect_with_flash

MODULES = f"{BASE}/modules"


@dataclass(frozen=True)
class Section:
    """A settings section as the index lists it."""

    label: str
    href: str
    description: str
    permission: str | None


def sections() -> list[Section]:
    """Every settings section (labels translated for the current request)."""
    return [
        Section(_("Organisation"), f"{BASE}/organisation",
                _("Name, time zone, fiscal year, currency, language and country."),
                "settings.manage"),
        Section(_("Modules"), MODULES,
                _("Turn installed modules on and off."), "plugins.manage"),
        Section(_("Staff users"), f"{BASE}/users",
                _("Who can sign in, their roles and passwords."), "users.manage"),
        Section(_("Roles"), f"{BASE}/roles",
                _("Named sets of permissions given to staff."), "users.manage"),
        Section(_("Custom fields"), f"{BASE}/custom-fields",
                _("Extra fields recorded for each contact."), "custom_fields.manage"),
        Section(_("API tokens"), f"{BASE}/tokens",
                _("Keys that let other programs use the API on your behalf."), None),
        Section(_("Audit log"), f"{BASE}/audit",
                _("Who changed what, and when."), "audit.read"),
    ]  # fmt: skip


@get(route(f"{BASE}/"), include_in_schema=False)
async def settings_index(request: Request[Any, Any, Any]) -> Response[str]:
    """Links to the settings sections the signed-in user may open."""
    principal = require_principal(request)
    allowed = [s for s in sections() if s.permission is None or principal.can(s.permission)]
    return await render_admin_page(request, "admin/settings/index.html", {"sections": allowed})


def dependants_on(statuses: list[PluginStatus], name: str) -> list[PluginStatus]:
    """Enabled plugins that require ``name``."""
    return [s for s in statuses if name in s.requires and s.configured and s.enabled]


async def _modules_page(request: Request[Any, Any, Any], status_code: int = 200,
                        error: str = "") -> Response[str]:  # fmt: skip
    statuses = await plugin_statuses(registry_of(request))
    rows = [
        {"status": s, "required_by": [d.label for d in dependants_on(statuses, s.name)]}
        for s in statuses
    ]
    return await render_admin_page(
        request, "admin/settings/modules.html", {"rows": rows, "error": error},
        status_code=status_code,
    )  # fmt: skip


@get(route(MODULES), include_in_schema=False, opt={"permission": "plugins.manage"})
async def modules_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Every installed plugin: version, dependencies, state, and a switch."""
    return await _modules_page(request)


async def _switch(request: Request[Any, Any, Any], name: str, enabled: bool) -> Response[Any]:
    registry = registry_of(request)
    statuses = await plugin_statuses(registry)
    status = next((s for s in statuses if s.name == name), None)
    if status is None:
        raise NotFoundError(_("No installed module is called %(name)s.", name=name))
    if status.internal:
        message = _("%(label)s is part of the core and cannot be turned off.", label=status.label)
        return await _modules_page(request, 409, message)
    if not status.configured:
        message = _("%(label)s is not enabled in this deployment's configuration file.",
                    label=status.label)  # fmt: skip
        return await _modules_page(request, 409, message)
    if not enabled and (users := dependants_on(statuses, name)):
        message = _("%(label)s cannot be turned off while %(others)s require it; "
                    "turn those off first.", label=status.label,
                    others=", ".join(d.label for d in users))  # fmt: skip
        return await _modules_page(request, 409, message)
    if enabled:
        missing = [s.label for s in statuses if s.name in status.requires and not s.enabled]
        if missing:
            message = _("%(label)s requires %(others)s; turn that on first.",
                        label=status.label, others=", ".join(missing))  # fmt: skip
            return await _modules_page(request, 409, message)
    try:
        await switch_plugin(registry, name, enabled)
    except ConflictError as exc:
        return await _modules_page(request, 409, str(exc))
    # switch_plugin invalidated the cache; read it now so this very response is up to date.
    await registry.state.refresh_if_stale()
    flash = (_("%(label)s is now on.", label=status.label) if enabled
             else _("%(label)s is now off. Its data is kept.", label=status.label))  # fmt: skip
    return redirect_with_flash(MODULES, flash)


@post(route(f"{MODULES}/{{name:str}}/enable"), include_in_schema=False,
      opt={"permission": "plugins.manage"})  # fmt: skip
async def enable_module(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
    """Turn an installed plugin on."""
    return await _switch(request, name, True)


@post(route(f"{MODULES}/{{name:str}}/disable"), include_in_schema=False,
      opt={"permission": "plugins.manage"})  # fmt: skip
async def disable_module(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
    """Turn an installed plugin off (its data is kept)."""
    return await _switch(request, name, False)


ROUTES = [settings_index, modules_page, enable_module, disable_module]

"""Hook implementations of the internal ``system`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.hookimpl import hookimpl
from core.plugins.types import EventType, Permission
from core.settings import Settings
from core.system import api, org_settings


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Permissions for modules and the audit log."""
    return [
        Permission("plugins.manage", "Manage modules", "Turn plugins on and off", order=10),
        Permission("audit.read", "Read the audit log", order=11),
        Permission("settings.manage", "Manage organisation settings", order=12),
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events about the system itself."""
    return [
        EventType("plugin.switched", "An installed plugin was turned on or off", order=1),
        EventType(
            "org_settings.changed",
            "Organisation settings (name, time zone, fiscal year, ...) were changed",
            order=2,
        ),
    ]


@hookimpl
async def steward_startup(settings: Settings) -> None:
    """Apply the organisation settings saved in the admin UI over the file/env values."""
    await org_settings.apply_stored(settings)


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """The modules and audit endpoints."""
    return [api.list_plugins, api.enable_plugin, api.disable_plugin, api.list_audit_entries]

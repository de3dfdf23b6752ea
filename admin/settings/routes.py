"""Routes and UI-slot contributions of the settings area (``/admin/settings/...``)."""

from __future__ import annotations

from typing import Any

from admin.settings import audit, fields, modules, organisation, roles, tokens, users
from core.i18n import gettext as _
from core.plugins.types import NavItem

ROUTES: list[Any] = [
    *modules.ROUTES,
    *organisation.ROUTES,
    *users.ROUTES,
    *roles.ROUTES,
    *fields.ROUTES,
    *tokens.ROUTES,
    *audit.ROUTES,
]


def nav() -> list[NavItem]:
    """The "Settings" entry (the index lists only the sections the user may open)."""
    return [NavItem(_("Settings"), "/admin/settings/", permission="settings.manage", order=90)]

"""Hook implementations of the internal ``admin`` plugin: the shell and core's pages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from admin import auth_pages, home
from admin.accounts import routes as accounts
from admin.constituents import routes as constituents
from admin.interactions import routes as interactions
from admin.settings import routes as settings_pages
from core.hookimpl import hookimpl
from core.i18n import gettext as _
from core.plugins.types import DashboardCard, NavItem

TEMPLATES = Path(__file__).resolve().parent / "templates"
AREAS = (constituents, interactions, settings_pages, accounts)


@hookimpl
def steward_template_dirs() -> Sequence[Path]:
    """The layout, the shell's pages and core's pages (``admin/...``)."""
    return [TEMPLATES]


@hookimpl
def steward_admin_routes() -> Sequence[Any]:
    """Every core admin page, mounted directly under ``/admin``."""
    routes: list[Any] = [*auth_pages.ROUTES, *home.ROUTES]
    for area in AREAS:
        routes.extend(area.ROUTES)
    return routes


@hookimpl
def steward_admin_nav() -> Sequence[NavItem]:
    """Core's own entries; labels are translated per request."""
    items = [NavItem(_("Dashboard"), "/admin/", icon="home", order=0)]
    for area in AREAS:
        items.extend(area.nav())
    return items


@hookimpl
async def steward_dashboard_cards(user_id: int) -> Sequence[DashboardCard]:
    """Core's cards: follow-ups and new constituents."""
    return await interactions.dashboard_cards(user_id)

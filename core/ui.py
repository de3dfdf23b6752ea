"""Collectors for the UI-slot hooks, used by the admin UI and the portal.

Each returns the items of every enabled plugin sorted by ``order``; the navigation is also
filtered by the viewer's permissions.
"""

from __future__ import annotations

from typing import TypeVar

from core.auth.principal import Principal
from core.plugins.registry import PluginRegistry
from core.plugins.types import (
    DashboardCard,
    NavItem,
    PortalWidget,
    ProfilePanel,
    ReportSpec,
    SegmentFilter,
    TimelineRenderer,
)

_Keyed = TypeVar("_Keyed", SegmentFilter, ReportSpec)


async def admin_nav(registry: PluginRegistry, principal: Principal) -> list[NavItem]:
    """Navigation entries the principal may follow."""
    items: list[NavItem] = await registry.collect("steward_admin_nav")
    return [i for i in items if i.permission is None or principal.can(i.permission)]


async def dashboard_cards(registry: PluginRegistry, user_id: int) -> list[DashboardCard]:
    """Cards for a staff user's dashboard."""
    cards: list[DashboardCard] = await registry.collect("steward_dashboard_cards", user_id=user_id)
    return cards


async def profile_panels(registry: PluginRegistry, constituent_id: int) -> list[ProfilePanel]:
    """Panels for a constituent's 360° page."""
    panels: list[ProfilePanel] = await registry.collect(
        "steward_profile_panels", constituent_id=constituent_id
    )
    return panels


async def timeline_renderers(registry: PluginRegistry) -> dict[str, str]:
    """Template per interaction type; when two plugins claim one, the lower order wins."""
    renderers: list[TimelineRenderer] = await registry.collect("steward_timeline_renderers")
    chosen: dict[str, str] = {}
    for renderer in renderers:
        chosen.setdefault(renderer.interaction_type, renderer.template)
    return chosen


async def portal_widgets(registry: PluginRegistry, constituent_id: int) -> list[PortalWidget]:
    """Widgets for the signed-in constituent's portal home."""
    widgets: list[PortalWidget] = await registry.collect(
        "steward_portal_widgets", constituent_id=constituent_id
    )
    return widgets


async def segment_filters(registry: PluginRegistry) -> dict[str, SegmentFilter]:
    """Constituent filters by key; duplicate keys are a plugin bug and fail loudly."""
    filters: list[SegmentFilter] = await registry.collect("steward_segment_filters")
    return _unique_by_key(filters, "segment filter")


async def reports(registry: PluginRegistry) -> dict[str, ReportSpec]:
    """Reports by key."""
    specs: list[ReportSpec] = await registry.collect("steward_reports")
    return _unique_by_key(specs, "report")


def _unique_by_key(items: list[_Keyed], what: str) -> dict[str, _Keyed]:
    by_key: dict[str, _Keyed] = {}
    for item in items:
        if item.key in by_key:
            raise ValueError(f"two plugins declare the {what} {item.key!r}")
        by_key[item.key] = item
    return by_key

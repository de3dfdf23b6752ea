"""Stewardship core: the public API for plugin authors.

Plugins import what they need from here::

    from core import PluginInfo, hookimpl, Money
"""

from core.hookimpl import hookimpl
from core.money import Money, MoneyError
from core.plugins.manifest import ManifestError, PluginInfo
from core.plugins.types import (
    DashboardCard,
    DomainEvent,
    ErasureReport,
    EventType,
    ExportSection,
    InteractionType,
    JobSpec,
    NavItem,
    Permission,
    PortalWidget,
    ProfilePanel,
    ReportSpec,
    SegmentFilter,
    TimelineRenderer,
)

__all__ = [
    "DashboardCard",
    "DomainEvent",
    "ErasureReport",
    "EventType",
    "ExportSection",
    "InteractionType",
    "JobSpec",
    "ManifestError",
    "Money",
    "MoneyError",
    "NavItem",
    "Permission",
    "PluginInfo",
    "PortalWidget",
    "ProfilePanel",
    "ReportSpec",
    "SegmentFilter",
    "TimelineRenderer",
    "hookimpl",
]

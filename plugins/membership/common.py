"""Small shared helpers: organisation settings, today's date, driver value coercion."""

from __future__ import annotations

from datetime import date

from core.clock import utc_now
from core.plugins.registry import current_registry, plugin_settings
from core.settings import Settings
from core.values import as_date as as_date
from core.values import as_instant as as_instant
from core.values import as_int as as_int
from plugins.membership.config import MembershipSettings

PLUGIN = "membership"


def org() -> Settings:
    """The deployment's core settings (time zone, currency, locale)."""
    return current_registry().settings


def config() -> MembershipSettings:
    """This plugin's validated settings (defaults when none are configured)."""
    value = plugin_settings(PLUGIN)
    return value if isinstance(value, MembershipSettings) else MembershipSettings()


def org_today() -> date:
    """Today's date in the organisation's time zone."""
    return utc_now().astimezone(org().zone).date()


def donations_active() -> bool:
    """True when the donations plugin is enabled (dues are then recorded as gifts)."""
    return current_registry().is_active("donations")

"""Small shared helpers: organisation settings, today's date, driver value coercion."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from core.clock import utc_now
from core.plugins.registry import current_registry, plugin_settings
from core.settings import Settings
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


def as_int(value: Any) -> int:
    """An integer from a driver value (PostgreSQL sums of BIGINT come back as Decimal)."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value)
    return int(value)


def as_date(value: Any) -> date | None:
    """A calendar date from a driver value (SQLite may return ISO text)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_instant(value: Any) -> datetime | None:
    """An aware UTC instant from a driver value, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

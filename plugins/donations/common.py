"""Small shared helpers: organisation settings, dates, driver value coercion."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from core.clock import utc_now
from core.plugins.registry import current_registry, plugin_settings
from core.settings import Settings
from core.values import as_date as as_date
from core.values import as_instant as as_instant
from core.values import as_int as as_int
from plugins.donations.config import DonationsSettings

PLUGIN = "donations"
MAX_MINOR = 10**15
MAX_ID = 2_147_483_647


def org() -> Settings:
    """The deployment's core settings (time zone, fiscal year, currency)."""
    return current_registry().settings


def config() -> DonationsSettings:
    """This plugin's validated settings (defaults when the plugin has none configured)."""
    value = plugin_settings(PLUGIN)
    return value if isinstance(value, DonationsSettings) else DonationsSettings()


def org_today() -> date:
    """Today's date in the organisation's time zone."""
    return utc_now().astimezone(org().zone).date()


def org_date_of(instant: datetime) -> date:
    """The organisation's calendar date of an instant (23:30 UTC-5 on 31 Dec is 31 Dec)."""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(org().zone).date()


def fiscal_year_of(day: date) -> int:
    """The fiscal year of an organisation date."""
    return org().fiscal_year_of(day)


def current_fiscal_year() -> int:
    """The fiscal year the organisation is in today."""
    return fiscal_year_of(org_today())


def as_bool(value: Any) -> bool:
    """A boolean from a driver value (SQLite stores 0/1)."""
    return bool(value)

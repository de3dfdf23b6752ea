"""Small shared helpers: settings, time zone, JSON list columns, driver value coercion."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from core.clock import utc_now
from core.plugins.registry import current_registry, plugin_settings
from core.settings import Settings
from core.values import as_date as as_date
from core.values import as_instant as as_instant
from core.values import as_int as as_int
from plugins.volunteers.config import VolunteersSettings

PLUGIN = "volunteers"
MAX_ID = 2_147_483_647
ACTIVE_STATUSES = ("signed_up", "confirmed", "attended", "no_show")
STATUSES = ("signed_up", "confirmed", "attended", "no_show", "cancelled", "waitlisted")


def org() -> Settings:
    """The deployment's core settings (time zone, currency, base URL)."""
    return current_registry().settings


def config() -> VolunteersSettings:
    """This plugin's validated settings (defaults when none are configured)."""
    value = plugin_settings(PLUGIN)
    return value if isinstance(value, VolunteersSettings) else VolunteersSettings()


def org_today() -> date:
    """Today's date in the organisation's time zone."""
    return utc_now().astimezone(org().zone).date()


def local(instant: datetime) -> datetime:
    """An instant on the organisation's wall clock."""
    return instant.astimezone(org().zone)


def org_date_of(instant: datetime) -> date:
    """The organisation's calendar date of an instant."""
    return local(instant).date()


def must_instant(value: Any) -> datetime:
    """:func:`as_instant` for a column that is never NULL."""
    instant = as_instant(value)
    if instant is None:
        raise TypeError("unexpected NULL timestamp")
    return instant


def clean_terms(values: list[str] | tuple[str, ...]) -> list[str]:
    """Trimmed, lower-case, de-duplicated terms in their first order (skills, languages)."""
    seen: list[str] = []
    for value in values:
        term = " ".join(value.split()).lower()
        if term and term not in seen:
            seen.append(term)
    return seen


def dump_terms(values: list[str] | tuple[str, ...]) -> str:
    """A JSON array column value."""
    return json.dumps(clean_terms(values))


def load_terms(value: Any) -> list[str]:
    """A JSON array column as a list of strings (empty for NULL or junk)."""
    if not value:
        return []
    try:
        loaded = json.loads(value)
    except (TypeError, ValueError):
        return []
    return [str(item) for item in loaded] if isinstance(loaded, list) else []

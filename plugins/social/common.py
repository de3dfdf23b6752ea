"""Shared helpers of the social plugin: settings, the fetch policy, value coercion."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.clock import as_utc_or_none
from core.plugins.registry import current_registry, plugin_settings
from core.settings import Settings
from plugins.social.config import SocialSettings
from plugins.social.fetch import FetchPolicy

PLUGIN = "social"
MAX_ID = 2_147_483_647
LABELS = ("positive", "neutral", "negative")
LINK_STATUSES = ("none", "auto", "probable", "confirmed", "rejected")


def org() -> Settings:
    """The deployment's core settings."""
    return current_registry().settings


def config() -> SocialSettings:
    """This plugin's validated settings (defaults when none are configured)."""
    value = plugin_settings(PLUGIN)
    return value if isinstance(value, SocialSettings) else SocialSettings()


def fetch_policy() -> FetchPolicy:
    """Outbound fetch limits from the settings."""
    cfg = config()
    return FetchPolicy.build(
        cfg.allow_networks,
        max_bytes=cfg.max_response_bytes,
        timeout_seconds=cfg.timeout_seconds,
        max_redirects=cfg.max_redirects,
        user_agent=cfg.user_agent,
    )


def as_int(value: Any) -> int:
    """A driver value (int, Decimal, None) as int."""
    return int(value or 0)


def as_bool(value: Any) -> bool:
    """SQLite answers 0/1 and PostgreSQL True/False."""
    return bool(value) and value not in ("0", "false")


def instant(value: Any) -> datetime | None:
    """A stored instant as aware UTC."""
    return as_utc_or_none(value)


def loads_object(value: Any) -> dict[str, Any]:
    """A JSON object column, ``{}`` when empty or not an object."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

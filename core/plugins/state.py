"""Runtime on/off state of installed plugins: a table read through a short cache.

Switching a plugin off keeps its data; its routes answer 404 and its hooks are skipped
until it is switched back on. Other processes see the change within ``TTL_SECONDS``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from core import db

TTL_SECONDS = 2.0


class PluginStateCache:
    """Which toggleable plugins are off, refreshed from ``core_plugin_state``."""

    def __init__(self, toggleable: set[str]) -> None:
        self.toggleable = toggleable
        self._disabled: set[str] = set()
        self._loaded_at = float("-inf")

    def is_enabled(self, name: str) -> bool:
        """From the last refresh; internal plugins are always enabled."""
        return name not in self._disabled

    def invalidate(self) -> None:
        """Force the next :meth:`refresh_if_stale` to read the table."""
        self._loaded_at = float("-inf")

    async def refresh_if_stale(self) -> None:
        """Re-read the table when the cache is older than the TTL."""
        if time.monotonic() - self._loaded_at < TTL_SECONDS:
            return
        rows = await db.fetch_all("SELECT name, enabled FROM core_plugin_state")
        self._disabled = {
            row["name"] for row in rows if not row["enabled"] and row["name"] in self.toggleable
        }
        self._loaded_at = time.monotonic()


async def set_plugin_enabled(name: str, enabled: bool, changed_by: str | None = None) -> None:
    """Persist a plugin's runtime state (upsert)."""
    now = datetime.now(UTC)
    async with db.transaction():
        existing = await db.fetch_one("SELECT name FROM core_plugin_state WHERE name = {}", name)
        if existing:
            await db.execute(
                "UPDATE core_plugin_state SET enabled = {}, changed_at = {}, changed_by = {} "
                "WHERE name = {}",
                enabled,
                now,
                changed_by,
                name,
            )
        else:
            await db.execute(
                "INSERT INTO core_plugin_state (name, enabled, changed_at, changed_by) "
                "VALUES ({}, {}, {}, {})",
                name,
                enabled,
                now,
                changed_by,
            )


async def runtime_states() -> dict[str, bool]:
    """Every stored runtime state (plugins never toggled are absent, meaning on)."""
    rows = await db.fetch_all("SELECT name, enabled FROM core_plugin_state")
    return {row["name"]: bool(row["enabled"]) for row in rows}

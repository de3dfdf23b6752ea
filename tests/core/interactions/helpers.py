"""Test helpers: constituents inserted directly, and throw-away plugins in a live registry."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from core import db, hookimpl
from core.plugins.manifest import PluginInfo
from core.plugins.registry import PluginRegistry
from core.plugins.types import DomainEvent


async def make_constituent(
    display_name: str = "Ada Lovelace", *, kind: str = "individual", deleted: bool = False
) -> int:
    """Insert a constituent row directly (the constituents service is built elsewhere)."""
    now = datetime.now(UTC)
    row = await db.fetch_one(
        "INSERT INTO core_constituent (kind, display_name, sort_name, search_text, created_at, "
        "updated_at, deleted_at) VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
        kind,
        display_name,
        display_name.lower(),
        display_name.lower(),
        now,
        now,
        now if deleted else None,
    )
    assert row is not None
    return int(row["id"])


def add_plugin(
    registry: PluginRegistry, name: str, hooks: Any, *, internal: bool = False
) -> PluginInfo:
    """Register ``hooks`` (an object with hookimpls) as plugin ``name`` in a loaded registry.

    The plugin is configured and, unless ``internal``, switchable at runtime like an
    installed plugin, so tests can turn it off with ``set_plugin_enabled``.
    """
    manifest = PluginInfo(
        name=name,
        version="0.0.1",
        label=name.title(),
        hooks=f"tests.{name}",
        internal=internal,
    )
    registry.manifests.append(manifest)
    registry.installed.append(manifest)
    registry.by_name[name] = manifest
    if not internal:
        registry.state.toggleable.add(name)
    registry.pm.register(hooks, name=name)
    registry.state.invalidate()
    return manifest


def hooks_namespace(**functions: Any) -> SimpleNamespace:
    """An object pluggy can register, holding the given hookimpl functions."""
    return SimpleNamespace(**functions)


def capture_events(registry: PluginRegistry) -> list[DomainEvent]:
    """Every domain event dispatched from now on (through a plugin's ``steward_on_event``)."""
    seen: list[DomainEvent] = []

    @hookimpl
    def steward_on_event(event: DomainEvent) -> None:
        seen.append(event)

    add_plugin(registry, "eventlog", hooks_namespace(steward_on_event=steward_on_event))
    return seen

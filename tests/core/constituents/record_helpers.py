"""Helpers for the constituent record tests (service, API, privacy)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core import audit, db, events
from core.plugins.manifest import PluginInfo
from core.plugins.registry import current_registry
from core.plugins.types import DomainEvent


def capture_dispatched(monkeypatch: pytest.MonkeyPatch) -> list[DomainEvent]:
    """Record every event :mod:`core.events` dispatches (after commit) from now on."""
    seen: list[DomainEvent] = []
    real_dispatch = events.dispatch

    async def recording_dispatch(event: DomainEvent) -> None:
        seen.append(event)
        await real_dispatch(event)

    monkeypatch.setattr(events, "dispatch", recording_dispatch)
    return seen


def names_of(seen: list[DomainEvent]) -> list[str]:
    """Event names in dispatch order."""
    return [e.name for e in seen]


def errors_of(body: dict[str, Any]) -> dict[str, str]:
    """A problem-details body's field errors as ``{field: message}``."""
    return {e["field"]: e["message"] for e in body.get("errors", [])}


def add_test_plugin(name: str, **hooks: Any) -> None:
    """Register a throw-away plugin implementing ``hooks`` in the current registry."""
    registry = current_registry()
    manifest = PluginInfo(name=name, version="0.0.1", label=name, hooks=f"tests.{name}")
    registry.manifests.append(manifest)
    registry.installed.append(manifest)
    registry.by_name[name] = manifest
    registry.state.toggleable.add(name)
    registry.pm.register(SimpleNamespace(**hooks), name=name)
    registry.state.invalidate()


async def count(table: str, where: str = "1 = 1", *args: Any) -> int:
    """Rows of ``table`` matching ``where``."""
    return int(await db.fetch_value(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", *args))


async def audit_actions(constituent_id: int) -> list[tuple[str, str]]:
    """``(action, entity_type)`` of a constituent's audit entries, oldest first."""
    rows = await audit.entries_for(constituent_id=constituent_id, limit=500)
    return [(r["action"], r["entity_type"]) for r in reversed(rows)]


MARIA: dict[str, Any] = {
    "kind": "individual",
    "prefix": "Dr.",
    "first_name": "María José",
    "last_name": "García López",
    "suffix": "Jr.",
    "preferred_name": "Pepa",
}

"""Helpers for the relationship, household and consent tests.

Constituents are inserted directly with :mod:`core.db`, so these tests do not depend on the
constituent service; events are captured by a throw-away plugin's ``steward_on_event``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from core import db, hookimpl
from core.plugins.manifest import PluginInfo
from core.plugins.registry import PluginRegistry, current_registry
from core.plugins.types import DomainEvent
from core.validation import fold

NAME_COLUMN = {
    "individual": "last_name",
    "organisation": "organisation_name",
    "household": "household_name",
}


async def make_constituent(
    display_name: str = "Ada Lovelace",
    *,
    kind: str = "individual",
    deleted: bool = False,
    deceased: bool = False,
) -> int:
    """Insert a constituent row directly and return its id."""
    now = datetime.now(UTC)
    row = await db.fetch_one(
        f"INSERT INTO core_constituent (kind, {NAME_COLUMN[kind]}, display_name, sort_name, "
        "search_text, deceased, created_at, updated_at, deleted_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        kind,
        display_name,
        display_name,
        display_name,
        fold(display_name),
        deceased,
        now,
        now,
        now if deleted else None,
    )
    assert row is not None
    return int(row["id"])


async def soft_delete(constituent_id: int) -> None:
    """Mark a constituent deleted, as the constituent service's delete does."""
    await db.execute(
        "UPDATE core_constituent SET deleted_at = {} WHERE id = {}",
        datetime.now(UTC),
        constituent_id,
    )


async def restore(constituent_id: int) -> None:
    """Undo :func:`soft_delete`."""
    await db.execute("UPDATE core_constituent SET deleted_at = NULL WHERE id = {}", constituent_id)


def capture_events(registry: PluginRegistry | None = None) -> list[DomainEvent]:
    """Every domain event dispatched from now on, through a plugin's ``steward_on_event``."""
    registry = registry or current_registry()
    seen: list[DomainEvent] = []

    @hookimpl
    def steward_on_event(event: DomainEvent) -> None:
        seen.append(event)

    name = "relations_eventlog"
    manifest = PluginInfo(name=name, version="0.0.1", label="Event log", hooks=f"tests.{name}")
    registry.manifests.append(manifest)
    registry.installed.append(manifest)
    registry.by_name[name] = manifest
    registry.state.toggleable.add(name)
    registry.pm.register(SimpleNamespace(steward_on_event=steward_on_event), name=name)
    registry.state.invalidate()
    return seen


def names_of(events: list[DomainEvent]) -> list[str]:
    """The names of captured events, in order."""
    return [e.name for e in events]


def errors_of(body: dict[str, Any]) -> dict[str, str]:
    """A problem-details body's field errors as ``{field: message}``."""
    return {e["field"]: e["message"] for e in body.get("errors", [])}

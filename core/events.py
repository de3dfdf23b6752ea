"""Domain events, dispatched to plugins only after the transaction that caused them commits.

Services wrap their work in :func:`unit_of_work` and call :func:`emit`; when the outermost
unit of work commits, each event goes to every enabled plugin's ``steward_on_event``
separately, and a failing plugin is logged without affecting the caller or the others.
If the transaction rolls back, the events are dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from core import db
from core.context import current_actor
from core.plugins.registry import current_registry
from core.plugins.types import DomainEvent

_pending: ContextVar[list[DomainEvent] | None] = ContextVar("steward_pending_events", default=None)


class UnknownEventError(LookupError):
    """An event name that no enabled plugin declared through ``steward_event_types``."""


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[None]:
    """A transaction whose events are dispatched after it commits. Nested calls join it."""
    if _pending.get() is not None:
        async with db.transaction():
            yield
        return
    events: list[DomainEvent] = []
    token = _pending.set(events)
    try:
        async with db.transaction():
            yield
    finally:
        _pending.reset(token)
    for event in events:
        await dispatch(event)


async def emit(name: str, payload: Mapping[str, Any]) -> DomainEvent:
    """Queue an event for dispatch after commit; must run inside :func:`unit_of_work`."""
    events = _pending.get()
    if events is None:
        raise RuntimeError(f"emit({name!r}) must run inside core.events.unit_of_work()")
    registry = current_registry()
    owner = registry.event_owner(name)
    await registry.state.refresh_if_stale()
    if owner is None or not registry.is_active(owner):
        raise UnknownEventError(f"event {name!r} is not declared by any enabled plugin")
    event = DomainEvent(
        name=name,
        payload=dict(payload),
        occurred_at=datetime.now(UTC).isoformat(),
        actor=str(current_actor()),
    )
    events.append(event)
    return event


async def dispatch(event: DomainEvent) -> None:
    """Deliver one committed event to every enabled plugin, isolating failures."""
    await current_registry().call_each("steward_on_event", event=event)

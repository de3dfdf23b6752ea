"""Who is acting, carried through a request, CLI command or job for audit and events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The user, token, portal visitor or system process that causes a change."""

    kind: str  # "user", "token", "portal", "system", "cli", "job"
    id: int | None
    label: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}" if self.id is not None else f"{self.kind}:{self.label}"


SYSTEM = Actor(kind="system", id=None, label="system")

_actor: ContextVar[Actor] = ContextVar("steward_actor", default=SYSTEM)
_request_id: ContextVar[str | None] = ContextVar("steward_request_id", default=None)


def current_actor() -> Actor:
    """The actor of the current context (``system`` when none was set)."""
    return _actor.get()


def current_request_id() -> str | None:
    """The id of the HTTP request being served, if any."""
    return _request_id.get()


@contextmanager
def acting_as(actor: Actor, request_id: str | None = None) -> Iterator[Actor]:
    """Run a block as ``actor``."""
    token = _actor.set(actor)
    request_token = _request_id.set(request_id)
    try:
        yield actor
    finally:
        _actor.reset(token)
        _request_id.reset(request_token)

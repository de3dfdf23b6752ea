"""Wake this process's idle workers when a job is enqueued here, instead of waiting a poll.

Workers in other processes still find the job on their next poll; this only shortens the
delay for the embedded worker and for jobs enqueued by ``steward worker`` itself.
"""

from __future__ import annotations

import asyncio

_waiters: set[asyncio.Event] = set()


def subscribe() -> asyncio.Event:
    """An event that is set whenever a job is enqueued in this process."""
    event = asyncio.Event()
    _waiters.add(event)
    return event


def unsubscribe(event: asyncio.Event) -> None:
    """Stop receiving wake-ups."""
    _waiters.discard(event)


def notify() -> None:
    """Wake every subscribed worker."""
    for event in list(_waiters):
        event.set()

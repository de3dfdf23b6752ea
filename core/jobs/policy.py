"""Timing policy: leases, heartbeats, retry backoff and periodic catch-up."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

# A claimed job belongs to its worker until the lease expires; a live worker renews it
# every LEASE_SECONDS / 3, so only a crashed or stalled worker's job is taken over.
LEASE_SECONDS = 60.0
# Retry delay after attempt n is BACKOFF_BASE_SECONDS * 2**n, capped, with jitter.
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
# The longest error text kept on a job (the tail of the traceback).
MAX_ERROR_LENGTH = 4000


def heartbeat_interval(lease_seconds: float) -> float:
    """How often a running job's lease is renewed."""
    return max(lease_seconds / 3.0, 0.01)


def backoff_seconds(
    attempts: int,
    *,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    rand: Callable[[], float] = random.random,
) -> float:
    """Delay before the next attempt after ``attempts`` attempts have been made.

    Exponential (``base * 2**attempts``) and capped at ``cap``; "equal jitter" keeps it in
    ``[delay / 2, delay]`` so failing jobs from one outage do not retry in lockstep.
    """
    delay = min(cap, base * 2.0 ** max(attempts, 0))
    return delay / 2.0 + (delay / 2.0) * rand()


def next_period_after(previous_due: datetime, every_seconds: int, now: datetime) -> datetime:
    """The first due time after ``now`` on the grid ``previous_due + k * every_seconds``.

    Periods missed while no worker ran are collapsed into the one run being enqueued now.
    """
    step = timedelta(seconds=every_seconds)
    if now < previous_due:
        return previous_due + step
    missed = int((now - previous_due) / step)
    return previous_due + step * (missed + 1)

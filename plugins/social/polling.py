"""Polling sources through the core job queue, with backoff and visible health.

``social.dispatch_polls`` runs periodically and enqueues one ``social.poll_source`` job per
due source, with a dedupe key naming the source and the poll time it is due for, so a second
dispatcher run (or a second worker) cannot queue the same poll twice. A poll that fails —
network error, HTTP 429/5xx, an answer that is not what the kind expects — is recorded on the
source (``last_error``, ``consecutive_failures``) and pushes its next poll back
exponentially, never sooner than the server's Retry-After; the job itself succeeds, so one bad
source never blocks or retries over the others.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from core import db
from core.clock import utc_now
from core.errors import InvalidInputError, NotFoundError, StewardError
from core.jobs.service import enqueue
from plugins.social import ingest, source_store
from plugins.social.common import config, fetch_policy, instant, loads_object
from plugins.social.fetch import FetchError
from plugins.social.sources.base import MentionIn, PollContext, PollState, SourceError, source_kind

logger = logging.getLogger("stewardship.social")
MAX_ERROR = 1000


@dataclass
class PollOutcome:
    """What one poll did."""

    source_id: int
    ok: bool
    new: int = 0
    duplicates: int = 0
    unmatched: int = 0
    pages: int = 0
    not_modified: bool = False
    error: str = ""
    retry_in_seconds: int = 0


@dataclass
class Preview:
    """What a source would bring now ("test this source"), nothing stored."""

    ok: bool
    mentions: list[MentionIn] = field(default_factory=list)
    pages: int = 0
    error: str = ""


def describe(exc: BaseException) -> str:
    """A message for staff: our own errors as they are, anything else with its type."""
    if isinstance(exc, FetchError | SourceError | StewardError):
        return str(exc)[:MAX_ERROR]
    return f"unexpected {type(exc).__name__}: {exc}"[:MAX_ERROR]


async def _record_failure(row: dict[str, Any], exc: BaseException) -> PollOutcome:
    cfg = config()
    failures = int(row["consecutive_failures"] or 0) + 1
    retry_after = exc.retry_after if isinstance(exc, FetchError) else None
    delay = source_store.backoff_seconds(
        failures, int(row["poll_interval_seconds"]), cfg.max_backoff_seconds, retry_after
    )
    now = utc_now()
    message = describe(exc)
    await db.execute(
        "UPDATE social_source SET last_polled_at = {}, last_error = {}, last_error_at = {}, "
        "consecutive_failures = {}, next_poll_at = {} WHERE id = {}",
        now,
        message,
        now,
        failures,
        source_store.next_after(now, delay),
        row["id"],
    )
    return PollOutcome(row["id"], ok=False, error=message, retry_in_seconds=delay)


async def poll_source(source_id: int) -> PollOutcome:
    """Poll one source now, store what is new, and record its health."""
    row = await source_store.source_row(source_id)
    try:
        kind = source_kind(row["kind"])
        settings = kind.validate_settings(loads_object(row["settings"]))
        state = PollState(
            cursor=row["cursor"] or "",
            etag=row["etag"] or "",
            last_modified=row["last_modified"] or "",
        )
        ctx = PollContext(fetch_policy(), max_pages=config().max_pages_per_poll)
        result = await kind().poll(settings, state, ctx)
        stored = await ingest.store_mentions(source_id, result.mentions, bool(row["require_match"]))
    except Exception as exc:  # every failure is this source's health, never the worker's
        if not isinstance(exc, FetchError | SourceError | InvalidInputError):
            logger.exception("polling social source %s failed", source_id)
        return await _record_failure(row, exc)
    now = utc_now()
    interval = int(row["poll_interval_seconds"])
    await db.execute(
        "UPDATE social_source SET cursor = {}, etag = {}, last_modified = {}, "
        "last_polled_at = {}, last_success_at = {}, consecutive_failures = 0, "
        "next_poll_at = {} WHERE id = {}",
        result.state.cursor,
        result.state.etag,
        result.state.last_modified,
        now,
        now,
        source_store.next_after(now, interval),
        source_id,
    )
    return PollOutcome(
        source_id,
        ok=True,
        new=stored.new,
        duplicates=stored.duplicates,
        unmatched=stored.unmatched,
        pages=result.pages,
        not_modified=result.not_modified,
        retry_in_seconds=interval,
    )


async def preview(kind: str, raw_settings: dict[str, Any]) -> Preview:
    """Fetch from a source configuration without storing anything or changing its state."""
    try:
        source = source_kind(kind)
        if not source.pollable:
            raise InvalidInputError("this kind of source receives posts; it cannot be fetched")
        settings = source.validate_settings(raw_settings)
        ctx = PollContext(fetch_policy(), max_pages=1)
        result = await source().poll(settings, PollState(), ctx)
    except Exception as exc:
        return Preview(ok=False, error=describe(exc))
    return Preview(ok=True, mentions=result.mentions[:20], pages=result.pages)


async def preview_source(source_id: int) -> Preview:
    """ "Test this source": :func:`preview` with the source's stored settings."""
    row = await source_store.source_row(source_id)
    return await preview(row["kind"], loads_object(row["settings"]))


async def poll_source_job(source_id: int) -> None:
    """Job handler: poll one source (failures are recorded on the source, not raised).

    A source deleted after its poll was queued is simply skipped.
    """
    with contextlib.suppress(NotFoundError):
        await poll_source(source_id)


async def dispatch_polls() -> None:
    """Periodic job: queue a poll for each due source, once per due time."""
    now = utc_now()
    for source_id in await source_store.due_sources(now):
        due = await db.fetch_value(
            "SELECT next_poll_at FROM social_source WHERE id = {}", source_id
        )
        stamp = instant(due).isoformat() if due is not None else "first"  # type: ignore[union-attr]
        await enqueue(
            "social.poll_source",
            {"source_id": source_id},
            dedupe_key=f"social-poll:{source_id}:{stamp}",
        )

"""Sources: create, change, list and read, with settings validated by the source's kind.

Secrets in settings (webhook secrets, access tokens) are never shown back: reads replace them
with :data:`MASK`, and saving :data:`MASK` keeps the stored value.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core import audit, db
from core.clock import utc_now
from core.errors import NotFoundError
from core.events import unit_of_work
from plugins.social.common import as_bool, as_int, instant, loads_object
from plugins.social.sources import source_kind, source_kinds

ENTITY = "social_source"
MASK = "********"
SECRET_KEYS = frozenset({"secret", "access_token"})
COLUMNS = (
    "id, kind, name, settings, enabled, poll_interval_seconds, require_match, cursor, etag, "
    "last_modified, last_polled_at, last_success_at, last_error, last_error_at, "
    "consecutive_failures, next_poll_at, mentions_total, created_at, updated_at"
)


class SourceIn(BaseModel):
    """A source as staff enter it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    settings: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True
    poll_interval_seconds: int = Field(default=900, ge=60, le=86_400)
    require_match: bool = False


class SourcePatch(BaseModel):
    """Fields to change on a source."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=200)
    settings: dict[str, Any] | None = None
    enabled: bool | None = None
    poll_interval_seconds: int | None = Field(default=None, ge=60, le=86_400)
    require_match: bool | None = None


class SourceOut(BaseModel):
    """A source with its health."""

    id: int
    kind: str
    name: str
    settings: dict[str, Any]
    enabled: bool
    pollable: bool
    poll_interval_seconds: int
    require_match: bool
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    consecutive_failures: int
    next_poll_at: datetime | None
    mentions_total: int
    health: str  # ok | failing | never | disabled | inbound


def masked(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings with secret values hidden."""
    return {k: (MASK if k in SECRET_KEYS and v else v) for k, v in settings.items()}


def health_of(row: dict[str, Any], pollable: bool) -> str:
    """One word for the source's state, shown as a badge."""
    if not as_bool(row["enabled"]):
        return "disabled"
    if as_int(row["consecutive_failures"]) > 0:
        return "failing"
    if not pollable:
        return "inbound"
    return "ok" if row["last_success_at"] else "never"


def to_out(row: dict[str, Any]) -> SourceOut:
    """A ``social_source`` row as the API shows it."""
    kind = source_kinds().get(row["kind"])
    pollable = kind is not None and kind.pollable  # a kind whose plugin is gone is never polled
    return SourceOut(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        settings=masked(loads_object(row["settings"])),
        enabled=as_bool(row["enabled"]),
        pollable=pollable,
        poll_interval_seconds=as_int(row["poll_interval_seconds"]),
        require_match=as_bool(row["require_match"]),
        last_polled_at=instant(row["last_polled_at"]),
        last_success_at=instant(row["last_success_at"]),
        last_error=row["last_error"] or "",
        last_error_at=instant(row["last_error_at"]),
        consecutive_failures=as_int(row["consecutive_failures"]),
        next_poll_at=instant(row["next_poll_at"]),
        mentions_total=as_int(row["mentions_total"]),
        health=health_of(row, pollable),
    )


async def source_row(source_id: int) -> dict[str, Any]:
    """The raw row (with secrets); NotFoundError when missing."""
    row = await db.fetch_one(f"SELECT {COLUMNS} FROM social_source WHERE id = {{}}", source_id)
    if row is None:
        raise NotFoundError(f"source {source_id} not found")
    return row


async def get_source(source_id: int) -> SourceOut:
    """One source."""
    return to_out(await source_row(source_id))


async def list_sources() -> list[SourceOut]:
    """Every source, by name."""
    rows = await db.fetch_all(f"SELECT {COLUMNS} FROM social_source ORDER BY name, id")
    return [to_out(row) for row in rows]


def _validated(kind: str, settings: dict[str, Any], previous: dict[str, Any]) -> str:
    merged = {k: (previous.get(k, "") if v == MASK else v) for k, v in settings.items()}
    model = source_kind(kind).validate_settings(merged)
    return json.dumps(model.model_dump(mode="json"), sort_keys=True)


async def create_source(data: SourceIn) -> SourceOut:
    """Add a source; its first poll is due at once."""
    settings = _validated(data.kind, data.settings, {})
    now = utc_now()
    async with unit_of_work():
        source_id = await db.fetch_value(
            "INSERT INTO social_source (kind, name, settings, enabled, poll_interval_seconds, "
            "require_match, cursor, etag, last_modified, last_error, consecutive_failures, "
            "next_poll_at, mentions_total, created_at, updated_at) VALUES "
            "({}, {}, {}, {}, {}, {}, '', '', '', '', 0, {}, 0, {}, {}) RETURNING id",
            data.kind,
            data.name,
            settings,
            data.enabled,
            data.poll_interval_seconds,
            data.require_match,
            now,
            now,
            now,
        )
        after = {**data.model_dump(), "settings": masked(json.loads(settings))}
        await audit.record_change("create", ENTITY, source_id, after=after)
    return await get_source(int(source_id))


async def update_source(source_id: int, patch: SourcePatch) -> SourceOut:
    """Change a source; new settings reset its cursor and conditional-GET state."""
    row = await source_row(source_id)
    changes = patch.model_dump(exclude_unset=True)
    sets: dict[str, Any] = {k: v for k, v in changes.items() if k != "settings"}
    if patch.settings is not None:
        previous = loads_object(row["settings"])
        new = _validated(row["kind"], patch.settings, previous)
        if new != row["settings"]:
            sets.update(settings=new, cursor="", etag="", last_modified="")
    if patch.enabled:
        sets.update(consecutive_failures=0, next_poll_at=utc_now())
    if not sets:
        return to_out(row)
    sets["updated_at"] = utc_now()
    async with unit_of_work():
        assignments = ", ".join(f"{key} = {{}}" for key in sets)
        await db.execute(
            f"UPDATE social_source SET {assignments} WHERE id = {{}}", *sets.values(), source_id
        )
        shown = {k: (masked(json.loads(v)) if k == "settings" else v) for k, v in sets.items()}
        await audit.record_change(
            "update", ENTITY, source_id, before={"name": row["name"]}, after=shown
        )
    return await get_source(source_id)


async def delete_source(source_id: int) -> None:
    """Remove a source, the mentions it found and their timeline entries."""
    from plugins.social.linking import remove_timeline_entry

    row = await source_row(source_id)
    linked = await db.fetch_all(
        "SELECT interaction_id FROM social_mention WHERE source_id = {} "
        "AND interaction_id IS NOT NULL",
        source_id,
    )
    async with unit_of_work():
        for mention in linked:
            await remove_timeline_entry(int(mention["interaction_id"]))
        await db.execute("DELETE FROM social_source WHERE id = {}", source_id)
        await audit.record_change("delete", ENTITY, source_id, before={"name": row["name"]})


async def due_sources(now: datetime, limit: int = 100) -> list[int]:
    """Enabled, pollable sources whose next poll is due."""
    rows = await db.fetch_all(
        "SELECT id, kind FROM social_source WHERE enabled = {} AND "
        "(next_poll_at IS NULL OR next_poll_at <= {}) ORDER BY next_poll_at, id LIMIT {}",
        True,
        now,
        limit,
    )
    kinds = source_kinds()  # a kind whose plugin is gone is skipped, its data kept
    return [int(row["id"]) for row in rows if row["kind"] in kinds and kinds[row["kind"]].pollable]


def backoff_seconds(failures: int, interval: int, cap: int, retry_after: float | None) -> int:
    """Delay before the next try after ``failures`` consecutive failures.

    Doubles from the poll interval (``interval x 2^(failures-1)``), capped, and never sooner
    than the server's Retry-After.
    """
    delay = min(interval * (2 ** max(failures - 1, 0)), cap)
    if retry_after is not None:
        delay = max(delay, int(retry_after))
    return int(delay)


def next_after(now: datetime, seconds: int) -> datetime:
    """``now`` plus ``seconds``."""
    return now + timedelta(seconds=seconds)

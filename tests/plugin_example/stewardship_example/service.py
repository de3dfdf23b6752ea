"""The example plugin's domain logic: awarding badges."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core import audit, db
from core.errors import ConflictError, NotFoundError
from core.events import emit, unit_of_work
from core.plugins import plugin_settings

STATE: dict[str, Any] = {}


async def award_badge(constituent_id: int, label: str) -> int:
    """Award a badge: a row, a timeline interaction, an audit entry and an event."""
    from core.interactions.service import record_interaction

    settings = plugin_settings("example")
    prefix = getattr(settings, "badge_prefix", "")
    limit = getattr(settings, "max_badges_per_person", 10)
    async with unit_of_work():
        exists = await db.fetch_value(
            "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL", constituent_id
        )
        if exists is None:
            raise NotFoundError(f"no constituent {constituent_id}")
        held = await db.fetch_value(
            "SELECT COUNT(*) AS n FROM example_badge WHERE constituent_id = {}", constituent_id
        )
        if int(held or 0) >= limit:
            raise ConflictError(f"constituent {constituent_id} already holds {limit} badges")
        row = await db.fetch_one(
            "INSERT INTO example_badge (constituent_id, label, awarded_at) VALUES ({}, {}, {}) "
            "RETURNING id",
            constituent_id,
            prefix + label,
            datetime.now(UTC),
        )
        assert row is not None
        badge_id = int(row["id"])
        await record_interaction(
            constituent_id=constituent_id,
            interaction_type="example.badge_awarded",
            subject=f"Badge awarded: {prefix + label}",
            payload={"badge_id": badge_id, "label": prefix + label},
        )
        await audit.record_change(
            "create",
            "example_badge",
            badge_id,
            after={"label": prefix + label},
            constituent_id=constituent_id,
        )
        await emit(
            "example.badge_awarded", {"badge_id": badge_id, "constituent_id": constituent_id}
        )
    return badge_id


async def badges(constituent_id: int | None = None) -> list[dict[str, Any]]:
    """Badges, optionally of one constituent."""
    if constituent_id is None:
        return await db.fetch_all("SELECT * FROM example_badge ORDER BY id")
    return await db.fetch_all(
        "SELECT * FROM example_badge WHERE constituent_id = {} ORDER BY id", constituent_id
    )


async def badges_by_label() -> list[dict[str, Any]]:
    """Report rows: label and count."""
    return await db.fetch_all(
        "SELECT label, COUNT(*) AS total FROM example_badge GROUP BY label ORDER BY label"
    )


async def recount() -> int:
    """Job handler: count badges and remember the figure."""
    total = int(await db.fetch_value("SELECT COUNT(*) AS n FROM example_badge") or 0)
    STATE["last_recount"] = total
    return total

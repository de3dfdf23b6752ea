"""Keeping a plugin's timeline item true to the record it stands for.

A plugin that records an interaction with an ``external_ref`` (a gift, a shift, a
membership renewal) owns that item's payload. When the record changes (an amount edited,
a gift refunded or moved to another donor), :func:`restate_interaction` brings the item up
to date instead of leaving the timeline showing what was true when it was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from core import audit, db
from core.events import emit, unit_of_work
from core.interactions import fields
from core.interactions.catalog import dump_payload, resolve_type, validate_payload
from core.interactions.records import Interaction, fetch_interaction, require_constituent
from core.interactions.service import event_payload

ENTITY = "interaction"


async def _find(plugin: str, external_ref: str) -> int | None:
    value = await db.fetch_value(
        "SELECT id FROM core_interaction WHERE source_plugin = {} AND external_ref = {} "
        "AND deleted_at IS NULL",
        plugin,
        external_ref,
    )
    return None if value is None else int(value)


async def restate_interaction(
    plugin: str,
    external_ref: str,
    *,
    payload: Mapping[str, Any] | BaseModel | None = None,
    constituent_id: int | None = None,
    occurred_at: datetime | None = None,
) -> Interaction | None:
    """Update the item ``plugin`` recorded as ``external_ref``; None when there is none.

    ``payload`` (validated by the item's type, as when it was recorded), ``constituent_id``
    (the record moved to someone else) and ``occurred_at`` replace the stored values when
    given. Nothing different means no write; otherwise an audit entry and
    ``interaction.updated``. Raises InvalidInputError for a payload the type refuses and
    NotFoundError for a constituent that does not exist.
    """
    async with unit_of_work():
        interaction_id = await _find(plugin, external_ref)
        if interaction_id is None:
            return None
        before = await fetch_interaction(interaction_id)
        wanted: dict[str, Any] = {}
        if payload is not None:
            registered = await resolve_type(before.interaction_type)
            clean = validate_payload(registered, payload)
            if clean != before.payload:
                wanted["payload"] = dump_payload(clean)
        if constituent_id is not None and constituent_id != before.constituent_id:
            await require_constituent(constituent_id)
            wanted["constituent_id"] = constituent_id
        if occurred_at is not None:
            errors = fields.FieldErrors()
            instant = fields.instant(occurred_at, "occurred_at", errors)
            errors.raise_if_any()
            if instant != before.occurred_at:
                wanted["occurred_at"] = instant
        if not wanted:
            return before
        assignments = ", ".join(f"{name} = {{}}" for name in wanted)
        await db.execute(
            f"UPDATE core_interaction SET {assignments}, updated_at = {{}} WHERE id = {{}}",
            *wanted.values(),
            datetime.now(UTC),
            interaction_id,
        )
        after = await fetch_interaction(interaction_id)
        await audit.record_change(
            "update",
            ENTITY,
            interaction_id,
            before=before.snapshot(),
            after=after.snapshot(),
            constituent_id=after.constituent_id,
        )
        changed = sorted(wanted)
        await emit("interaction.updated", {**event_payload(after), "changed": changed})
    return after

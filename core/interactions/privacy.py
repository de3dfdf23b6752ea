"""Interactions in the constituent lifecycle: subject-access export, erasure and merge.

Erasure and merge run inside the caller's transaction (the constituents service's), so an
exception here aborts the whole operation; they write audit entries but emit no events.
"""

from __future__ import annotations

from typing import Any

from core import audit, db
from core.interactions.records import SELECT_COLUMNS, from_row
from core.plugins.types import ErasureReport, ExportSection

PLUGIN = "interactions"
RETAINED_REASON = (
    "type, channel, direction, initiator, dates and follow-up status are kept without "
    "content, so activity statistics and the staff task history stay correct"
)


def _exported(row: dict[str, Any]) -> dict[str, Any]:
    record = from_row(row).snapshot()
    for key, value in record.items():
        if hasattr(value, "isoformat"):
            record[key] = value.isoformat()
    return record


async def export_interactions(constituent_id: int) -> ExportSection:
    """Every interaction held about a constituent, deleted ones included, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {SELECT_COLUMNS} FROM core_interaction i WHERE i.constituent_id = {{}} "
        "ORDER BY i.occurred_at, i.id",
        constituent_id,
    )
    return ExportSection(
        plugin=PLUGIN, records={"interactions": [_exported(r) for r in rows]}, order=20
    )


async def erase_interactions(constituent_id: int) -> ErasureReport:
    """Blank the content (subject, body, purpose, payload, external reference) of every
    interaction of a constituent; the rows stay, as :data:`RETAINED_REASON` explains."""
    async with db.transaction():
        count = int(
            await db.fetch_value(
                "SELECT COUNT(*) AS n FROM core_interaction WHERE constituent_id = {}",
                constituent_id,
            )
            or 0
        )
        await db.execute(
            "UPDATE core_interaction SET subject = {}, body = {}, purpose = {}, payload = {}, "
            "external_ref = {} WHERE constituent_id = {}",
            "",
            "",
            "",
            "{}",
            None,
            constituent_id,
        )
        await audit.record_change(
            "erase",
            "interaction",
            f"constituent:{constituent_id}",
            after={"interactions_erased": count},
            constituent_id=constituent_id,
        )
    return ErasureReport(
        plugin=PLUGIN,
        erased={"interactions": count},
        retained={"interactions": RETAINED_REASON} if count else {},
        order=20,
    )


async def merge_interactions(survivor_id: int, merged_id: int) -> list[int]:
    """Move every interaction of ``merged_id`` to ``survivor_id``; returns the moved ids.

    The ids are kept in the audit entry so that undoing the merge can move them back.
    """
    async with db.transaction():
        rows = await db.fetch_all(
            "SELECT id FROM core_interaction WHERE constituent_id = {} ORDER BY id", merged_id
        )
        moved = [int(r["id"]) for r in rows]
        if not moved:
            return moved
        await db.execute(
            "UPDATE core_interaction SET constituent_id = {} WHERE constituent_id = {}",
            survivor_id,
            merged_id,
        )
        await audit.record_change(
            "merge",
            "interaction",
            f"constituent:{merged_id}",
            before={"constituent_id": merged_id, "interaction_ids": moved},
            after={"constituent_id": survivor_id, "interaction_ids": moved},
            constituent_id=survivor_id,
        )
    return moved

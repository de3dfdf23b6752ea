"""Constituent merge, personal-data export and erasure for the social plugin.

Erasure deletes what this plugin holds about the person: their handles, and every mention
linked to them or written from one of their handles (the posts, names, handles and stable
ids). Aggregate counters (a source's ``mentions_total``) are not personal and stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core import ErasureReport, ExportSection, db

_HANDLE_COLUMNS = "id, constituent_id, platform, handle, stable_id, created_at"


async def merge_constituents(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move handles and mentions to the survivor (a handle both hold is kept once).

    Returns what moved and the repeated handles removed, for :func:`unmerge_constituents`.
    """
    repeated = (
        "FROM social_handle WHERE constituent_id = {} AND EXISTS (SELECT 1 FROM "
        "social_handle s WHERE s.constituent_id = {} AND s.platform = social_handle.platform "
        "AND s.handle = social_handle.handle)"
    )
    dropped = _plain(
        await db.fetch_all(f"SELECT {_HANDLE_COLUMNS} {repeated}", merged_id, survivor_id)
    )
    await db.execute(f"DELETE {repeated}", merged_id, survivor_id)
    moved: dict[str, list[int]] = {}
    for table in ("social_handle", "social_mention"):
        rows = await db.fetch_all(f"SELECT id FROM {table} WHERE constituent_id = {{}}", merged_id)
        moved[table] = [int(r["id"]) for r in rows]
        await db.execute(
            f"UPDATE {table} SET constituent_id = {{}} WHERE constituent_id = {{}}",
            survivor_id,
            merged_id,
        )
    return {"moved": moved, "dropped_handles": dropped}


async def unmerge_constituents(
    survivor_id: int, merged_id: int, snapshot: Mapping[str, Any]
) -> None:
    """Undo :func:`merge_constituents`; rows changed since the merge stay as they are."""
    moved: Mapping[str, list[int]] = snapshot.get("moved", {})
    for table in ("social_handle", "social_mention"):
        ids = moved.get(table, [])
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("{}" for _ in chunk)
            await db.execute(
                f"UPDATE {table} SET constituent_id = {{}} WHERE constituent_id = {{}} "
                f"AND id IN ({marks})",
                merged_id,
                survivor_id,
                *chunk,
            )
    for handle in snapshot.get("dropped_handles", []):
        await db.execute(
            f"INSERT INTO social_handle ({_HANDLE_COLUMNS}) "
            "VALUES ({}, {}, {}, {}, {}, {})",
            int(handle["id"]),
            merged_id,
            str(handle["platform"]),
            str(handle["handle"]),
            str(handle["stable_id"] or ""),
            datetime.fromisoformat(str(handle["created_at"])),
        )


def _plain(rows: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows
    ]


MENTIONS_OF = (
    "FROM social_mention WHERE (constituent_id = {} AND link_status IN ('auto', 'confirmed')) "
    "OR (author_handle <> '' AND LOWER(author_handle) IN "
    "(SELECT handle FROM social_handle WHERE constituent_id = {}))"
)


async def export_data(constituent_id: int) -> ExportSection:
    """The constituent's handles and the mentions linked to them."""
    handles = await db.fetch_all(
        "SELECT platform, handle, stable_id, created_at FROM social_handle "
        "WHERE constituent_id = {} ORDER BY id",
        constituent_id,
    )
    mentions = await db.fetch_all(
        "SELECT id, platform, author_name, author_handle, author_id, text, url, posted_at, "
        "language, sentiment_label, corrected_label, link_status "
        + MENTIONS_OF
        + " ORDER BY posted_at, id",
        constituent_id,
        constituent_id,
    )
    return ExportSection(
        plugin="social",
        records={"handles": _plain(handles), "mentions": _plain(mentions)},
        order=600,
    )


async def erase_data(constituent_id: int) -> ErasureReport:
    """Delete the constituent's mentions and handles; probable links to them are dropped."""
    mentions = await db.fetch_value(
        "SELECT COUNT(*) " + MENTIONS_OF, constituent_id, constituent_id
    )
    await db.execute("DELETE " + MENTIONS_OF, constituent_id, constituent_id)
    await db.execute(
        "UPDATE social_mention SET constituent_id = NULL, link_status = 'none', "
        "interaction_id = NULL WHERE constituent_id = {}",
        constituent_id,
    )
    handles = await db.fetch_value(
        "SELECT COUNT(*) FROM social_handle WHERE constituent_id = {}", constituent_id
    )
    await db.execute("DELETE FROM social_handle WHERE constituent_id = {}", constituent_id)
    return ErasureReport(
        plugin="social",
        erased={"mentions": int(mentions or 0), "handles": int(handles or 0)},
        order=600,
    )

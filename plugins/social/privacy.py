"""Constituent merge, personal-data export and erasure for the social plugin.

Erasure deletes what this plugin holds about the person: their handles, and every mention
linked to them or written from one of their handles (the posts, names, handles and stable
ids). Aggregate counters (a source's ``mentions_total``) are not personal and stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import ErasureReport, ExportSection, db


async def merge_constituents(survivor_id: int, merged_id: int) -> None:
    """Move handles and mentions to the survivor (a handle both hold is kept once)."""
    await db.execute(
        "DELETE FROM social_handle WHERE constituent_id = {} AND EXISTS (SELECT 1 FROM "
        "social_handle s WHERE s.constituent_id = {} AND s.platform = social_handle.platform "
        "AND s.handle = social_handle.handle)",
        merged_id,
        survivor_id,
    )
    await db.execute(
        "UPDATE social_handle SET constituent_id = {} WHERE constituent_id = {}",
        survivor_id,
        merged_id,
    )
    await db.execute(
        "UPDATE social_mention SET constituent_id = {} WHERE constituent_id = {}",
        survivor_id,
        merged_id,
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

"""Constituent merge, personal-data export and erasure for the donations plugin.

Gifts, receipts and pledges are financial records that tax and accounting law require an
organisation to keep, so erasure keeps them (linked to the anonymised constituent) and
erases the personal details this plugin holds alongside them: tribute notification
contacts, free-text notes, checkout emails and raw gateway payloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import ErasureReport, ExportSection, db
from plugins.donations import rollups

RETENTION = (
    "kept as financial records (tax receipts and accounts must be retained, typically 6-10 "
    "years); linked only to the anonymised constituent"
)
MOVES = [
    ("donations_gift", "donor_id"),
    ("donations_soft_credit", "constituent_id"),
    ("donations_pledge", "donor_id"),
    ("donations_recurring", "donor_id"),
    ("donations_receipt", "constituent_id"),
    ("donations_checkout", "constituent_id"),
    ("donations_tribute", "honoree_id"),
]


async def merge_constituents(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move every donations row to the survivor and recompute both donors' rollups.

    Returns what moved (row ids per table) and the soft credits dropped as double counts,
    which core keeps with the merge so :func:`unmerge_constituents` can put them back.
    """
    moved: dict[str, list[int]] = {}
    for table, column in MOVES:
        rows = await db.fetch_all(f"SELECT id FROM {table} WHERE {column} = {{}}", merged_id)
        moved[table] = [int(r["id"]) for r in rows]
        await db.execute(
            f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}}", survivor_id, merged_id
        )
    # A soft credit the survivor now holds on its own gift would double count: drop it.
    self_credit = (
        "FROM donations_soft_credit WHERE constituent_id = {} AND gift_id IN "
        "(SELECT id FROM donations_gift WHERE donor_id = {})"
    )
    dropped = await db.fetch_all(
        f"SELECT id, gift_id, credit_type, amount_minor {self_credit}", survivor_id, survivor_id
    )
    await db.execute(f"DELETE {self_credit}", survivor_id, survivor_id)
    await rollups.recompute_donors([survivor_id, merged_id])
    return {"moved": moved, "dropped_soft_credits": [dict(r) for r in dropped]}


async def unmerge_constituents(
    survivor_id: int, merged_id: int, snapshot: Mapping[str, Any]
) -> None:
    """Undo :func:`merge_constituents` from its snapshot; rows changed since stay put.

    A row moves back only if it still points at the survivor; a dropped soft credit comes
    back to whoever held it (the merged record if it had been moved, else the survivor).
    """
    moved: Mapping[str, list[int]] = snapshot.get("moved", {})
    for table, column in MOVES:
        for chunk in _chunks(moved.get(table, [])):
            marks = ", ".join("{}" for _ in chunk)
            await db.execute(
                f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}} AND id IN ({marks})",
                merged_id,
                survivor_id,
                *chunk,
            )
    moved_credits = set(moved.get("donations_soft_credit", []))
    for credit in snapshot.get("dropped_soft_credits", []):
        holder = merged_id if int(credit["id"]) in moved_credits else survivor_id
        await db.execute(
            "INSERT INTO donations_soft_credit (id, gift_id, constituent_id, credit_type, "
            "amount_minor) SELECT {}, {}, {}, {}, {} WHERE EXISTS "
            "(SELECT 1 FROM donations_gift WHERE id = {})",
            int(credit["id"]),
            int(credit["gift_id"]),
            holder,
            str(credit["credit_type"]),
            int(credit["amount_minor"]),
            int(credit["gift_id"]),
        )
    await rollups.recompute_donors([survivor_id, merged_id])


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


async def _rows(sql: str, constituent_id: int) -> list[Mapping[str, Any]]:
    rows = await db.fetch_all(sql, constituent_id)
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows
    ]


async def export_data(constituent_id: int) -> ExportSection:
    """Gifts, soft credits, pledges, recurring gifts and receipts of a constituent."""
    records = {
        "gifts": await _rows(
            "SELECT id, amount_minor, currency, gift_date, status, payment_method, anonymous, "
            "notes FROM donations_gift WHERE donor_id = {} ORDER BY id",
            constituent_id,
        ),
        "soft_credits": await _rows(
            "SELECT gift_id, credit_type, amount_minor FROM donations_soft_credit "
            "WHERE constituent_id = {} ORDER BY id",
            constituent_id,
        ),
        "pledges": await _rows(
            "SELECT id, amount_minor, currency, pledge_date, status FROM donations_pledge "
            "WHERE donor_id = {} ORDER BY id",
            constituent_id,
        ),
        "recurring_gifts": await _rows(
            "SELECT id, amount_minor, currency, frequency, status, next_date "
            "FROM donations_recurring WHERE donor_id = {} ORDER BY id",
            constituent_id,
        ),
        "receipts": await _rows(
            "SELECT series, number, kind, amount_minor, currency, issued_at "
            "FROM donations_receipt WHERE constituent_id = {} ORDER BY id",
            constituent_id,
        ),
    }
    return ExportSection(plugin="donations", records=records, order=300)


async def erase_data(constituent_id: int) -> ErasureReport:
    """Anonymise personal details; keep the financial records (see the module docstring)."""
    gift_ids = "(SELECT id FROM donations_gift WHERE donor_id = {})"
    counts = {
        "gift_notes": await _count(
            "SELECT COUNT(*) AS n FROM donations_gift WHERE donor_id = {} AND notes <> ''",
            constituent_id,
        ),
        "tribute_contacts": await _count(
            f"SELECT COUNT(*) AS n FROM donations_tribute WHERE gift_id IN {gift_ids}",
            constituent_id,
        ),
        "checkouts": await _count(
            "SELECT COUNT(*) AS n FROM donations_checkout WHERE constituent_id = {}",
            constituent_id,
        ),
    }
    await db.execute("UPDATE donations_gift SET notes = '' WHERE donor_id = {}", constituent_id)
    await db.execute("UPDATE donations_pledge SET notes = '' WHERE donor_id = {}", constituent_id)
    await db.execute(
        "UPDATE donations_tribute SET notify_name = NULL, notify_email = NULL, "
        f"notify_address = NULL WHERE gift_id IN {gift_ids}",
        constituent_id,
    )
    await db.execute(
        "UPDATE donations_tribute SET honoree_name = 'erased', honoree_id = NULL "
        "WHERE honoree_id = {}",
        constituent_id,
    )
    await db.execute(
        "UPDATE donations_checkout SET email = NULL WHERE constituent_id = {}", constituent_id
    )
    refs = await db.fetch_all(
        "SELECT external_id FROM donations_gift WHERE donor_id = {} AND external_id IS NOT NULL",
        constituent_id,
    )
    for ref in refs:
        await db.execute(
            "UPDATE donations_webhook_event SET payload = '' WHERE object_ref = {}",
            ref["external_id"],
        )
    return ErasureReport(
        plugin="donations",
        erased=counts,
        retained={
            "gifts": RETENTION,
            "receipts": RETENTION,
            "pledges": RETENTION,
            "recurring_gifts": RETENTION,
        },
        order=300,
    )


async def _count(sql: str, constituent_id: int) -> int:
    return int(await db.fetch_value(sql, constituent_id) or 0)

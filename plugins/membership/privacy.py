"""Constituent merge, personal-data export and erasure for the membership plugin.

Erasure removes what identifies or describes the person beyond the fact of membership:
free-text override reasons, the directory listing, family links and the reminder log.
Membership and term rows stay, linked only to the anonymised constituent, because dues
payments (gifts) point at them and membership counts and retention reports must not change
retroactively when someone exercises their rights.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core import ErasureReport, ExportSection, audit, db
from core.clock import utc_now

RETAINED = (
    "kept without personal details: dues payments refer to it and membership statistics "
    "must not change retroactively"
)


async def _rows(sql: str, *args: Any) -> list[Mapping[str, Any]]:
    rows = await db.fetch_all(sql, *args)
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows
    ]


async def export_data(constituent_id: int) -> ExportSection:
    """Memberships, their history, family links and reminders sent to the constituent."""
    records = {
        "memberships": await _rows(
            "SELECT m.id, l.name AS level, m.join_date, m.period_start, m.end_date, m.status, "
            "m.lifecycle, m.source, m.auto_renew, m.directory_opt_in, m.override_status, "
            "m.override_reason, m.override_until, m.cancelled_at FROM membership_membership m "
            "JOIN membership_level l ON l.id = m.level_id WHERE m.member_id = {} ORDER BY m.id",
            constituent_id,
        ),
        "terms": await _rows(
            "SELECT t.membership_id, t.kind, t.start_date, t.end_date, t.dues_minor, "
            "t.credit_minor, t.due_minor, t.currency FROM membership_term t "
            "JOIN membership_membership m ON m.id = t.membership_id WHERE m.member_id = {} "
            "ORDER BY t.id",
            constituent_id,
        ),
        "covered_by": await _rows(
            "SELECT membership_id, added_at FROM membership_associate "
            "WHERE constituent_id = {} ORDER BY id",
            constituent_id,
        ),
        "reminders": await _rows(
            "SELECT membership_id, kind, end_date, days, status, sent_at FROM membership_reminder "
            "WHERE constituent_id = {} ORDER BY id",
            constituent_id,
        ),
    }
    return ExportSection(plugin="membership", records=records, order=400)


async def _count(sql: str, *args: Any) -> int:
    return int(await db.fetch_value(sql, *args) or 0)


async def erase_data(constituent_id: int) -> ErasureReport:
    """Erase personal details; keep anonymous membership history (see the module docstring)."""
    mine = "(SELECT id FROM membership_membership WHERE member_id = {})"
    counts = {
        "override_reasons": await _count(
            "SELECT COUNT(*) FROM membership_membership WHERE member_id = {} "
            "AND override_reason <> ''",
            constituent_id,
        ),
        "directory_listings": await _count(
            "SELECT COUNT(*) FROM membership_membership WHERE member_id = {} "
            "AND directory_opt_in = {}",
            constituent_id,
            True,
        ),
        "family_links": await _count(
            f"SELECT COUNT(*) FROM membership_associate WHERE constituent_id = {{}} "
            f"OR membership_id IN {mine}",
            constituent_id,
            constituent_id,
        ),
        "reminders": await _count(
            "SELECT COUNT(*) FROM membership_reminder WHERE constituent_id = {}", constituent_id
        ),
    }
    await db.execute(
        "UPDATE membership_membership SET override_reason = '', directory_opt_in = {}, "
        "external_id = NULL, version = version + 1, updated_at = {} WHERE member_id = {}",
        False,
        utc_now(),
        constituent_id,
    )
    await db.execute(
        f"DELETE FROM membership_associate WHERE constituent_id = {{}} OR membership_id IN {mine}",
        constituent_id,
        constituent_id,
    )
    await db.execute("DELETE FROM membership_reminder WHERE constituent_id = {}", constituent_id)
    return ErasureReport(
        plugin="membership",
        erased=counts,
        retained={"memberships": RETAINED, "terms": RETAINED},
        order=400,
    )


_ASSOCIATE_COLUMNS = "id, membership_id, constituent_id, added_at"
_MOVES = (
    ("membership_membership", "member_id"),
    ("membership_associate", "constituent_id"),
    ("membership_reminder", "constituent_id"),
    ("membership_online_payment", "member_id"),
)


async def merge_constituents(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move memberships, family links and reminders to the survivor.

    A person has at most one open membership: if both had one, the one ending later stays
    and the other is cancelled (audited), so no history is lost. Returns what moved, the
    family links dropped as repeats and the memberships cancelled, for
    :func:`unmerge_constituents`.
    """
    repeats = (
        "FROM membership_associate WHERE (constituent_id = {} AND (membership_id IN "
        "(SELECT membership_id FROM membership_associate WHERE constituent_id = {}) OR "
        "membership_id IN (SELECT id FROM membership_membership WHERE member_id = {}))) "
        "OR (constituent_id = {} AND membership_id IN "
        "(SELECT id FROM membership_membership WHERE member_id = {}))"
    )
    ids = (merged_id, survivor_id, survivor_id, survivor_id, merged_id)
    dropped = await _rows(f"SELECT {_ASSOCIATE_COLUMNS} {repeats}", *ids)
    await db.execute(f"DELETE {repeats}", *ids)
    moved: dict[str, list[int]] = {}
    for table, column in _MOVES:
        rows = await db.fetch_all(f"SELECT id FROM {table} WHERE {column} = {{}}", merged_id)
        moved[table] = [int(r["id"]) for r in rows]
        await db.execute(
            f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}}", survivor_id, merged_id
        )
    open_rows = await db.fetch_all(
        "SELECT id, end_date, status, counts_as_member, auto_renew FROM membership_membership "
        "WHERE member_id = {} AND lifecycle <> 'cancelled' ORDER BY end_date DESC, id DESC",
        survivor_id,
    )
    cancelled = []
    for row in open_rows[1:]:
        await _cancel_for_merge(row, survivor_id)
        cancelled.append(
            {
                "id": int(row["id"]),
                "status": row["status"],
                "counts_as_member": bool(row["counts_as_member"]),
                "auto_renew": bool(row["auto_renew"]),
            }
        )
    return {"moved": moved, "dropped_associates": dropped, "cancelled": cancelled}


async def _cancel_for_merge(row: Mapping[str, Any], survivor_id: int) -> None:
    now = utc_now()
    await db.execute(
        "UPDATE membership_membership SET lifecycle = 'cancelled', status = 'cancelled', "
        "counts_as_member = {}, auto_renew = {}, cancelled_at = {}, version = version + 1, "
        "updated_at = {} WHERE id = {}",
        False,
        False,
        now,
        now,
        row["id"],
    )
    await audit.record_change(
        "cancel",
        "membership_membership",
        row["id"],
        before={"status": row["status"]},
        after={"status": "cancelled", "reason": f"merged into constituent {survivor_id}"},
        constituent_id=survivor_id,
    )


async def unmerge_constituents(
    survivor_id: int, merged_id: int, snapshot: Mapping[str, Any]
) -> None:
    """Undo :func:`merge_constituents`: rows changed since the merge stay as they are.

    Moved rows go back if they still point at the survivor; dropped family links come
    back if their membership still exists; a membership the merge cancelled is reopened
    (audited) unless it was changed after.
    """
    moved: Mapping[str, list[int]] = snapshot.get("moved", {})
    for table, column in _MOVES:
        for chunk in _chunks(moved.get(table, [])):
            marks = ", ".join("{}" for _ in chunk)
            await db.execute(
                f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}} AND id IN ({marks})",
                merged_id,
                survivor_id,
                *chunk,
            )
    for link in snapshot.get("dropped_associates", []):
        await db.execute(
            f"INSERT INTO membership_associate ({_ASSOCIATE_COLUMNS}) "
            "SELECT {}, {}, {}, {} WHERE EXISTS "
            "(SELECT 1 FROM membership_membership WHERE id = {})",
            int(link["id"]),
            int(link["membership_id"]),
            int(link["constituent_id"]),
            datetime.fromisoformat(str(link["added_at"])),
            int(link["membership_id"]),
        )
    for row in snapshot.get("cancelled", []):
        await _reopen(row)


async def _reopen(row: Mapping[str, Any]) -> None:
    reopened = await db.fetch_one(
        "UPDATE membership_membership SET lifecycle = 'active', status = {}, "
        "counts_as_member = {}, auto_renew = {}, cancelled_at = NULL, version = version + 1, "
        "updated_at = {} WHERE id = {} AND lifecycle = 'cancelled' RETURNING member_id",
        row["status"],
        bool(row["counts_as_member"]),
        bool(row["auto_renew"]),
        utc_now(),
        int(row["id"]),
    )
    if reopened is not None:
        await audit.record_change(
            "reopen",
            "membership_membership",
            int(row["id"]),
            before={"status": "cancelled"},
            after={"status": row["status"], "reason": "merge undone"},
            constituent_id=int(reopened["member_id"]),
        )


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]

"""Constituent merge, personal-data export and erasure for the membership plugin.

Erasure removes what identifies or describes the person beyond the fact of membership:
free-text override reasons, the directory listing, family links and the reminder log.
Membership and term rows stay, linked only to the anonymised constituent, because dues
payments (gifts) point at them and membership counts and retention reports must not change
retroactively when someone exercises their rights.
"""

from __future__ import annotations

from collections.abc import Mapping
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


async def merge_constituents(survivor_id: int, merged_id: int) -> None:
    """Move memberships, family links and reminders to the survivor.

    A person has at most one open membership: if both had one, the one ending later stays
    and the other is cancelled (audited), so no history is lost.
    """
    await db.execute(
        "DELETE FROM membership_associate WHERE constituent_id = {} AND (membership_id IN "
        "(SELECT membership_id FROM membership_associate WHERE constituent_id = {}) OR "
        "membership_id IN (SELECT id FROM membership_membership WHERE member_id = {}))",
        merged_id,
        survivor_id,
        survivor_id,
    )
    await db.execute(
        "DELETE FROM membership_associate WHERE constituent_id = {} AND membership_id IN "
        "(SELECT id FROM membership_membership WHERE member_id = {})",
        survivor_id,
        merged_id,
    )
    for table, column in (
        ("membership_membership", "member_id"),
        ("membership_associate", "constituent_id"),
        ("membership_reminder", "constituent_id"),
    ):
        await db.execute(
            f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}}", survivor_id, merged_id
        )
    open_rows = await db.fetch_all(
        "SELECT id, end_date, status FROM membership_membership WHERE member_id = {} "
        "AND lifecycle <> 'cancelled' ORDER BY end_date DESC, id DESC",
        survivor_id,
    )
    for row in open_rows[1:]:
        await db.execute(
            "UPDATE membership_membership SET lifecycle = 'cancelled', status = 'cancelled', "
            "counts_as_member = {}, auto_renew = {}, cancelled_at = {}, version = version + 1, "
            "updated_at = {} WHERE id = {}",
            False,
            False,
            utc_now(),
            utc_now(),
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

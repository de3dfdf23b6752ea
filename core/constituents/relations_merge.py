"""Merge and personal-data export of relationships, household memberships and consent.

The public entry points are :func:`core.constituents.relations.repoint_relations` and
:func:`core.constituents.relations.export_relations`; this module holds their per-table work.
Exports are plain, JSON-ready dicts (ISO dates) for the subject-access export.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from core import db
from core.constituents.consent import block_from_row, entry_from_row
from core.constituents.relations_common import as_bool, as_date, as_instant, iso, org_today

# -- relationships -----------------------------------------------------------------------


async def repoint_relationships(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move the merged record's relationships; drop self-relationships and exact repeats."""
    rows = await db.fetch_all(
        "SELECT * FROM core_relationship WHERE constituent_a_id = {} OR constituent_b_id = {} "
        "ORDER BY id",
        merged_id,
        merged_id,
    )
    moved = [int(r["id"]) for r in rows]
    await db.execute(
        "UPDATE core_relationship SET constituent_a_id = {} WHERE constituent_a_id = {}",
        survivor_id,
        merged_id,
    )
    await db.execute(
        "UPDATE core_relationship SET constituent_b_id = {} WHERE constituent_b_id = {}",
        survivor_id,
        merged_id,
    )
    removed = await db.fetch_all(
        "SELECT * FROM core_relationship WHERE constituent_a_id = {} AND constituent_b_id = {}",
        survivor_id,
        survivor_id,
    )
    removed += await _duplicates_after_merge(survivor_id, moved)
    for row in removed:
        await db.execute("DELETE FROM core_relationship WHERE id = {}", row["id"])
    removed_ids = {int(r["id"]) for r in removed}
    # Removed rows are reported as they were before the merge, so an undo can restore them.
    originals = {int(r["id"]): r for r in rows}
    return {
        "relationships_moved": [i for i in moved if i not in removed_ids],
        "relationships_removed": [
            _export_relationship_row(originals.get(int(r["id"]), r)) for r in removed
        ],
    }


async def _duplicates_after_merge(survivor_id: int, moved: list[int]) -> list[dict[str, Any]]:
    """Moved rows that now repeat an older row of the same type, pair and end date."""
    rows = await db.fetch_all(
        'SELECT r.*, t."symmetric" FROM core_relationship r '
        "JOIN core_relationship_type t ON t.id = r.type_id "
        "WHERE (r.constituent_a_id = {} OR r.constituent_b_id = {}) "
        "AND r.constituent_a_id <> r.constituent_b_id ORDER BY r.id",
        survivor_id,
        survivor_id,
    )
    moved_ids = set(moved)
    # The survivor's own rows come first, so a moved row is the one dropped as the duplicate.
    rows.sort(key=lambda row: (int(row["id"]) in moved_ids, int(row["id"])))
    seen: set[tuple[Any, ...]] = set()
    duplicates = []
    for row in rows:
        pair: tuple[int, ...] = (int(row["constituent_a_id"]), int(row["constituent_b_id"]))
        if as_bool(row.pop("symmetric")):
            pair = tuple(sorted(pair))
        signature = (int(row["type_id"]), pair, as_date(row["end_date"]))
        if signature in seen and int(row["id"]) in moved_ids:
            duplicates.append(row)
        seen.add(signature)
    return duplicates


def _export_relationship_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "type_id": int(row["type_id"]),
        "constituent_a_id": int(row["constituent_a_id"]),
        "constituent_b_id": int(row["constituent_b_id"]),
        "start_date": iso(as_date(row["start_date"])),
        "end_date": iso(as_date(row["end_date"])),
        "notes": row["notes"],
        "created_at": iso(as_instant(row["created_at"])),
    }


async def export_relationships(constituent_id: int) -> list[dict[str, Any]]:
    """Every relationship of a constituent, seen from them, as plain JSON-ready dicts."""
    rows = await db.fetch_all(
        "SELECT r.*, t.key AS type_key, CASE WHEN r.constituent_a_id = {} "
        "THEN t.label_a_to_b ELSE t.label_b_to_a END AS label, o.display_name AS related_name "
        "FROM core_relationship r JOIN core_relationship_type t ON t.id = r.type_id "
        "JOIN core_constituent o ON o.id = CASE WHEN r.constituent_a_id = {} "
        "THEN r.constituent_b_id ELSE r.constituent_a_id END "
        "WHERE r.constituent_a_id = {} OR r.constituent_b_id = {} ORDER BY r.id",
        *[constituent_id] * 4,
    )
    relationships = []
    for row in rows:
        item = _export_relationship_row(row)
        related = item["constituent_b_id"]
        if related == constituent_id:
            related = item["constituent_a_id"]
        item.update(
            type_key=row["type_key"],
            label=row["label"],
            related_id=related,
            related_name=row["related_name"],
        )
        relationships.append(item)
    return relationships


# -- household memberships -------------------------------------------------------------


async def repoint_memberships(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move household memberships of ``merged_id`` (as person or as household) to the survivor.

    Runs inside the merge transaction. If both records were current members of households,
    the survivor's household wins and the merged record's membership is closed today; a
    moved row that repeats the survivor's current membership of the same household is
    deleted (it is returned in the report). Two primary contacts in one household keep the
    survivor's.
    """
    today = org_today()
    originals = {
        int(r["id"]): r
        for r in await db.fetch_all(
            "SELECT * FROM core_household_member WHERE member_id = {} OR household_id = {}",
            merged_id,
            merged_id,
        )
    }
    as_member = [i for i, r in originals.items() if r["member_id"] == merged_id]
    as_household = [i for i, r in originals.items() if r["household_id"] == merged_id]
    await db.execute(
        "UPDATE core_household_member SET member_id = {} WHERE member_id = {}",
        survivor_id,
        merged_id,
    )
    await db.execute(
        "UPDATE core_household_member SET household_id = {} WHERE household_id = {}",
        survivor_id,
        merged_id,
    )
    closed, removed = await _settle_current_memberships(survivor_id, set(as_member), today)
    unset = await _settle_primary_contacts(survivor_id, set(as_household))
    removed_ids = {int(r["id"]) for r in removed}
    return {
        "memberships_moved": [i for i in as_member + as_household if i not in removed_ids],
        "memberships_closed": closed,
        "memberships_removed": [
            _export_membership_row(originals.get(int(r["id"]), r)) for r in removed
        ],
        "primary_contacts_unset": unset,
    }


async def _settle_current_memberships(
    person_id: int, moved: set[int], today: date
) -> tuple[list[int], list[dict[str, Any]]]:
    rows = await db.fetch_all(
        "SELECT * FROM core_household_member WHERE member_id = {} AND left_on IS NULL",
        person_id,
    )
    if len(rows) < 2:
        return [], []
    # The survivor's own current membership is kept; moved ones are closed or dropped.
    rows.sort(key=lambda r: (int(r["id"]) in moved, int(r["id"])))
    kept, closed, removed = rows[0], [], []
    for row in rows[1:]:
        if row["household_id"] == kept["household_id"]:
            removed.append(row)
            await db.execute("DELETE FROM core_household_member WHERE id = {}", row["id"])
            if as_bool(row["is_primary_contact"]) and not as_bool(kept["is_primary_contact"]):
                await db.execute(
                    "UPDATE core_household_member SET is_primary_contact = {} WHERE id = {}",
                    True,
                    kept["id"],
                )
        else:
            closed.append(int(row["id"]))
            await db.execute(
                "UPDATE core_household_member SET left_on = {} WHERE id = {}", today, row["id"]
            )
    return closed, removed


async def _settle_primary_contacts(household_id: int, moved: set[int]) -> list[int]:
    rows = await db.fetch_all(
        "SELECT id FROM core_household_member WHERE household_id = {} AND left_on IS NULL "
        "AND is_primary_contact = {}",
        household_id,
        True,
    )
    ids = sorted((int(r["id"]) for r in rows), key=lambda i: (i in moved, i))
    for membership_id in ids[1:]:
        await db.execute(
            "UPDATE core_household_member SET is_primary_contact = {} WHERE id = {}",
            False,
            membership_id,
        )
    return ids[1:]


def _export_membership_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "household_id": int(row["household_id"]),
        "member_id": int(row["member_id"]),
        "role": row["role"],
        "is_primary_contact": as_bool(row["is_primary_contact"]),
        "joined_on": iso(as_date(row["joined_on"])),
        "left_on": iso(as_date(row["left_on"])),
        "created_at": iso(as_instant(row["created_at"])),
    }


async def export_memberships(constituent_id: int) -> list[dict[str, Any]]:
    """Every membership row of the constituent, as person or as household, as plain dicts."""
    rows = await db.fetch_all(
        "SELECT hm.*, h.display_name AS household_name, m.display_name AS member_name "
        "FROM core_household_member hm JOIN core_constituent h ON h.id = hm.household_id "
        "JOIN core_constituent m ON m.id = hm.member_id "
        "WHERE hm.member_id = {} OR hm.household_id = {} ORDER BY hm.id",
        constituent_id,
        constituent_id,
    )
    return [
        {
            **_export_membership_row(r),
            "household_name": r["household_name"],
            "member_name": r["member_name"],
        }
        for r in rows
    ]


# -- consent and contact blocks ----------------------------------------------------------


async def repoint_consent(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move the merged record's consent log and blocks to the survivor (inside the merge).

    The logs interleave by ``occurred_at``, so the survivor's current state per (channel,
    purpose) becomes the latest statement either record held. Blocks all move, active ones
    included: keeping a duplicate block errs on the side of not contacting.
    """
    consent_ids = [
        int(r["id"])
        for r in await db.fetch_all(
            "SELECT id FROM core_consent WHERE constituent_id = {} ORDER BY id", merged_id
        )
    ]
    block_ids = [
        int(r["id"])
        for r in await db.fetch_all(
            "SELECT id FROM core_contact_block WHERE constituent_id = {} ORDER BY id", merged_id
        )
    ]
    for table in ("core_consent", "core_contact_block"):
        await db.execute(
            f"UPDATE {table} SET constituent_id = {{}} WHERE constituent_id = {{}}",
            survivor_id,
            merged_id,
        )
    return {"consent_moved": consent_ids, "contact_blocks_moved": block_ids}


async def export_consent(constituent_id: int) -> list[dict[str, Any]]:
    """The whole consent log of a constituent as plain, JSON-ready dicts (oldest first)."""
    rows = await db.fetch_all(
        "SELECT * FROM core_consent WHERE constituent_id = {} ORDER BY occurred_at, id",
        constituent_id,
    )
    return [{**asdict(e), "occurred_at": iso(e.occurred_at)} for e in map(entry_from_row, rows)]


async def export_blocks(constituent_id: int) -> list[dict[str, Any]]:
    """Every contact block of a constituent, lifted ones too, as plain, JSON-ready dicts."""
    rows = await db.fetch_all(
        "SELECT * FROM core_contact_block WHERE constituent_id = {} ORDER BY id", constituent_id
    )
    return [
        {**asdict(b), "created_at": iso(b.created_at), "lifted_at": iso(b.lifted_at)}
        for b in map(block_from_row, rows)
    ]

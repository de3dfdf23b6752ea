"""Constituent merge, personal-data export and erasure for the volunteers plugin.

Erasure deletes the volunteer profile (skills, availability, emergency contact, background
check) and the record of notices sent, and clears the notes of hours entries. Sign-ups and
hours stay, linked only to the anonymised constituent, so the organisation's totals of
volunteer time do not change after someone asks to be forgotten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from core import ErasureReport, ExportSection, db
from core.events import unit_of_work
from plugins.volunteers.common import clean_terms, load_terms

RETAINED = (
    "kept without personal details, linked only to the anonymised constituent, so totals "
    "of volunteer time stay right"
)


async def _merge_profiles(survivor_id: int, merged_id: int) -> None:
    rows = {
        int(r["constituent_id"]): r
        for r in await db.fetch_all(
            "SELECT * FROM volunteers_profile WHERE constituent_id IN ({}, {})",
            survivor_id,
            merged_id,
        )
    }
    if merged_id not in rows:
        return
    if survivor_id not in rows:
        await db.execute(
            "UPDATE volunteers_profile SET constituent_id = {} WHERE constituent_id = {}",
            survivor_id,
            merged_id,
        )
        return
    keep, gone = rows[survivor_id], rows[merged_id]
    joined = {
        column: json.dumps(clean_terms(load_terms(keep[column]) + load_terms(gone[column])))
        for column in ("skills", "interests", "languages")
    }
    await db.execute(
        "UPDATE volunteers_profile SET skills = {}, interests = {}, languages = {}, "
        "postcode = {}, emergency_name = {}, emergency_phone = {} WHERE constituent_id = {}",
        joined["skills"],
        joined["interests"],
        joined["languages"],
        keep["postcode"] or gone["postcode"],
        keep["emergency_name"] or gone["emergency_name"],
        keep["emergency_phone"] or gone["emergency_phone"],
        survivor_id,
    )
    await db.execute("DELETE FROM volunteers_profile WHERE constituent_id = {}", merged_id)


async def merge_constituents(survivor_id: int, merged_id: int) -> None:
    """Move sign-ups, hours, notices and the profile to the survivor.

    Where both people signed up to one shift, the survivor keeps one sign-up (an active one
    over a cancelled one) and a place freed by the other goes to the waitlist.
    """
    from plugins.volunteers.signups import fill_from_waitlist

    async with unit_of_work():
        clashes = await db.fetch_all(
            "SELECT m.id AS merged_signup, s.id AS survivor_signup, m.shift_id, "
            "m.status AS merged_status, s.status AS survivor_status FROM volunteers_signup m "
            "JOIN volunteers_signup s ON s.shift_id = m.shift_id AND s.constituent_id = {} "
            "WHERE m.constituent_id = {}",
            survivor_id,
            merged_id,
        )
        for clash in clashes:
            drop_survivor = (
                clash["survivor_status"] == "cancelled" and clash["merged_status"] != "cancelled"
            )
            loser = clash["survivor_signup"] if drop_survivor else clash["merged_signup"]
            await db.execute("DELETE FROM volunteers_signup WHERE id = {}", loser)
        for table in ("volunteers_signup", "volunteers_hours", "volunteers_notice"):
            await db.execute(
                f"UPDATE {table} SET constituent_id = {{}} WHERE constituent_id = {{}}",
                survivor_id,
                merged_id,
            )
        await db.execute(
            "UPDATE volunteers_opportunity SET contact_constituent_id = {} "
            "WHERE contact_constituent_id = {}",
            survivor_id,
            merged_id,
        )
        await _merge_profiles(survivor_id, merged_id)
        for shift_id in {int(c["shift_id"]) for c in clashes}:
            await fill_from_waitlist(shift_id)


def _plain(rows: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
        for row in rows
    ]


async def export_data(constituent_id: int) -> ExportSection:
    """The volunteer profile, sign-ups and hours of a constituent."""
    profile = await db.fetch_all(
        "SELECT skills, interests, languages, availability, emergency_name, emergency_phone, "
        "background_status, background_expires, postcode, updated_at FROM volunteers_profile "
        "WHERE constituent_id = {}",
        constituent_id,
    )
    signups = await db.fetch_all(
        "SELECT g.id, o.title, s.starts_at, s.ends_at, g.status, g.source, g.checked_in_at, "
        "g.checked_out_at, g.created_at FROM volunteers_signup g "
        "JOIN volunteers_shift s ON s.id = g.shift_id "
        "JOIN volunteers_opportunity o ON o.id = s.opportunity_id "
        "WHERE g.constituent_id = {} ORDER BY g.id",
        constituent_id,
    )
    hours = await db.fetch_all(
        "SELECT h.id, o.title, h.work_date, h.minutes, h.source, h.status, h.note "
        "FROM volunteers_hours h JOIN volunteers_opportunity o ON o.id = h.opportunity_id "
        "WHERE h.constituent_id = {} ORDER BY h.id",
        constituent_id,
    )
    return ExportSection(
        plugin="volunteers",
        records={
            "volunteer_profile": _plain(profile),
            "shift_signups": _plain(signups),
            "volunteer_hours": _plain(hours),
        },
        order=500,
    )


async def erase_data(constituent_id: int) -> ErasureReport:
    """Delete the profile and notices, clear hours notes; keep anonymous sign-ups and hours."""
    counts: dict[str, int] = {}
    for table in ("volunteers_profile", "volunteers_notice"):
        count = await db.fetch_value(
            f"SELECT COUNT(*) AS n FROM {table} WHERE constituent_id = {{}}", constituent_id
        )
        await db.execute(f"DELETE FROM {table} WHERE constituent_id = {{}}", constituent_id)
        counts[table] = int(count or 0)
    notes = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM volunteers_hours WHERE constituent_id = {} AND note <> ''",
        constituent_id,
    )
    await db.execute(
        "UPDATE volunteers_hours SET note = '' WHERE constituent_id = {}", constituent_id
    )
    counts["volunteers_hours.note"] = int(notes or 0)
    return ErasureReport(
        plugin="volunteers",
        erased=counts,
        retained={"volunteers_signup": RETAINED, "volunteers_hours": RETAINED},
        order=500,
    )

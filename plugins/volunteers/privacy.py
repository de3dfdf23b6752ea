"""Constituent merge, personal-data export and erasure for the volunteers plugin.

Erasure deletes the volunteer profile (skills, availability, emergency contact, background
check) and the record of notices sent, and clears the notes of hours entries. Sign-ups and
hours stay, linked only to the anonymised constituent, so the organisation's totals of
volunteer time do not change after someone asks to be forgotten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from core import ErasureReport, ExportSection, db
from core.errors import NotFoundError
from core.events import unit_of_work
from plugins.volunteers.common import ACTIVE_STATUSES, clean_terms, load_terms
from plugins.volunteers.shifts import lock_shift
from plugins.volunteers.signups import places_taken

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


_MOVES = (
    ("volunteers_signup", "constituent_id"),
    ("volunteers_hours", "constituent_id"),
    ("volunteers_notice", "constituent_id"),
    ("volunteers_opportunity", "contact_constituent_id"),
    ("volunteers_profile", "constituent_id"),
)
_INSTANTS = ("created_at", "updated_at", "checked_in_at", "checked_out_at")


async def merge_constituents(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move sign-ups, hours, notices and the profile to the survivor.

    Where both people signed up to one shift, the survivor keeps one sign-up (an active one
    over a cancelled one) and a place freed by the other goes to the waitlist. Returns what
    moved, the sign-ups dropped and both profiles as they were, for
    :func:`unmerge_constituents`.
    """
    from plugins.volunteers.signups import fill_from_waitlist

    async with unit_of_work():
        profiles = await _rows_of(
            "SELECT * FROM volunteers_profile WHERE constituent_id IN ({}, {})",
            survivor_id,
            merged_id,
        )
        clashes = await db.fetch_all(
            "SELECT m.id AS merged_signup, s.id AS survivor_signup, m.shift_id, "
            "m.status AS merged_status, s.status AS survivor_status FROM volunteers_signup m "
            "JOIN volunteers_signup s ON s.shift_id = m.shift_id AND s.constituent_id = {} "
            "WHERE m.constituent_id = {}",
            survivor_id,
            merged_id,
        )
        dropped: list[Mapping[str, Any]] = []
        for clash in clashes:
            drop_survivor = (
                clash["survivor_status"] == "cancelled" and clash["merged_status"] != "cancelled"
            )
            loser = clash["survivor_signup"] if drop_survivor else clash["merged_signup"]
            dropped += await _rows_of("SELECT * FROM volunteers_signup WHERE id = {}", loser)
            await db.execute("DELETE FROM volunteers_signup WHERE id = {}", loser)
        moved: dict[str, list[int]] = {}
        for table, column in _MOVES[:-1]:
            rows = await db.fetch_all(f"SELECT id FROM {table} WHERE {column} = {{}}", merged_id)
            moved[table] = [int(r["id"]) for r in rows]
            await db.execute(
                f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}}", survivor_id, merged_id
            )
        await _merge_profiles(survivor_id, merged_id)
        for shift_id in {int(c["shift_id"]) for c in clashes}:
            await fill_from_waitlist(shift_id)
    return {"moved": moved, "dropped_signups": dropped, "profiles": profiles}


async def _rows_of(sql: str, *args: Any) -> list[Mapping[str, Any]]:
    return _plain(await db.fetch_all(sql, *args))


def _typed(row: Mapping[str, Any]) -> dict[str, Any]:
    """A snapshot row with its instants and dates as the driver wants them again."""
    typed = dict(row)
    for key in _INSTANTS:
        if typed.get(key) is not None:
            typed[key] = datetime.fromisoformat(str(typed[key]))
    if typed.get("background_expires") is not None:
        typed["background_expires"] = date.fromisoformat(str(typed["background_expires"])[:10])
    return typed


async def _insert(table: str, row: Mapping[str, Any]) -> None:
    typed = _typed(row)
    columns = ", ".join(typed)
    marks = ", ".join("{}" for _ in typed)
    await db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", *typed.values())


async def unmerge_constituents(
    survivor_id: int, merged_id: int, snapshot: Mapping[str, Any]
) -> None:
    """Undo :func:`merge_constituents`; rows changed since the merge stay as they are.

    Moved rows go back if they still point at the survivor; both profiles return to what
    they were; a dropped sign-up comes back unless its person has signed up to that shift
    again (or the shift is gone).
    """
    moved: Mapping[str, list[int]] = snapshot.get("moved", {})
    for table, column in _MOVES[:-1]:
        ids = moved.get(table, [])
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("{}" for _ in chunk)
            await db.execute(
                f"UPDATE {table} SET {column} = {{}} WHERE {column} = {{}} AND id IN ({marks})",
                merged_id,
                survivor_id,
                *chunk,
            )
    await _restore_profiles(survivor_id, merged_id, snapshot.get("profiles", []))
    for signup in snapshot.get("dropped_signups", []):
        await _restore_signup(signup)


async def _restore_signup(signup: Mapping[str, Any]) -> None:
    """Put a dropped sign-up back; on the waitlist if its place has been given away."""
    shift_id, person = int(signup["shift_id"]), int(signup["constituent_id"])
    try:
        shift = await lock_shift(shift_id)
    except NotFoundError:
        return  # the shift was deleted since the merge
    again = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM volunteers_signup WHERE shift_id = {} AND constituent_id = {}",
        shift_id,
        person,
    )
    if int(again or 0):
        return
    row = dict(signup)
    if row["status"] in ACTIVE_STATUSES and await places_taken(shift_id) >= int(shift["capacity"]):
        last = await db.fetch_value(
            "SELECT MAX(waitlist_position) AS p FROM volunteers_signup "
            "WHERE shift_id = {} AND status = 'waitlisted'",
            shift_id,
        )
        row.update(status="waitlisted", waitlist_position=int(last or 0) + 1)
    await _insert("volunteers_signup", row)


async def _restore_profiles(
    survivor_id: int, merged_id: int, profiles: list[Mapping[str, Any]]
) -> None:
    await db.execute(
        "DELETE FROM volunteers_profile WHERE constituent_id IN ({}, {})", survivor_id, merged_id
    )
    for profile in profiles:
        await _insert("volunteers_profile", profile)


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

"""Volunteer profiles: skills, interests, languages, availability, emergency contact, checks."""

from __future__ import annotations

import json
from typing import Any

from core import audit, db
from core.clock import utc_now
from core.errors import InvalidInputError
from core.events import unit_of_work
from plugins.volunteers.common import as_date, dump_terms, load_terms
from plugins.volunteers.models import Profile, ProfileIn

WEEKDAYS = ("0", "1", "2", "3", "4", "5", "6")


def load_availability(value: Any) -> dict[str, list[tuple[str, str]]]:
    """The availability column as ``{"0": [("09:00", "13:00")], ...}`` (Monday is "0")."""
    try:
        loaded = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        day: [(str(a), str(b)) for a, b in ranges]
        for day, ranges in loaded.items()
        if day in WEEKDAYS and isinstance(ranges, list)
    }


def profile_of(row: dict[str, Any]) -> Profile:
    """A :class:`Profile` from its row."""
    return Profile(
        constituent_id=row["constituent_id"],
        skills=load_terms(row["skills"]),
        interests=load_terms(row["interests"]),
        languages=load_terms(row["languages"]),
        availability=load_availability(row["availability"]),
        emergency_name=row["emergency_name"] or "",
        emergency_phone=row["emergency_phone"] or "",
        background_status=row["background_status"],
        background_expires=as_date(row["background_expires"]),
        postcode=row["postcode"] or "",
    )


async def get_profile(constituent_id: int) -> Profile | None:
    """A constituent's volunteer profile, or None when they have none."""
    row = await db.fetch_one(
        "SELECT * FROM volunteers_profile WHERE constituent_id = {}", constituent_id
    )
    return profile_of(row) if row else None


async def save_profile(constituent_id: int, data: ProfileIn) -> Profile:
    """Create or replace a constituent's volunteer profile."""
    async with unit_of_work():
        if not await db.fetch_one(
            "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL",
            constituent_id,
        ):
            raise InvalidInputError({"constituent_id": "no such constituent"})
        before = await get_profile(constituent_id)
        now = utc_now()
        values = [
            dump_terms(data.skills),
            dump_terms(data.interests),
            dump_terms(data.languages),
            json.dumps(
                {day: [list(r) for r in ranges] for day, ranges in data.availability.items()}
            ),
            data.emergency_name.strip(),
            data.emergency_phone.strip(),
            data.background_status,
            data.background_expires,
            data.postcode.strip().upper(),
        ]
        if before is None:
            await db.execute(
                "INSERT INTO volunteers_profile (skills, interests, languages, availability, "
                "emergency_name, emergency_phone, background_status, background_expires, "
                "postcode, constituent_id, created_at, updated_at) "
                "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                *values,
                constituent_id,
                now,
                now,
            )
        else:
            await db.execute(
                "UPDATE volunteers_profile SET skills = {}, interests = {}, languages = {}, "
                "availability = {}, emergency_name = {}, emergency_phone = {}, "
                "background_status = {}, background_expires = {}, postcode = {}, updated_at = {} "
                "WHERE constituent_id = {}",
                *values,
                now,
                constituent_id,
            )
        after = await get_profile(constituent_id)
        assert after is not None
        await audit.record_change(
            "create" if before is None else "update",
            "volunteers_profile",
            constituent_id,
            before=before.model_dump() if before else None,
            after=after.model_dump(),
            constituent_id=constituent_id,
        )
    return after

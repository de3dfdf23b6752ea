"""Membership levels: create, change, list and delete (only while unused)."""

from __future__ import annotations

from typing import Any

from core import audit, db
from core.clock import as_utc, utc_now
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from plugins.membership.models import Level, LevelIn, LevelPatch

ENTITY = "membership_level"
COLUMNS = list(LevelIn.model_fields)


def level_from_row(row: dict[str, Any]) -> Level:
    """A :class:`Level` from a ``membership_level`` row."""
    values = {name: row[name] for name in COLUMNS}
    for flag in ("auto_renew_allowed", "active"):
        values[flag] = bool(values[flag])
    values["dues_minor"] = int(values["dues_minor"])
    return Level.model_construct(
        **values,
        id=int(row["id"]),
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
    )


async def get_level(level_id: int) -> Level:
    """One level; NotFoundError if there is none."""
    row = await db.fetch_one("SELECT * FROM membership_level WHERE id = {}", level_id)
    if row is None:
        raise NotFoundError(f"no membership level {level_id}")
    return level_from_row(row)


async def list_levels(*, active_only: bool = False) -> list[Level]:
    """Levels in tier order (then name)."""
    where = "WHERE active = {}" if active_only else ""
    args: list[Any] = [True] if active_only else []
    rows = await db.fetch_all(f"SELECT * FROM membership_level {where} ORDER BY tier, name", *args)
    return [level_from_row(r) for r in rows]


async def _check_name(name: str, level_id: int | None) -> None:
    row = await db.fetch_one("SELECT id FROM membership_level WHERE LOWER(name) = LOWER({})", name)
    if row is not None and int(row["id"]) != level_id:
        raise ConflictError(f"a level named {name!r} already exists")


async def create_level(data: LevelIn) -> Level:
    """Create a level; ConflictError if the name is taken."""
    async with unit_of_work():
        await _check_name(data.name, None)
        now = utc_now()
        values = data.model_dump()
        columns = [*values, "created_at", "updated_at"]
        row = await db.fetch_one(
            f"INSERT INTO membership_level ({', '.join(columns)}) VALUES "
            f"({', '.join('{}' for _ in columns)}) RETURNING id",
            *values.values(),
            now,
            now,
        )
        assert row is not None
        level = await get_level(int(row["id"]))
        await audit.record_change("create", ENTITY, level.id, after=level.model_dump(mode="json"))
        await emit("membership.level_saved", {"level_id": level.id, "action": "create"})
    return level


async def update_level(level_id: int, patch: LevelPatch) -> Level:
    """Change the fields sent; the result is validated as a whole.

    Existing memberships keep their dates: a new duration applies from their next renewal.
    """
    async with unit_of_work():
        before = await get_level(level_id)
        merged = before.model_dump(include=set(COLUMNS))
        merged.update(patch.model_dump(exclude_unset=True))
        try:
            data = LevelIn.model_validate(merged)
        except ValueError as error:
            raise InvalidInputError(str(error)) from error
        await _check_name(data.name, level_id)
        values = data.model_dump()
        assignments = ", ".join(f"{name} = {{}}" for name in values)
        await db.execute(
            f"UPDATE membership_level SET {assignments}, updated_at = {{}} WHERE id = {{}}",
            *values.values(),
            utc_now(),
            level_id,
        )
        after = await get_level(level_id)
        await audit.record_change(
            "update",
            ENTITY,
            level_id,
            before=before.model_dump(mode="json"),
            after=after.model_dump(mode="json"),
        )
        await emit("membership.level_saved", {"level_id": level_id, "action": "update"})
    return after


async def delete_level(level_id: int) -> None:
    """Delete a level no membership has ever used; ConflictError otherwise (deactivate it)."""
    async with unit_of_work():
        before = await get_level(level_id)
        used = await db.fetch_one(
            "SELECT 1 AS used FROM membership_membership WHERE level_id = {} UNION ALL "
            "SELECT 1 FROM membership_term WHERE level_id = {} LIMIT 1",
            level_id,
            level_id,
        )
        if used is not None:
            raise ConflictError("this level has memberships; make it inactive instead")
        await db.execute("DELETE FROM membership_level WHERE id = {}", level_id)
        await audit.record_change("delete", ENTITY, level_id, before=before.model_dump(mode="json"))
        await emit("membership.level_saved", {"level_id": level_id, "action": "delete"})

"""Tags: labels staff define and put on constituents.

Tag names are unique regardless of case and accents ("Major donor" clashes with
"major DONOR"). Tagging and untagging are idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core import audit, db
from core.constituents.common import clean, fetch_constituent, like_pattern, now, touch
from core.constituents.schemas import TagIn, TagOut, TagPage, TagPatch, TagSummary
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.pagination import page_window
from core.validation import fold

TAG_COLUMNS = "t.id, t.name, t.description, t.created_at"


async def _tag_row(tag_id: int) -> dict[str, Any]:
    row = await db.fetch_one(f"SELECT {TAG_COLUMNS} FROM core_tag t WHERE t.id = {{}}", tag_id)
    if row is None:
        raise NotFoundError(f"no tag with id {tag_id}")
    return row


async def _check_name_free(name: str, own_id: int | None) -> None:
    # Compared in Python so that case and accents fold the same way on SQLite and PostgreSQL.
    wanted = fold(name)
    for row in await db.fetch_all("SELECT id, name FROM core_tag"):
        if row["id"] != own_id and fold(row["name"]) == wanted:
            raise ConflictError(f"a tag named {row['name']!r} already exists")


def _clean_name(name: str | None) -> str:
    cleaned = clean(name, 60, "name")
    if not cleaned:
        raise InvalidInputError({"name": "a tag needs a name"})
    return cleaned


async def get_tag(tag_id: int) -> TagOut:
    """One tag; :class:`NotFoundError` when missing."""
    return TagOut.model_validate(await _tag_row(tag_id))


async def create_tag(data: TagIn | Mapping[str, Any]) -> TagOut:
    """Define a new tag."""
    model = TagIn.model_validate(data)
    name = _clean_name(model.name)
    description = clean(model.description, 200, "description") or ""
    async with unit_of_work():
        await _check_name_free(name, None)
        tag_id = await db.fetch_value(
            "INSERT INTO core_tag (name, description, created_at) VALUES ({}, {}, {}) RETURNING id",
            name,
            description,
            now(),
        )
        row = await _tag_row(int(tag_id))
        await audit.record_change("create", "tag", row["id"], after=row)
        await emit("tag.created", {"tag_id": row["id"], "name": name})
    return TagOut.model_validate(row)


async def update_tag(tag_id: int, data: TagPatch | Mapping[str, Any]) -> TagOut:
    """Rename a tag or change its description."""
    changes = TagPatch.model_validate(data).model_dump(exclude_unset=True)
    async with unit_of_work():
        before = await _tag_row(tag_id)
        name = _clean_name(changes["name"]) if "name" in changes else before["name"]
        description = before["description"]
        if "description" in changes:
            description = clean(changes["description"], 200, "description") or ""
        if name != before["name"]:
            await _check_name_free(name, tag_id)
        await db.execute(
            "UPDATE core_tag SET name = {}, description = {} WHERE id = {}",
            name,
            description,
            tag_id,
        )
        after = await _tag_row(tag_id)
        await audit.record_change("update", "tag", tag_id, before=before, after=after)
        await emit("tag.changed", {"tag_id": tag_id, "name": name})
    return TagOut.model_validate(after)


async def delete_tag(tag_id: int) -> None:
    """Delete a tag and take it off every constituent."""
    async with unit_of_work():
        before = await _tag_row(tag_id)
        count = await db.fetch_value(
            "SELECT COUNT(*) AS n FROM core_constituent_tag WHERE tag_id = {}", tag_id
        )
        await db.execute("DELETE FROM core_constituent_tag WHERE tag_id = {}", tag_id)
        await db.execute("DELETE FROM core_tag WHERE id = {}", tag_id)
        await audit.record_change(
            "delete", "tag", tag_id, before={**before, "constituent_count": int(count or 0)}
        )
        await emit("tag.deleted", {"tag_id": tag_id, "name": before["name"]})


async def list_tags(q: str | None = None, page: int = 1, per_page: int = 50) -> TagPage:
    """Tags by name, each with how many (not deleted) constituents carry it."""
    limit, offset = page_window(page, per_page)
    where, args = "", []
    if q and q.strip():
        where = " WHERE LOWER(t.name) LIKE {} ESCAPE '\\'"
        args.append(like_pattern(q.strip().lower()))
    total = await db.fetch_value("SELECT COUNT(*) AS n FROM core_tag t" + where, *args)
    rows = await db.fetch_all(
        f"SELECT {TAG_COLUMNS}, (SELECT COUNT(*) FROM core_constituent_tag ct "
        "JOIN core_constituent c ON c.id = ct.constituent_id "
        "WHERE ct.tag_id = t.id AND c.deleted_at IS NULL) AS constituent_count "
        "FROM core_tag t" + where + " ORDER BY t.name, t.id LIMIT {} OFFSET {}",
        *args,
        limit,
        offset,
    )
    return TagPage(
        items=[TagSummary.model_validate(r) for r in rows],
        total=int(total or 0),
        page=page,
        per_page=per_page,
    )


async def tag_names(limit: int = 200) -> list[str]:
    """Tag names in name order, for pickers: without :func:`list_tags`' per-tag counts,
    which count every tagged constituent (about 0.75 s at 250,000 constituents)."""
    rows = await db.fetch_all("SELECT name FROM core_tag ORDER BY name, id LIMIT {}", limit)
    return [str(r["name"]) for r in rows]


async def tags_of(constituent_id: int) -> list[TagOut]:
    """The tags on a constituent, by name."""
    rows = await db.fetch_all(
        f"SELECT {TAG_COLUMNS} FROM core_tag t JOIN core_constituent_tag ct ON ct.tag_id = t.id "
        "WHERE ct.constituent_id = {} ORDER BY t.name, t.id",
        constituent_id,
    )
    return [TagOut.model_validate(r) for r in rows]


async def apply_tags(constituent_id: int, tag_ids: Iterable[int]) -> list[int]:
    """Put tags on a constituent inside the caller's unit of work; returns the ids added.

    Tags already present are skipped; an unknown tag id raises :class:`NotFoundError`.
    """
    added: list[int] = []
    for tag_id in dict.fromkeys(tag_ids):
        tag = await _tag_row(tag_id)
        present = await db.fetch_value(
            "SELECT id FROM core_constituent_tag WHERE constituent_id = {} AND tag_id = {}",
            constituent_id,
            tag_id,
        )
        if present is not None:
            continue
        await db.execute(
            "INSERT INTO core_constituent_tag (constituent_id, tag_id, created_at) "
            "VALUES ({}, {}, {})",
            constituent_id,
            tag_id,
            now(),
        )
        await audit.record_change(
            "tag",
            "constituent",
            constituent_id,
            after={"tag_id": tag_id, "tag": tag["name"]},
            constituent_id=constituent_id,
        )
        await emit("constituent.tagged", {"constituent_id": constituent_id, "tag_id": tag_id})
        added.append(tag_id)
    if added:
        await touch(constituent_id)
    return added


async def tag_constituent(constituent_id: int, tag_id: int) -> list[TagOut]:
    """Put a tag on a constituent (idempotent); returns the constituent's tags."""
    async with unit_of_work():
        await fetch_constituent(constituent_id, lock=True)
        await apply_tags(constituent_id, [tag_id])
    return await tags_of(constituent_id)


async def untag_constituent(constituent_id: int, tag_id: int) -> None:
    """Take a tag off a constituent (idempotent; an unknown tag is still an error)."""
    async with unit_of_work():
        await fetch_constituent(constituent_id, lock=True)
        tag = await _tag_row(tag_id)
        present = await db.fetch_value(
            "SELECT id FROM core_constituent_tag WHERE constituent_id = {} AND tag_id = {}",
            constituent_id,
            tag_id,
        )
        if present is None:
            return
        await db.execute("DELETE FROM core_constituent_tag WHERE id = {}", present)
        await touch(constituent_id)
        await audit.record_change(
            "untag",
            "constituent",
            constituent_id,
            before={"tag_id": tag_id, "tag": tag["name"]},
            constituent_id=constituent_id,
        )
        await emit("constituent.untagged", {"constituent_id": constituent_id, "tag_id": tag_id})

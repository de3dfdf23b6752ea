"""Listening queries: create, change, list, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core import audit, db
from core.clock import utc_now
from core.errors import NotFoundError
from core.events import unit_of_work
from plugins.social.common import as_bool, as_int, instant
from plugins.social.matching import QueryRule, matches, split_lines

ENTITY = "social_query"
REMATCH_LIMIT = 10_000
FIELDS = ("include_terms", "exclude_terms", "phrases", "hashtags", "accounts")


class QueryIn(BaseModel):
    """A listening query as staff enter it (lists: one item per line or comma separated)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    include_terms: str = Field(default="", max_length=4000)
    exclude_terms: str = Field(default="", max_length=4000)
    phrases: str = Field(default="", max_length=4000)
    hashtags: str = Field(default="", max_length=4000)
    accounts: str = Field(default="", max_length=4000)
    languages: str = Field(default="", max_length=200)
    active: bool = True

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: str) -> str:
        codes = [c.lower() for c in split_lines(value)]
        for code in codes:
            if len(code) != 2 or not code.isalpha():
                raise ValueError(f"{code!r} is not a two-letter language code")
        return ", ".join(codes)

    @model_validator(mode="after")
    def _something_to_match(self) -> QueryIn:
        if not any(split_lines(getattr(self, name)) for name in FIELDS if name != "exclude_terms"):
            raise ValueError("give at least one term, phrase, hashtag or account to listen for")
        for name in FIELDS:
            setattr(self, name, "\n".join(split_lines(getattr(self, name))))
        return self


class QueryOut(QueryIn):
    """A stored query with its mention count."""

    id: int
    mentions: int = 0
    created_at: datetime | None = None


def _out(row: dict[str, Any]) -> QueryOut:
    return QueryOut.model_construct(
        id=row["id"],
        name=row["name"],
        include_terms=row["include_terms"],
        exclude_terms=row["exclude_terms"],
        phrases=row["phrases"],
        hashtags=row["hashtags"],
        accounts=row["accounts"],
        languages=row["languages"],
        active=as_bool(row["active"]),
        mentions=as_int(row.get("mentions")),
        created_at=instant(row["created_at"]),
    )


async def list_queries() -> list[QueryOut]:
    """Every query with how many mentions it matched."""
    rows = await db.fetch_all(
        "SELECT q.*, (SELECT COUNT(*) FROM social_mention_match mm WHERE mm.query_id = q.id) "
        "AS mentions FROM social_query q ORDER BY q.name, q.id"
    )
    return [_out(row) for row in rows]


async def get_query(query_id: int) -> QueryOut:
    """One query; NotFoundError when missing."""
    row = await db.fetch_one(
        "SELECT q.*, (SELECT COUNT(*) FROM social_mention_match mm WHERE mm.query_id = q.id) "
        "AS mentions FROM social_query q WHERE q.id = {}",
        query_id,
    )
    if row is None:
        raise NotFoundError(f"query {query_id} not found")
    return _out(row)


async def rematch(query_id: int, limit: int = REMATCH_LIMIT) -> int:
    """Match the latest ``limit`` stored mentions against a (new or changed) query again;
    returns how many match. New mentions are matched as they arrive."""
    row = await db.fetch_one("SELECT * FROM social_query WHERE id = {}", query_id)
    if row is None:
        raise NotFoundError(f"query {query_id} not found")
    rule = QueryRule.from_row(row)
    mentions = await db.fetch_all(
        "SELECT id, text, author_handle, language FROM social_mention "
        "ORDER BY posted_at DESC, id DESC LIMIT {}",
        limit,
    )
    hits = [
        (int(m["id"]), query_id)
        for m in mentions
        if as_bool(row["active"])
        and matches(rule, m["text"] or "", m["author_handle"] or "", m["language"] or "")
    ]
    async with unit_of_work():
        await db.execute("DELETE FROM social_mention_match WHERE query_id = {}", query_id)
        await db.execute_many(
            "INSERT INTO social_mention_match (mention_id, query_id) VALUES ({}, {})", hits
        )
    return len(hits)


async def save_query(data: QueryIn, query_id: int | None = None) -> QueryOut:
    """Create (no id) or replace a query, and match the latest stored mentions against it."""
    now = utc_now()
    values = data.model_dump()
    async with unit_of_work():
        if query_id is None:
            query_id = await db.fetch_value(
                "INSERT INTO social_query (name, include_terms, exclude_terms, phrases, hashtags, "
                "accounts, languages, active, created_at, updated_at) VALUES "
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
                *values.values(),
                now,
                now,
            )
            await audit.record_change("create", ENTITY, query_id, after=values)
        else:
            before = await get_query(query_id)
            assignments = ", ".join(f"{key} = {{}}" for key in values)
            await db.execute(
                f"UPDATE social_query SET {assignments}, updated_at = {{}} WHERE id = {{}}",
                *values.values(),
                now,
                query_id,
            )
            await audit.record_change(
                "update",
                ENTITY,
                query_id,
                before=before.model_dump(exclude={"created_at"}),
                after=values,
            )
        await rematch(int(query_id))
    return await get_query(int(query_id))


async def delete_query(query_id: int) -> None:
    """Delete a query (its matches go; the mentions stay)."""
    before = await get_query(query_id)
    async with unit_of_work():
        await db.execute("DELETE FROM social_query WHERE id = {}", query_id)
        await audit.record_change("delete", ENTITY, query_id, before={"name": before.name})

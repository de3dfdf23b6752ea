"""``search_constituents``: one ranked search over names, emails, phones, postcodes and tags.

Each kind of match is one branch of a single ``UNION ALL`` query (built in
:mod:`core.search.branches`); a constituent found by several branches keeps its best one.
Ranking, best first:

0. the query is exactly one of the constituent's email addresses;
1. the query is exactly one of its phone numbers (any formatting);
2. name words (prefix match on every word, accent- and case-insensitive), by text rank
   (one-letter words only when no word is longer: see :func:`core.search.query.name_words`);
   when the words match more than ``NAME_RANK_CAP`` (20,000) constituents, newest first;
3. an email address starting with the query, by sort name; when more than
   ``EMAIL_SORT_CAP`` (1,000) addresses start with it, in address order;
4. a phone number containing the typed digits (partial numbers only);
5. the primary postcode starting with the query (spaces ignored);
6. a tag whose name starts with the query.

A query typed like an email address (one word with an ``@``, or a dot or underscore inside
it: ``a.garc``) swaps 2 and 3, and skips the name words when the addresses fill the page.
Other ties are broken by sort name. Each branch returns at most ``offset + limit + 1`` rows:
enough to fill the page and to know whether there is a next one. Words match by prefix only,
on both engines (no fuzzy matching: its cost grows with the table on every miss).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from core import db
from core.errors import InvalidInputError
from core.plugins.registry import current_registry
from core.search.branches import Branch, branches
from core.search.query import WORD, ParsedQuery, parse_query
from core.validation import fold

MAX_LIMIT = 100
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class SearchHit:
    """One constituent found, with why it matched."""

    id: int
    display_name: str
    kind: str
    primary_email: str | None
    primary_phone: str | None
    primary_postcode: str | None
    match: str
    deleted: bool


def hit_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """A found row's fields as :class:`SearchHit` takes them (all but ``match``)."""
    return {
        "id": int(row["id"]),
        "display_name": str(row["display_name"]),
        "kind": str(row["kind"]),
        "primary_email": row["primary_email"],
        "primary_phone": row["primary_phone"],
        "primary_postcode": row["primary_postcode"],
        "deleted": row["deleted_at"] is not None,
    }


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, best first; ``has_more`` says whether a next page exists."""

    query: str
    items: list[SearchHit] = field(default_factory=list)
    limit: int = 20
    offset: int = 0
    has_more: bool = False


def combined_sql(parts: list[Branch]) -> tuple[str, list[Any]]:
    """The UNION ALL of the branches, best branch per constituent, one page of rows."""
    union = " UNION ALL ".join(f"SELECT * FROM ({p.sql}) AS b{i}" for i, p in enumerate(parts))
    sql = (
        "SELECT c.id, c.display_name, c.kind, c.primary_email, c.primary_phone, "
        "c.primary_postcode, c.deleted_at, h.reason, h.tier, h.score "
        "FROM (SELECT id, tier, score, reason, "
        "ROW_NUMBER() OVER (PARTITION BY id ORDER BY tier, score) AS best "
        f"FROM ({union}) AS u) AS h "
        "JOIN core_constituent AS c ON c.id = h.id "
        "WHERE h.best = 1 ORDER BY h.tier, h.score, c.sort_name, c.id LIMIT {} OFFSET {}"
    )
    return sql, [arg for p in parts for arg in p.args]


@asynccontextmanager
async def planned_for_values() -> AsyncIterator[None]:
    """Run the search's statements; on PostgreSQL each planned for its very values.

    The driver reuses prepared statements, and after five runs PostgreSQL may switch to a
    generic plan that cannot know how selective the words are: at 100,000 constituents one
    such plan scanned the table (200 ms) for a query the custom plan answers in 3 ms.
    """
    if db.is_sqlite():
        yield
        return
    async with db.transaction():
        await db.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


def match_reason(reason: str, row: dict[str, Any], parsed: ParsedQuery) -> str:
    """Say "postcode" or "email_prefix" when a text match came from those, not the name.

    The search text holds emails and postcodes besides names, so the text branch also finds
    them; the display name tells which it was.
    """
    if reason != "name":
        return reason
    words = WORD.findall(fold(str(row["display_name"])))
    if all(any(w.startswith(t) for w in words) for t in parsed.name_tokens):
        return reason
    email = str(row["primary_email"] or "")
    if parsed.email_prefix and email.startswith(parsed.email_prefix):
        return "email_prefix"
    postcode = str(row["primary_postcode"] or "").replace(" ", "")
    if parsed.postcode_prefix and postcode.startswith(parsed.postcode_prefix):
        return "postcode"
    return reason


async def search_constituents(
    query: str, *, limit: int = 20, offset: int = 0, include_deleted: bool = False
) -> SearchResults:
    """Constituents matching ``query``, best first (see the module docstring for the order).

    Raises InvalidInputError for an empty or oversized query or out-of-range paging.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError({"limit": f"must be between 1 and {MAX_LIMIT}"})
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInputError({"offset": f"must be between 0 and {MAX_OFFSET}"})
    parsed = parse_query(query, current_registry().settings.default_country)
    async with planned_for_values():
        parts = await branches(parsed, include_deleted, offset + limit + 1)
        if not parts:
            return SearchResults(query=parsed.text, limit=limit, offset=offset)
        sql, args = combined_sql(parts)
        rows = await db.fetch_all(sql, *args, limit + 1, offset)
    items = [
        SearchHit(**hit_fields(row), match=match_reason(str(row["reason"]), row, parsed))
        for row in rows[:limit]
    ]
    return SearchResults(
        query=parsed.text, items=items, limit=limit, offset=offset, has_more=len(rows) > limit
    )

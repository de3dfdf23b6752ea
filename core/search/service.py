"""``search_constituents``: one ranked search over names, emails, phones, postcodes and tags.

Each kind of match is one branch of a single ``UNION ALL`` query; a constituent found by
several branches keeps its best one. Ranking, best first:

0. the query is exactly one of the constituent's email addresses;
1. the query is exactly one of its phone numbers (any formatting);
2. name words (prefix match on every word, accent- and case-insensitive), by text rank
   (one-letter words only when no word is longer: see :func:`core.search.query.name_words`);
3. an email address starting with the query;
4. a phone number containing the typed digits (partial numbers only);
5. the primary postcode starting with the query (spaces ignored);
6. a tag whose name starts with the query.

Ties are broken by sort name. Each branch returns at most ``offset + limit + 1`` rows: enough
to fill the page and to know whether there is a next one. Words match by prefix only, on both
engines (no fuzzy matching: its cost grows with the table on every miss).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core import db
from core.errors import InvalidInputError
from core.plugins.registry import current_registry
from core.search.query import (
    WORD,
    ParsedQuery,
    fts5_match_expression,
    like_escape,
    parse_query,
    tsquery_expression,
)
from core.validation import fold

MAX_LIMIT = 100
MAX_OFFSET = 10_000
# Ends a prefix range on SQLite: sorts after every character that can follow the prefix.
_MAX_CHAR = "\U0010ffff"


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


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, best first; ``has_more`` says whether a next page exists."""

    query: str
    items: list[SearchHit] = field(default_factory=list)
    limit: int = 20
    offset: int = 0
    has_more: bool = False


@dataclass(frozen=True)
class Branch:
    """One kind of match: a SELECT of ``id, tier, score, reason`` and its arguments."""

    sql: str
    args: list[Any]


def branch(
    tier: int,
    reason: str,
    condition: tuple[str, list[Any]],
    *,
    include_deleted: bool,
    size: int,
    score: tuple[str, list[Any]] = ("0", []),
    joins: str = "",
) -> Branch:
    """A branch over ``core_constituent AS c``; lower score ranks first within a tier."""
    score_sql, score_args = score
    condition_sql, condition_args = condition
    sql = (
        f"SELECT c.id AS id, {tier} AS tier, CAST({score_sql} AS DOUBLE PRECISION) AS score, "
        f"'{reason}' AS reason FROM core_constituent AS c {joins} "
        f"WHERE {condition_sql} AND ({{}} OR c.deleted_at IS NULL) "
        "ORDER BY score, c.sort_name, c.id LIMIT {}"
    )
    return Branch(sql, [*score_args, *condition_args, include_deleted, size])


def prefix_condition(column: str, prefix: str) -> tuple[str, list[Any]]:
    """``column`` starts with ``prefix``, in a form each engine answers from a b-tree index."""
    if db.is_sqlite():
        # Binary collation: a plain range is exact and uses the index.
        return f"({column} >= {{}} AND {column} < {{}})", [prefix, prefix + _MAX_CHAR]
    # The migration's text_pattern_ops indexes serve LIKE 'prefix%'.
    return f"{column} LIKE {{}} ESCAPE '\\'", [like_escape(prefix) + "%"]


# Rank weights: a word of the display name counts ten times a word found elsewhere in the
# search text (emails, postcodes), so "maria" lists María López before maria@… addresses.
FTS5_RANK = "bm25(core_constituent_fts, 10.0, 1.0)"
PG_WEIGHTED_VECTOR = (
    "setweight(to_tsvector('simple', steward_unaccent(lower(c.display_name))), 'A') || "
    "setweight(to_tsvector('simple', c.search_text), 'D')"
)


def name_match(parsed: ParsedQuery) -> tuple[tuple[str, list[Any]], tuple[str, list[Any]], str]:
    """(condition, score, joins) for name words: FTS5 on SQLite, a tsvector on PostgreSQL.

    Both match every word as a prefix of a word of the search text (the GIN or FTS index
    answers that); the score weighs display-name words higher.
    """
    if db.is_sqlite():
        expression = fts5_match_expression(parsed.name_tokens)
        return (
            ("core_constituent_fts MATCH {}", [expression]),
            (FTS5_RANK, []),
            "JOIN core_constituent_fts ON core_constituent_fts.rowid = c.id",
        )
    tsquery = tsquery_expression(parsed.name_tokens)
    return (
        ("to_tsvector('simple', c.search_text) @@ to_tsquery('simple', {})", [tsquery]),
        (f"-ts_rank({PG_WEIGHTED_VECTOR}, to_tsquery('simple', {{}}))", [tsquery]),
        "",
    )


def phone_substring(fragment: str) -> tuple[str, list[Any]]:
    """Constituents with a phone whose digits contain ``fragment`` (3 digits or more).

    Answered by a trigram index on both engines: an FTS5 ``trigram`` table on SQLite, a
    ``pg_trgm`` GIN index serving ``LIKE '%…%'`` on PostgreSQL.
    """
    if db.is_sqlite():
        # Digits only, quoted: a phrase of the fragment's trigrams, i.e. a substring match.
        return (
            "c.id IN (SELECT constituent_id FROM core_phone WHERE id IN "
            "(SELECT rowid FROM core_phone_digits_fts WHERE core_phone_digits_fts MATCH {}))",
            [f'"{fragment}"'],
        )
    return (
        "c.id IN (SELECT constituent_id FROM core_phone WHERE digits LIKE {} ESCAPE '\\')",
        ["%" + like_escape(fragment) + "%"],
    )


async def matching_tag_ids(folded: str) -> list[int]:
    """Tags whose accent- and case-folded name starts with the folded query."""
    if db.is_sqlite():
        # SQLite has no unaccent; the tag list is short (staff-defined labels).
        rows = await db.fetch_all("SELECT id, name FROM core_tag")
        return [int(r["id"]) for r in rows if fold(str(r["name"])).startswith(folded)]
    rows = await db.fetch_all(
        "SELECT id FROM core_tag WHERE steward_unaccent(lower(name)) LIKE {} ESCAPE '\\'",
        like_escape(folded) + "%",
    )
    return [int(r["id"]) for r in rows]


async def branches(parsed: ParsedQuery, include_deleted: bool, size: int) -> list[Branch]:
    """Every branch that this query can match."""
    common: dict[str, Any] = {"include_deleted": include_deleted, "size": size}
    found: list[Branch] = []
    if parsed.exact_email:
        condition = "c.id IN (SELECT constituent_id FROM core_email WHERE email = {})"
        found.append(branch(0, "email", (condition, [parsed.exact_email]), **common))
    if parsed.exact_phone_digits:
        condition = "c.id IN (SELECT constituent_id FROM core_phone WHERE digits = {})"
        found.append(branch(1, "phone", (condition, [parsed.exact_phone_digits]), **common))
    if parsed.name_tokens:
        condition_part, score_part, joins = name_match(parsed)
        found.append(branch(2, "name", condition_part, score=score_part, joins=joins, **common))
    if parsed.email_prefix:
        sql, args = prefix_condition("email", parsed.email_prefix)
        condition = f"c.id IN (SELECT constituent_id FROM core_email WHERE {sql})"
        found.append(branch(3, "email_prefix", (condition, args), **common))
    if parsed.phone_fragment:
        found.append(branch(4, "phone_partial", phone_substring(parsed.phone_fragment), **common))
    if parsed.postcode_prefix:
        postcode = prefix_condition("REPLACE(c.primary_postcode, ' ', '')", parsed.postcode_prefix)
        found.append(branch(5, "postcode", postcode, **common))
    tag_ids = await matching_tag_ids(parsed.folded) if len(parsed.folded) >= 2 else []
    if tag_ids:
        marks = ", ".join("{}" for _ in tag_ids)
        condition = (
            f"c.id IN (SELECT constituent_id FROM core_constituent_tag WHERE tag_id IN ({marks}))"
        )
        found.append(branch(6, "tag", (condition, tag_ids), **common))
    return found


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


async def fetch_planned_for_values(sql: str, args: list[Any]) -> list[dict[str, Any]]:
    """Run the search query; on PostgreSQL planned for these very values.

    The driver reuses prepared statements, and after five runs PostgreSQL may switch to a
    generic plan that cannot know how selective the words are: at 100,000 constituents one
    such plan scanned the table (200 ms) for a query the custom plan answers in 3 ms.
    """
    if db.is_sqlite():
        return await db.fetch_all(sql, *args)
    async with db.transaction():
        await db.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        return await db.fetch_all(sql, *args)


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
    parts = await branches(parsed, include_deleted, offset + limit + 1)
    if not parts:
        return SearchResults(query=parsed.text, limit=limit, offset=offset)
    sql, args = combined_sql(parts)
    rows = await fetch_planned_for_values(sql, [*args, limit + 1, offset])
    items = [
        SearchHit(
            id=int(row["id"]),
            display_name=str(row["display_name"]),
            kind=str(row["kind"]),
            primary_email=row["primary_email"],
            primary_phone=row["primary_phone"],
            primary_postcode=row["primary_postcode"],
            match=match_reason(str(row["reason"]), row, parsed),
            deleted=row["deleted_at"] is not None,
        )
        for row in rows[:limit]
    ]
    return SearchResults(
        query=parsed.text, items=items, limit=limit, offset=offset, has_more=len(rows) > limit
    )

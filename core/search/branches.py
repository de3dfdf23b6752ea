"""The branches of a search: one SELECT per kind of match, shaped for each engine's indexes.

Each branch returns ``id, tier, score, reason``, at most ``size`` rows (``offset + limit + 1``),
best first; :mod:`core.search.service` combines them. Two kinds of match can be too large to
sort by relevance or by name within a request, so they are counted first, with a count that
stops at the cap:

- name words matching more than :data:`NAME_RANK_CAP` constituents are listed newest first
  (highest id first), read in order from the full-text index, instead of ranked by text
  relevance, which reads every match (about 0.7 s for ``garc`` at 1,000,000 constituents);
- email addresses starting with the query, when more than :data:`EMAIL_SORT_CAP` of them do,
  are listed in address order, read in order from the address index, instead of by sort name,
  which reads every matching constituent (77 ms for the 14,422 addresses of ``a.garc``).

A query shaped like an email address ranks email-prefix matches before name matches, and its
name branch is left out when the email branch already fills the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import db
from core.search.query import (
    ParsedQuery,
    fts5_match_expression,
    like_escape,
    tsquery_expression,
)
from core.validation import fold

# Above this many matches a query is too broad to rank (see the module docstring).
NAME_RANK_CAP = 20_000
EMAIL_SORT_CAP = 1_000
# Ends a prefix range on SQLite: sorts after every character that can follow the prefix.
_MAX_CHAR = "\U0010ffff"

EXACT_EMAIL_TIER = 0
EXACT_PHONE_TIER = 1
# Name words and email prefixes trade places for a query shaped like an address.
FIRST_TEXT_TIER = 2
SECOND_TEXT_TIER = 3
PHONE_PARTIAL_TIER = 4
POSTCODE_TIER = 5
TAG_TIER = 6


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
    order: str = "score, c.sort_name, c.id",
) -> Branch:
    """A branch over ``core_constituent AS c``; lower score ranks first within a tier."""
    score_sql, score_args = score
    condition_sql, condition_args = condition
    sql = (
        f"SELECT c.id AS id, {tier} AS tier, CAST({score_sql} AS DOUBLE PRECISION) AS score, "
        f"'{reason}' AS reason FROM core_constituent AS c {joins} "
        f"WHERE {condition_sql} AND ({{}} OR c.deleted_at IS NULL) "
        f"ORDER BY {order} LIMIT {{}}"
    )
    return Branch(sql, [*score_args, *condition_args, include_deleted, size])


def prefix_condition(column: str, prefix: str) -> tuple[str, list[Any]]:
    """``column`` starts with ``prefix``, in a form each engine answers from a b-tree index."""
    if db.is_sqlite():
        # Binary collation: a plain range is exact and uses the index.
        return f"({column} >= {{}} AND {column} < {{}})", [prefix, prefix + _MAX_CHAR]
    # The migration's text_pattern_ops indexes serve LIKE 'prefix%'.
    return f"{column} LIKE {{}} ESCAPE '\\'", [like_escape(prefix) + "%"]


async def count_up_to(sql: str, args: list[Any], most: int) -> int:
    """Rows of ``sql`` (a SELECT), counting no further than ``most``."""
    value = await db.fetch_value(
        f"SELECT COUNT(*) AS n FROM ({sql} LIMIT {{}}) AS bounded", *args, most
    )
    return int(value or 0)


# Rank weights: a word of the display name counts ten times a word found elsewhere in the
# search text (emails, postcodes), so "maria" lists María López before maria@… addresses.
FTS5_RANK = "bm25(core_constituent_fts, 10.0, 1.0)"
FTS5_JOIN = "JOIN core_constituent_fts ON core_constituent_fts.rowid = c.id"
PG_VECTOR = "to_tsvector('simple', c.search_text)"
PG_WEIGHTED_VECTOR = (
    "setweight(to_tsvector('simple', steward_unaccent(lower(c.display_name))), 'A') || "
    "setweight(to_tsvector('simple', c.search_text), 'D')"
)


def name_condition(parsed: ParsedQuery) -> tuple[str, list[Any]]:
    """Every name word is a prefix of a word of the search text (FTS5 or a tsvector)."""
    if db.is_sqlite():
        return "core_constituent_fts MATCH {}", [fts5_match_expression(parsed.name_tokens)]
    return f"{PG_VECTOR} @@ to_tsquery('simple', {{}})", [tsquery_expression(parsed.name_tokens)]


async def count_name_matches(parsed: ParsedQuery) -> int:
    """How many constituents the name words match (deleted ones too), up to the cap + 1."""
    condition, args = name_condition(parsed)
    if db.is_sqlite():
        sql = f"SELECT 1 FROM core_constituent_fts WHERE {condition}"
    else:
        sql = f"SELECT 1 FROM core_constituent AS c WHERE {condition}"
    return await count_up_to(sql, args, NAME_RANK_CAP + 1)


def ranked_name_branch(parsed: ParsedQuery, tier: int, **common: Any) -> Branch:
    """Name matches by text rank: FTS5's bm25 on SQLite, ``ts_rank`` on PostgreSQL.

    Both weigh words of the display name higher than the rest of the search text.
    """
    condition = name_condition(parsed)
    if db.is_sqlite():
        return branch(tier, "name", condition, score=(FTS5_RANK, []), joins=FTS5_JOIN, **common)
    score = f"-ts_rank({PG_WEIGHTED_VECTOR}, to_tsquery('simple', {{}}))"
    return branch(tier, "name", condition, score=(score, condition[1]), **common)


def newest_name_branch(parsed: ParsedQuery, tier: int, **common: Any) -> Branch:
    """Name matches newest first, read in id order (the full-text index's own order).

    The order must name the index's column alone: anything else (the score, the sort name)
    makes the engine read and sort every match again.
    """
    condition = name_condition(parsed)
    score: tuple[str, list[Any]] = ("-c.id", [])
    if db.is_sqlite():
        order = "core_constituent_fts.rowid DESC"
        return branch(tier, "name", condition, score=score, joins=FTS5_JOIN, order=order, **common)
    return branch(tier, "name", condition, score=score, order="c.id DESC", **common)


async def count_email_prefix_matches(prefix: str) -> int:
    """How many addresses start with ``prefix``, up to the cap + 1."""
    condition, args = prefix_condition("email", prefix)
    sql = f"SELECT 1 FROM core_email WHERE {condition}"
    return await count_up_to(sql, args, EMAIL_SORT_CAP + 1)


def sorted_email_branch(prefix: str, tier: int, **common: Any) -> Branch:
    """Constituents with an address starting with ``prefix``, by sort name."""
    sql, args = prefix_condition("email", prefix)
    condition = f"c.id IN (SELECT constituent_id FROM core_email WHERE {sql})"
    return branch(tier, "email_prefix", (condition, args), **common)


def address_order_email_branch(
    prefix: str, tier: int, *, include_deleted: bool, size: int
) -> Branch:
    """Constituents with an address starting with ``prefix``, in address order.

    Reads the address index in order and stops after ``size`` constituents; a constituent
    with several such addresses is placed by its first one. The score is the position.
    """
    matches, match_args = prefix_condition("e.email", prefix)
    earlier, earlier_args = prefix_condition("f.email", prefix)
    if db.is_sqlite():
        before, in_order, position = "f.email < e.email", "e.email, e.id", "email, email_id"
    else:
        # The text_pattern_ops index orders by bytes (~<~), as SQLite's binary collation does.
        before = "f.email ~<~ e.email"
        in_order, position = "e.email USING ~<~, e.id", 'email COLLATE "C", email_id'
    sql = (
        f"SELECT id, {tier} AS tier, "
        f"CAST(ROW_NUMBER() OVER (ORDER BY {position}) AS DOUBLE PRECISION) AS score, "
        "'email_prefix' AS reason FROM (SELECT c.id AS id, e.email AS email, e.id AS email_id "
        "FROM core_email AS e JOIN core_constituent AS c ON c.id = e.constituent_id "
        f"WHERE {matches} AND ({{}} OR c.deleted_at IS NULL) AND NOT EXISTS (SELECT 1 "
        f"FROM core_email AS f WHERE f.constituent_id = e.constituent_id AND {earlier} "
        f"AND {before}) ORDER BY {in_order} LIMIT {{}}) AS first_addresses"
    )
    return Branch(sql, [*match_args, include_deleted, *earlier_args, size])


async def email_prefix_branch(prefix: str, tier: int, **common: Any) -> Branch:
    """By sort name up to the cap of matching addresses, in address order above it."""
    if await count_email_prefix_matches(prefix) > EMAIL_SORT_CAP:
        return address_order_email_branch(prefix, tier, **common)
    return sorted_email_branch(prefix, tier, **common)


async def email_fills_page(prefix: str, include_deleted: bool, size: int) -> bool:
    """Whether at least ``size`` constituents have an address starting with ``prefix``."""
    condition, args = prefix_condition("e.email", prefix)
    sql = (
        "SELECT DISTINCT e.constituent_id FROM core_email AS e "
        "JOIN core_constituent AS c ON c.id = e.constituent_id "
        f"WHERE {condition} AND ({{}} OR c.deleted_at IS NULL)"
    )
    return await count_up_to(sql, [*args, include_deleted], size) == size


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


async def text_branches(parsed: ParsedQuery, include_deleted: bool, size: int) -> list[Branch]:
    """The name and email-prefix branches, in the order the query's shape ranks them."""
    common: dict[str, Any] = {"include_deleted": include_deleted, "size": size}
    email_first = parsed.address_shaped and parsed.email_prefix is not None
    name_tier, email_tier = FIRST_TEXT_TIER, SECOND_TEXT_TIER
    if email_first:
        name_tier, email_tier = SECOND_TEXT_TIER, FIRST_TEXT_TIER
    found: list[Branch] = []
    if parsed.email_prefix:
        found.append(await email_prefix_branch(parsed.email_prefix, email_tier, **common))
    if not parsed.name_tokens:
        return found
    if email_first and await email_fills_page(parsed.email_prefix or "", include_deleted, size):
        return found  # every name match would rank below a full page of addresses
    if await count_name_matches(parsed) > NAME_RANK_CAP:
        found.append(newest_name_branch(parsed, name_tier, **common))
    else:
        found.append(ranked_name_branch(parsed, name_tier, **common))
    return found


async def branches(parsed: ParsedQuery, include_deleted: bool, size: int) -> list[Branch]:
    """Every branch that this query can match."""
    common: dict[str, Any] = {"include_deleted": include_deleted, "size": size}
    found: list[Branch] = []
    if parsed.exact_email:
        condition = "c.id IN (SELECT constituent_id FROM core_email WHERE email = {})"
        found.append(branch(EXACT_EMAIL_TIER, "email", (condition, [parsed.exact_email]), **common))
    if parsed.exact_phone_digits:
        condition = "c.id IN (SELECT constituent_id FROM core_phone WHERE digits = {})"
        args = [parsed.exact_phone_digits]
        found.append(branch(EXACT_PHONE_TIER, "phone", (condition, args), **common))
    found.extend(await text_branches(parsed, include_deleted, size))
    if parsed.phone_fragment:
        partial = phone_substring(parsed.phone_fragment)
        found.append(branch(PHONE_PARTIAL_TIER, "phone_partial", partial, **common))
    if parsed.postcode_prefix:
        postcode = prefix_condition("REPLACE(c.primary_postcode, ' ', '')", parsed.postcode_prefix)
        found.append(branch(POSTCODE_TIER, "postcode", postcode, **common))
    tag_ids = await matching_tag_ids(parsed.folded) if len(parsed.folded) >= 2 else []
    if tag_ids:
        marks = ", ".join("{}" for _ in tag_ids)
        condition = (
            f"c.id IN (SELECT constituent_id FROM core_constituent_tag WHERE tag_id IN ({marks}))"
        )
        found.append(branch(TAG_TIER, "tag", (condition, tag_ids), **common))
    return found

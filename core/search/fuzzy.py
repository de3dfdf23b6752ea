"""``similar_constituents``: names close to what was typed, for "did you mean" and duplicates.

The prefix search (:mod:`core.search.service`) finds nothing for "Jonh Smiht". This module
finds John Smith in two steps:

1. **Candidates, from the word indexes, capped.** The two longest folded query words of
   three letters or more each become the set of words one keyboard slip away from them
   (:func:`core.search.similarity.typo_variants`: a dropped, doubled, swapped or replaced
   letter); a candidate has, for each of them, one of its variants as a whole word of
   its search text. That is an ordinary full-text query, answered by the indexes the prefix
   search already keeps in step (the FTS5 table ``core_constituent_fts`` on SQLite, the GIN
   tsvector index on ``search_text`` on PostgreSQL, where the variants that occur nowhere
   are dropped first), so imports, merges and erasure change what it finds exactly as they
   change the search. At most :data:`CANDIDATE_CAP` rows are read, in index order: the
   cost is bounded however common the name.
2. **Ranking, in Python.** Each candidate's folded display-name words are compared with the
   query words (:func:`core.search.similarity.name_similarity`, edit distance with swaps,
   best-aligned words in any order); those below :data:`MIN_SIMILARITY` (a match only
   through an email address, say) are dropped and the best :data:`MAX_LIMIT` at most are
   returned.

Why not a trigram index: measured over a million generated names, ranking the rows that
share a trigram with the query took over a second for common names (every Smith shares
"smi"), and short words lose every trigram to one slip ("jonh" and "john" share none).
The variants are whole-word look-ups: a few hundred per word, each a seek in the index
(about 0.1 ms each at a million constituents), however many rows carry the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core import db
from core.errors import InvalidInputError
from core.search.query import MAX_QUERY_LENGTH, WORD
from core.search.service import SearchHit, hit_fields
from core.search.similarity import name_similarity, typo_variants, unmatched_words
from core.validation import fold

# Rows read from the index per query, at most; the best of them are returned.
CANDIDATE_CAP = 1000
MAX_LIMIT = 25
MIN_WORD_LENGTH = 3
# A longer word would bring thousands of variants; it is still scored, only not looked up.
MAX_WORD_LENGTH = 24
MAX_QUERY_WORDS = 4
MAX_LOOKUP_WORDS = 2
MIN_SIMILARITY = 0.6
MATCH_REASON = "similar_name"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SimilarHit(SearchHit):
    """A constituent whose name is close to the query; ``similarity`` from 0.0 to 1.0."""

    similarity: float


def query_words(query: str) -> tuple[str, ...]:
    """The folded words of three letters or more to look for (four at most, no repeats).

    Raises InvalidInputError when the query is empty, too long, an email address (it has
    an "@") or has no such word.
    """
    text = _CONTROL.sub(" ", query).strip()
    if not text:
        raise InvalidInputError({"q": "must not be empty"})
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInputError({"q": f"must be at most {MAX_QUERY_LENGTH} characters"})
    if "@" in text:
        # As in the search: someone typing an "@" is typing an email address, not a name.
        raise InvalidInputError({"q": "must be a name, not an email address"})
    words = [w for w in WORD.findall(fold(text)) if len(w) >= MIN_WORD_LENGTH]
    unique = tuple(dict.fromkeys(words))[:MAX_QUERY_WORDS]
    if not unique:
        raise InvalidInputError({"q": f"needs a word of at least {MIN_WORD_LENGTH} letters"})
    return unique


def lookup_words(words: tuple[str, ...]) -> list[list[str]]:
    """The variants (two letters or more, sorted) of the words the index is asked about.

    Only the :data:`MAX_LOOKUP_WORDS` longest words, the most telling, and none longer than
    :data:`MAX_WORD_LENGTH`: each word costs a few hundred index seeks. The other words
    still count in the ranking, so a slip in them lowers the score without losing the hit.
    """
    expandable = [word for word in words if len(word) <= MAX_WORD_LENGTH]
    longest = sorted(expandable, key=len, reverse=True)[:MAX_LOOKUP_WORDS]
    return [
        sorted(v for v in typo_variants(word) if len(v) >= 2) for word in words if word in longest
    ]


def fts5_expression(groups: list[list[str]]) -> str:
    """``("jonh" OR "john" …) AND ("smiht" OR "smith" …)``: whole words, no prefixes.

    Variants hold only letters and digits, so quoting leaves no FTS syntax to inject.
    """
    return " AND ".join("(" + " OR ".join(f'"{v}"' for v in group) + ")" for group in groups)


def tsquery_expression(groups: list[list[str]]) -> str:
    """``(jonh | john | …) & (smiht | smith | …)`` for ``to_tsquery('simple', …)``."""
    return " & ".join("(" + " | ".join(group) + ")" for group in groups)


_COLUMNS = (
    "c.id, c.display_name, c.sort_name, c.kind, c.primary_email, c.primary_phone, "
    "c.primary_postcode, c.deleted_at"
)


def candidate_query(groups: list[list[str]], include_deleted: bool) -> tuple[str, list[Any]]:
    """The capped candidate SELECT for this engine, and its arguments."""
    if db.is_sqlite():
        sql = (
            f"SELECT {_COLUMNS} FROM core_constituent_fts "
            "JOIN core_constituent AS c ON c.id = core_constituent_fts.rowid "
            "WHERE core_constituent_fts MATCH {} AND ({} OR c.deleted_at IS NULL) LIMIT {}"
        )
        return sql, [fts5_expression(groups), include_deleted, CANDIDATE_CAP]
    sql = (
        f"SELECT {_COLUMNS} FROM core_constituent AS c "
        "WHERE to_tsvector('simple', c.search_text) @@ to_tsquery('simple', {}) "
        "AND ({} OR c.deleted_at IS NULL) LIMIT {}"
    )
    return sql, [tsquery_expression(groups), include_deleted, CANDIDATE_CAP]


# Which of a word's variants occur in some search text: one GIN probe each.
_PG_INDEXED_WORDS = (
    "SELECT v.word FROM unnest(CAST({} AS text[])) AS v(word) WHERE EXISTS ("
    "SELECT 1 FROM core_constituent AS c "
    "WHERE to_tsvector('simple', c.search_text) @@ to_tsquery('simple', v.word))"
)


async def fetch_candidates(groups: list[list[str]], include_deleted: bool) -> list[dict[str, Any]]:
    """At most :data:`CANDIDATE_CAP` rows matching every group of variants.

    SQLite's FTS5 merges the variants' doclists directly. PostgreSQL first keeps the
    variants that occur at all (usually one or two of the hundreds), because both a GIN
    scan and a table scan evaluate the whole ``|`` tree for every row they consider: at a
    million constituents the full tree took over a second for "smeth" (every Smith), the
    pruned one 35 ms. Both queries are forced onto the GIN index: misled by hundreds of
    alternatives, the planner estimated 87,000 rows for a name 1,500 had and chose a table
    scan of 12 seconds. Custom plans for the same reason as the search's.
    """
    if db.is_sqlite():
        sql, args = candidate_query(groups, include_deleted)
        return await db.fetch_all(sql, *args)
    async with db.transaction():
        await db.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        await db.execute("SET LOCAL enable_seqscan = off")
        present = []
        for group in groups:
            rows = await db.fetch_all(_PG_INDEXED_WORDS, group)
            if not rows:
                return []  # a word with nothing like it: no constituent can match
            present.append([str(row["word"]) for row in rows])
        sql, args = candidate_query(present, include_deleted)
        return await db.fetch_all(sql, *args)


def ranked_hits(rows: list[dict[str, Any]], words: tuple[str, ...], limit: int) -> list[SimilarHit]:
    """The rows scored against the query words, best first, those too far dropped."""
    scored = []
    for row in rows:
        name_words = tuple(WORD.findall(fold(str(row["display_name"]))))
        similarity = name_similarity(words, name_words)
        if similarity >= MIN_SIMILARITY:
            extra = unmatched_words(words, name_words)
            scored.append((-similarity, extra, str(row["sort_name"]), int(row["id"]), row))
    scored.sort(key=lambda item: item[:4])
    return [
        SimilarHit(**hit_fields(row), match=MATCH_REASON, similarity=round(-negative, 3))
        for negative, _, _, _, row in scored[:limit]
    ]


async def similar_constituents(
    query: str, limit: int = 10, include_deleted: bool = False
) -> list[SimilarHit]:
    """Constituents whose name is within a typo or so of ``query``, most similar first.

    The two longest query words of three letters or more must each be one slip (dropped,
    doubled, swapped or replaced letter) from a word of the constituent's name or search
    text; accents, case and word order never count. Raises InvalidInputError for an empty
    or oversized query, one with no such word, or ``limit`` outside 1 to :data:`MAX_LIMIT`.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError({"limit": f"must be between 1 and {MAX_LIMIT}"})
    words = query_words(query)
    groups = lookup_words(words)
    if not groups:
        return []
    rows = await fetch_candidates(groups, include_deleted)
    return ranked_hits(rows, words, limit)

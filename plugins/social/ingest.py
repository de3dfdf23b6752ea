"""Storing mentions: once each, scored, matched to listening queries, linked to people.

``INSERT … ON CONFLICT DO NOTHING`` on the unique keys ``(source_id, external_id)`` and
``url`` makes storing idempotent: a re-poll, an overlapping page or a repeated webhook adds
nothing. Only newly stored mentions are matched, scored and linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from core import db
from core.clock import utc_now
from core.events import unit_of_work
from plugins.social import linking
from plugins.social.matching import QueryRule, matches
from plugins.social.sentiment import analyse, guess_language
from plugins.social.sources.base import MentionIn


@dataclass
class IngestResult:
    """How many mentions a batch added, and how many were already stored or filtered out."""

    new: int = 0
    duplicates: int = 0
    unmatched: int = 0


async def active_rules() -> list[QueryRule]:
    """Every active listening query, parsed."""
    rows = await db.fetch_all("SELECT * FROM social_query WHERE active = {} ORDER BY id", True)
    return [QueryRule.from_row(row) for row in rows]


async def _already_stored(source_id: int, mention: MentionIn) -> bool:
    found = await db.fetch_value(
        "SELECT id FROM social_mention WHERE source_id = {} AND external_id = {} LIMIT 1",
        source_id,
        mention.external_id,
    )
    if found is None and mention.url:
        found = await db.fetch_value(
            "SELECT id FROM social_mention WHERE url = {} LIMIT 1", mention.url
        )
    return found is not None


async def _link_new(mention_id: int, mention: MentionIn) -> None:
    known = await linking.known_author(mention.platform, mention.author_handle, mention.author_id)
    if known is not None:
        await linking.link_mention(mention_id, known, "auto")
        return
    probable = await linking.probable_match(mention.author_name)
    if probable is not None:
        await db.execute(
            "UPDATE social_mention SET constituent_id = {}, link_status = 'probable', "
            "link_score = {} WHERE id = {}",
            probable[0],
            round(probable[1], 4),
            mention_id,
        )


async def store_mention(
    source_id: int, mention: MentionIn, rules: list[QueryRule], require_match: bool
) -> str:
    """Store one mention: ``new``, ``duplicate`` or ``unmatched`` (filtered out)."""
    language = mention.language or guess_language(mention.text)
    matched = [r.id for r in rules if matches(r, mention.text, mention.author_handle, language)]
    if require_match and not matched:
        return "unmatched"
    if await _already_stored(source_id, mention):
        return "duplicate"
    score = analyse(mention.text, language)
    posted = (
        mention.posted_at.astimezone(UTC)
        if mention.posted_at.tzinfo
        else (mention.posted_at.replace(tzinfo=UTC))
    )
    async with unit_of_work():
        mention_id = await db.fetch_value(
            "INSERT INTO social_mention (source_id, external_id, url, author_name, "
            "author_handle, author_id, platform, text, posted_at, fetched_at, language, "
            "sentiment_score, sentiment_label, link_status, link_score) VALUES "
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'none', 0) "
            "ON CONFLICT DO NOTHING RETURNING id",
            source_id,
            mention.external_id,
            mention.url,
            mention.author_name,
            mention.author_handle,
            mention.author_id,
            mention.platform,
            mention.text,
            posted,
            utc_now(),
            language,
            score.score,
            score.label,
        )
        if mention_id is None:
            return "duplicate"
        for query_id in matched:
            await db.execute(
                "INSERT INTO social_mention_match (mention_id, query_id) VALUES ({}, {}) "
                "ON CONFLICT DO NOTHING",
                mention_id,
                query_id,
            )
        await db.execute(
            "UPDATE social_source SET mentions_total = mentions_total + 1 WHERE id = {}",
            source_id,
        )
        await _link_new(int(mention_id), mention)
    return "new"


async def store_mentions(
    source_id: int, mentions: list[MentionIn], require_match: bool = False
) -> IngestResult:
    """Store a batch from one source (each mention in its own transaction)."""
    rules = await active_rules()
    result = IngestResult()
    for mention in mentions:
        outcome = await store_mention(source_id, mention, rules, require_match)
        field = {"new": "new", "duplicate": "duplicates", "unmatched": "unmatched"}[outcome]
        setattr(result, field, getattr(result, field) + 1)
    return result

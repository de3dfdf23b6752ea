"""Linking mentions to constituents: handles, automatic links, the review queue.

A mention whose author handle or stable id (actor URI, DID) is recorded on a constituent links
automatically (``auto``) and appears on that constituent's timeline as a ``social.mention``
interaction. Otherwise, a constituent whose name is close to the author's display name (ratio
of :class:`difflib.SequenceMatcher` on folded names, at least ``link_min_similarity``) is a
``probable`` match that waits in the review queue; staff confirm (the mention joins the
timeline) or reject it. Rejected pairs are not proposed again for that mention.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core import audit, db
from core.clock import utc_now
from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.interactions import service as interactions
from plugins.social.common import config
from plugins.social.sentiment import fold
from plugins.social.text import normalise_handle

INTERACTION_TYPE = "social.mention"
PLATFORMS = ("mastodon", "bluesky", "rss", "webhook", "other")


class MentionInteraction(BaseModel):
    """Payload of a ``social.mention`` timeline interaction (text kept in the mention)."""

    model_config = ConfigDict(extra="forbid")
    mention_id: int
    platform: str
    author_handle: str
    url: str | None = None
    sentiment: str


class HandleIn(BaseModel):
    """A constituent's account on a platform."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    platform: str = Field(pattern=r"^(mastodon|bluesky|rss|webhook|other)$")
    handle: str = Field(min_length=2, max_length=300, pattern=r"^@?[\w.\-]+(@[\w.\-]+)?$")
    stable_id: str = Field(default="", max_length=500)


class HandleOut(BaseModel):
    """A stored handle."""

    id: int
    constituent_id: int
    platform: str
    handle: str
    stable_id: str


async def list_handles(constituent_id: int) -> list[HandleOut]:
    """The constituent's handles."""
    rows = await db.fetch_all(
        "SELECT id, constituent_id, platform, handle, stable_id FROM social_handle "
        "WHERE constituent_id = {} ORDER BY platform, handle",
        constituent_id,
    )
    return [HandleOut(**row) for row in rows]


async def add_handle(constituent_id: int, data: HandleIn) -> HandleOut:
    """Record a handle, then link the unlinked mentions it authored."""
    handle = "@" + normalise_handle(data.handle)
    exists = await db.fetch_value(
        "SELECT constituent_id FROM social_handle WHERE platform = {} AND handle = {}",
        data.platform,
        handle,
    )
    if exists is not None:
        raise ConflictError(f"{handle} on {data.platform} already belongs to constituent {exists}")
    if not await db.fetch_value(
        "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL", constituent_id
    ):
        raise NotFoundError(f"constituent {constituent_id} not found")
    async with unit_of_work():
        handle_id = await db.fetch_value(
            "INSERT INTO social_handle (constituent_id, platform, handle, stable_id, created_at) "
            "VALUES ({}, {}, {}, {}, {}) RETURNING id",
            constituent_id,
            data.platform,
            handle,
            data.stable_id,
            utc_now(),
        )
        await audit.record_change(
            "create",
            "social_handle",
            handle_id,
            after={"platform": data.platform, "handle": handle},
            constituent_id=constituent_id,
        )
        rows = await db.fetch_all(
            "SELECT id FROM social_mention WHERE constituent_id IS NULL "
            "AND link_status IN ('none', 'probable') AND platform = {} AND "
            "(LOWER(author_handle) = {} OR (author_id <> '' AND author_id = {}))",
            data.platform,
            handle,
            data.stable_id or handle,
        )
        for row in rows:
            await link_mention(row["id"], constituent_id, "auto")
    return HandleOut(
        id=int(handle_id),
        constituent_id=constituent_id,
        platform=data.platform,
        handle=handle,
        stable_id=data.stable_id,
    )


async def remove_handle(handle_id: int) -> None:
    """Forget a handle (links already made stay)."""
    row = await db.fetch_one("SELECT * FROM social_handle WHERE id = {}", handle_id)
    if row is None:
        raise NotFoundError(f"handle {handle_id} not found")
    async with unit_of_work():
        await db.execute("DELETE FROM social_handle WHERE id = {}", handle_id)
        await audit.record_change(
            "delete",
            "social_handle",
            handle_id,
            before={"platform": row["platform"], "handle": row["handle"]},
            constituent_id=row["constituent_id"],
        )


async def known_author(platform: str, handle: str, author_id: str) -> int | None:
    """The constituent owning this handle or stable id on ``platform``, if any."""
    if not handle and not author_id:
        return None
    value = await db.fetch_value(
        "SELECT h.constituent_id FROM social_handle h JOIN core_constituent c "
        "ON c.id = h.constituent_id WHERE c.deleted_at IS NULL AND h.platform = {} AND "
        "(h.handle = {} OR (h.stable_id <> '' AND h.stable_id = {})) ORDER BY h.id LIMIT 1",
        platform,
        "@" + normalise_handle(handle) if handle else "",
        author_id,
    )
    return int(value) if value is not None else None


def similarity(a: str, b: str) -> float:
    """0..1 likeness of two names, ignoring case, accents and punctuation."""
    left = " ".join(re.findall(r"\w+", fold(a)))
    right = " ".join(re.findall(r"\w+", fold(b)))
    if not left or not right:
        return 0.0
    return difflib.SequenceMatcher(None, left, right).ratio()


async def probable_match(author_name: str) -> tuple[int, float] | None:
    """The constituent whose name is most like ``author_name``, if close enough."""
    words = sorted(re.findall(r"\w{3,}", fold(author_name)), key=len, reverse=True)
    if len(words) < 2:  # one word is too weak a signal to propose a person
        return None
    rows = await db.fetch_all(
        "SELECT id, display_name FROM core_constituent WHERE deleted_at IS NULL AND "
        "LOWER(display_name) LIKE {} ORDER BY id LIMIT 50",
        f"%{words[0]}%",
    )
    best: tuple[int, float] | None = None
    for row in rows:
        score = similarity(author_name, row["display_name"])
        if score >= config().link_min_similarity and (best is None or score > best[1]):
            best = (int(row["id"]), score)
    return best


async def link_mention(mention_id: int, constituent_id: int, status: str) -> None:
    """Link a mention (``auto`` or ``confirmed``) and put it on the constituent's timeline."""
    mention = await db.fetch_one("SELECT * FROM social_mention WHERE id = {}", mention_id)
    if mention is None:
        raise NotFoundError(f"mention {mention_id} not found")
    if mention["interaction_id"]:
        await remove_timeline_entry(int(mention["interaction_id"]))
    async with unit_of_work():
        label = mention["corrected_label"] or mention["sentiment_label"]
        posted: datetime = mention["posted_at"]
        interaction = await interactions.record_interaction(
            constituent_id=constituent_id,
            interaction_type=INTERACTION_TYPE,
            payload=MentionInteraction(
                mention_id=mention_id,
                platform=mention["platform"] or "other",
                author_handle=mention["author_handle"],
                url=mention["url"],
                sentiment=label,
            ),
            direction="inbound",
            initiated_by="constituent",
            subject=(mention["text"] or "")[:200].replace("\n", " "),
            occurred_at=posted if isinstance(posted, datetime) else None,
            external_ref=f"mention:{mention_id}:{constituent_id}:{utc_now().timestamp():.6f}",
        )
        await db.execute(
            "UPDATE social_mention SET constituent_id = {}, link_status = {}, link_score = {}, "
            "interaction_id = {} WHERE id = {}",
            constituent_id,
            status,
            1.0 if status == "auto" else mention["link_score"],
            interaction.id,
            mention_id,
        )
        await audit.record_change(
            "link",
            "social_mention",
            mention_id,
            before={"constituent_id": mention["constituent_id"]},
            after={"constituent_id": constituent_id, "link_status": status},
            constituent_id=constituent_id,
        )
        await emit(
            "social.mention_linked",
            {"mention_id": mention_id, "constituent_id": constituent_id, "status": status},
        )


async def remove_timeline_entry(interaction_id: int) -> None:
    """Take a linked mention's interaction off the timeline (gone already: nothing to do)."""
    # NotFoundError: already deleted, or its constituent was erased.
    with contextlib.suppress(NotFoundError):
        await interactions.delete_interaction(interaction_id)


async def confirm_link(mention_id: int, constituent_id: int | None = None) -> None:
    """Staff confirm a probable match (or link to the constituent they chose)."""
    mention = await db.fetch_one(
        "SELECT constituent_id, link_status FROM social_mention WHERE id = {}", mention_id
    )
    if mention is None:
        raise NotFoundError(f"mention {mention_id} not found")
    target = constituent_id or mention["constituent_id"]
    if target is None:
        raise InvalidInputError("choose a constituent to link this mention to")
    await link_mention(mention_id, int(target), "confirmed")


async def reject_link(mention_id: int) -> None:
    """Staff reject the proposed (or current) link: the mention is unlinked."""
    mention = await db.fetch_one(
        "SELECT constituent_id, interaction_id FROM social_mention WHERE id = {}", mention_id
    )
    if mention is None:
        raise NotFoundError(f"mention {mention_id} not found")
    if mention["interaction_id"]:
        await remove_timeline_entry(int(mention["interaction_id"]))
    async with unit_of_work():
        await db.execute(
            "UPDATE social_mention SET constituent_id = NULL, link_status = 'rejected', "
            "interaction_id = NULL WHERE id = {}",
            mention_id,
        )
        await audit.record_change(
            "unlink",
            "social_mention",
            mention_id,
            before={"constituent_id": mention["constituent_id"]},
            after={"link_status": "rejected"},
            constituent_id=mention["constituent_id"],
        )


async def review_queue(limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Probable matches waiting for staff, newest first."""
    return await db.fetch_all(
        "SELECT m.id, m.author_name, m.author_handle, m.platform, m.text, m.posted_at, "
        "m.link_score, m.constituent_id, c.display_name AS constituent_name "
        "FROM social_mention m JOIN core_constituent c ON c.id = m.constituent_id "
        "WHERE m.link_status = 'probable' ORDER BY m.posted_at DESC, m.id DESC "
        "LIMIT {} OFFSET {}",
        limit,
        offset,
    )


async def frequent_unknown_authors(min_mentions: int = 3, limit: int = 20) -> list[dict[str, Any]]:
    """Authors with several unlinked mentions and no known handle: candidate prospects."""
    return await db.fetch_all(
        "SELECT m.platform, m.author_handle, MAX(m.author_name) AS author_name, "
        "MAX(m.author_id) AS author_id, COUNT(*) AS mentions FROM social_mention m "
        "WHERE m.constituent_id IS NULL AND m.author_handle <> '' AND NOT EXISTS "
        "(SELECT 1 FROM social_handle h WHERE h.platform = m.platform AND "
        "h.handle = LOWER(m.author_handle)) GROUP BY m.platform, m.author_handle "
        "HAVING COUNT(*) >= {} ORDER BY COUNT(*) DESC, m.author_handle LIMIT {}",
        min_mentions,
        limit,
    )


async def add_author_as_prospect(platform: str, author_handle: str) -> int:
    """Create a prospect from an unknown author, record the handle, link their mentions."""
    row = await db.fetch_one(
        "SELECT MAX(author_name) AS author_name, MAX(author_id) AS author_id "
        "FROM social_mention WHERE platform = {} AND author_handle = {}",
        platform,
        author_handle,
    )
    if row is None or row["author_name"] is None:
        raise NotFoundError(f"no mentions by {author_handle} on {platform}")
    name = (row["author_name"] or author_handle).strip()[:100] or author_handle[:100]
    parts = name.split()
    async with unit_of_work():
        data = ConstituentIn(
            kind="individual",
            first_name=" ".join(parts[:-1])[:100] or None,
            last_name=parts[-1][:100] if parts else author_handle[:100],
            lifecycle_stage="prospect",
            source="social",
        )
        constituent = await create_constituent(data)
        await add_handle(
            constituent.id,
            HandleIn(platform=platform, handle=author_handle, stable_id=row["author_id"] or ""),
        )
    return constituent.id

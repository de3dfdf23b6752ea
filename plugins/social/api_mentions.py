"""API for mentions, sentiment corrections, links, handles, prospects and alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import delete, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from plugins.social import linking, mentions, spikes
from plugins.social.api_support import READ, TAGS, WRITE, Id, ItemPage, OptionalId, Page, PerPage
from plugins.social.common import MAX_ID


class SentimentIn(BaseModel):
    """A staff correction; ``null`` clears it."""

    model_config = ConfigDict(extra="forbid")
    label: Literal["positive", "neutral", "negative"] | None


class LinkIn(BaseModel):
    """Link to this constituent (omit to confirm the proposed one)."""

    model_config = ConfigDict(extra="forbid")
    constituent_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class ProspectIn(BaseModel):
    """An unknown author to add as a prospect."""

    model_config = ConfigDict(extra="forbid")
    platform: str = Field(min_length=1, max_length=40)
    author_handle: str = Field(min_length=1, max_length=300)


class ProspectOut(BaseModel):
    """The constituent created."""

    constituent_id: int


class AuthorOut(BaseModel):
    """An unlinked author with several mentions."""

    platform: str
    author_handle: str
    author_name: str
    mentions: int


class AlertOut(BaseModel):
    """A spike alert."""

    id: int
    kind: str
    window_start: datetime
    window_end: datetime
    observed: float
    baseline: float
    mentions: int
    raised_at: datetime
    acknowledged_at: datetime | None = None


@get("/mentions", opt=READ, tags=TAGS)
async def list_mentions(
    query_id: OptionalId = None,
    source_id: OptionalId = None,
    constituent_id: OptionalId = None,
    sentiment: Annotated[str, QueryParameter(max_length=10)] = "",
    linked: Annotated[str, QueryParameter(max_length=10, description="yes, no, probable")] = "",
    q: Annotated[str, QueryParameter(max_length=200, description="words in text or author")] = "",
    page: Page = 1,
    per_page: PerPage = 25,
) -> ItemPage[mentions.MentionOut]:
    """Mentions matching every filter, newest first."""
    f = mentions.MentionFilter(
        query_id=query_id,
        source_id=source_id,
        sentiment=sentiment,
        linked=linked,
        search=q.strip(),
        constituent_id=constituent_id,
    )
    items, total = await mentions.list_mentions(f, page, per_page)
    return ItemPage[mentions.MentionOut](items=items, total=total, page=page, per_page=per_page)


@get("/mentions/{mention_id:int}", opt=READ, tags=TAGS)
async def get_mention(mention_id: Id) -> mentions.MentionOut:
    """One mention."""
    return await mentions.get_mention(mention_id)


@post("/mentions/{mention_id:int}/sentiment", opt=WRITE, status_code=200, tags=TAGS)
async def correct_sentiment(mention_id: Id, data: JSONBody[SentimentIn]) -> mentions.MentionOut:
    """Correct (or clear the correction of) a mention's sentiment."""
    return await mentions.correct_sentiment(mention_id, data.label)


@post("/mentions/{mention_id:int}/link", opt=WRITE, status_code=200, tags=TAGS)
async def link(mention_id: Id, data: JSONBody[LinkIn]) -> mentions.MentionOut:
    """Confirm the proposed constituent, or link to the one given."""
    await linking.confirm_link(mention_id, data.constituent_id)
    return await mentions.get_mention(mention_id)


@post("/mentions/{mention_id:int}/reject", opt=WRITE, status_code=200, tags=TAGS)
async def reject(mention_id: Id) -> mentions.MentionOut:
    """Reject the proposed (or current) link."""
    await linking.reject_link(mention_id)
    return await mentions.get_mention(mention_id)


@get("/constituents/{constituent_id:int}/handles", opt=READ, tags=TAGS)
async def list_handles(constituent_id: Id) -> list[linking.HandleOut]:
    """A constituent's social handles."""
    return await linking.list_handles(constituent_id)


@post("/constituents/{constituent_id:int}/handles", opt=WRITE, tags=TAGS)
async def add_handle(constituent_id: Id, data: JSONBody[linking.HandleIn]) -> linking.HandleOut:
    """Record a handle; unlinked mentions by it are linked."""
    return await linking.add_handle(constituent_id, data)


@delete("/handles/{handle_id:int}", opt=WRITE, tags=TAGS)
async def remove_handle(handle_id: Id) -> None:
    """Forget a handle."""
    await linking.remove_handle(handle_id)


@get("/authors/unknown", opt=READ, tags=TAGS)
async def unknown_authors(
    min_mentions: Annotated[int, QueryParameter(ge=1, le=1000)] = 3,
) -> list[AuthorOut]:
    """Frequent authors not linked to anyone."""
    rows = await linking.frequent_unknown_authors(min_mentions)
    return [
        AuthorOut(
            platform=r["platform"],
            author_handle=r["author_handle"],
            author_name=r["author_name"] or "",
            mentions=int(r["mentions"]),
        )
        for r in rows
    ]


@post("/authors/prospect", opt=WRITE, tags=TAGS)
async def add_prospect(data: JSONBody[ProspectIn]) -> ProspectOut:
    """Add an unknown author as a prospect, with their handle and mentions linked."""
    return ProspectOut(
        constituent_id=await linking.add_author_as_prospect(data.platform, data.author_handle)
    )


@get("/alerts", opt=READ, tags=TAGS)
async def list_alerts(days: Annotated[int, QueryParameter(ge=1, le=366)] = 7) -> list[AlertOut]:
    """Spike alerts raised in the last ``days`` days."""
    return [AlertOut(**row) for row in await spikes.recent_alerts(days)]


@post("/alerts/{alert_id:int}/acknowledge", opt=WRITE, status_code=204, tags=TAGS)
async def acknowledge_alert(alert_id: Id) -> None:
    """Mark a spike alert as seen (it leaves the dashboard card)."""
    await spikes.acknowledge(alert_id)


ROUTES: list[Any] = [
    list_mentions,
    get_mention,
    correct_sentiment,
    link,
    reject,
    list_handles,
    add_handle,
    remove_handle,
    unknown_authors,
    add_prospect,
    list_alerts,
    acknowledge_alert,
]

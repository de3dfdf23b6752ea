"""Bluesky through the public AT Protocol AppView (``app.bsky.feed.*`` XRPC queries).

``searchPosts`` and ``getAuthorFeed`` page backwards in time with an opaque ``cursor``. A poll
reads from the newest post until it reaches one already seen (the newest ``indexedAt`` kept in
the source's state) or the page limit. When the limit stops it first, the AT cursor is kept as
a *resume cursor* and the next poll continues from there, so a burst larger than one poll is
read in full over the following polls instead of being skipped.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from core.i18n import gettext as _
from plugins.social.sources.base import (
    MentionIn,
    PollContext,
    PollResult,
    PollState,
    SourceError,
    SourceKind,
    register_source_kind,
)
from plugins.social.text import clean_text, one_line

PAGE_SIZE = 50


class BlueskySettings(BaseModel):
    """Which AppView to ask and what: a search query or an account's feed."""

    model_config = ConfigDict(extra="forbid")

    service_url: HttpUrl = HttpUrl("https://public.api.bsky.app")
    mode: Literal["search", "author"] = "search"
    value: str = Field(min_length=1, max_length=300)


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def post_to_mention(post: dict[str, Any]) -> MentionIn:
    """A ``PostView`` as a mention; SourceError for a malformed one."""
    try:
        uri = str(post["uri"])
        author = post["author"]
        record = post["record"]
        did = str(author["did"])
        handle = str(author.get("handle") or did)
        rkey = uri.rsplit("/", 1)[-1]
        langs = record.get("langs") or []
        return MentionIn(
            external_id=uri[:500],
            url=f"https://bsky.app/profile/{handle}/post/{rkey}"[:2000],
            author_name=one_line(author.get("displayName") or handle),
            author_handle=f"@{handle}"[:300],
            author_id=did[:500],
            platform="bluesky",
            text=clean_text(str(record.get("text") or "")),
            posted_at=_instant(str(record.get("createdAt") or post["indexedAt"])),
            language=str(langs[0])[:2] if langs else "",
        )
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise SourceError(f"malformed Bluesky post: {exc}") from exc


@register_source_kind
class BlueskySource(SourceKind):
    """Posts matching a search, or posts by one account."""

    kind = "bluesky"
    settings_model = BlueskySettings
    platform = "bluesky"

    @classmethod
    def label(cls) -> str:
        """Shown in the sources editor."""
        return _("Bluesky")

    def _url(self, settings: BlueskySettings, cursor: str) -> str:
        root = str(settings.service_url).rstrip("/")
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        if settings.mode == "search":
            params.update(q=settings.value, sort="latest")
            method = "app.bsky.feed.searchPosts"
        else:
            params["actor"] = settings.value.lstrip("@")
            method = "app.bsky.feed.getAuthorFeed"
        if cursor:
            params["cursor"] = cursor
        return f"{root}/xrpc/{method}?{urlencode(params)}"

    @staticmethod
    def _posts(data: Any, mode: str) -> list[dict[str, Any]]:
        if not isinstance(data, dict):
            raise SourceError("the Bluesky answer is not a JSON object")
        if mode == "search":
            posts = data.get("posts")
        else:
            feed = data.get("feed")
            posts = [item.get("post") for item in feed] if isinstance(feed, list) else None
        if not isinstance(posts, list) or not all(isinstance(p, dict) for p in posts):
            raise SourceError("the Bluesky answer has no list of posts")
        return posts

    async def poll(
        self, settings: BlueskySettings, state: PollState, ctx: PollContext
    ) -> PollResult:
        """Read back to the newest post seen, keeping a resume cursor when cut short."""
        try:
            saved = json.loads(state.cursor) if state.cursor else {}
        except ValueError:
            saved = {}
        saved = saved if isinstance(saved, dict) else {}
        cursor = str(saved.get("resume", ""))
        newest = str(saved.get("newest", ""))
        # Posts at or before ``floor`` were read by an earlier poll: stop there.
        floor = str(saved.get("floor", "")) if cursor else newest
        mentions: list[MentionIn] = []
        pages = 0
        while pages < ctx.max_pages:
            data = await ctx.get_json(self._url(settings, cursor))
            pages += 1
            posts = self._posts(data, settings.mode)
            reached_known = False
            for post in posts:
                indexed = str(post.get("indexedAt") or "")
                if floor and indexed and indexed <= floor:
                    reached_known = True
                    continue
                mentions.append(post_to_mention(post))
                newest = max(newest, indexed)
            next_cursor = data.get("cursor") if isinstance(data, dict) else None
            if reached_known or not posts or not next_cursor:
                cursor = ""
                break
            cursor = str(next_cursor)
        saved = {"newest": newest}
        if cursor:
            saved.update(resume=cursor, floor=floor)
        return PollResult(
            mentions=mentions,
            state=PollState(cursor=json.dumps(saved, sort_keys=True)),
            pages=pages,
        )

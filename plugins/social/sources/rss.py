"""RSS 2.0 and Atom feeds, read with feedparser, asking only for what changed.

The feed's ETag and Last-Modified are sent back as If-None-Match / If-Modified-Since; a 304
answer costs the server nothing and stores nothing.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

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
from plugins.social.text import clean_text, html_to_text, one_line


class FeedSettings(BaseModel):
    """An RSS or Atom feed's address and its language when entries do not say."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    language: str = Field(default="", max_length=10, pattern=r"^([a-z]{2})?$")


def _instant(entry: Any) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return datetime.now(UTC)


def parse_feed(body: bytes, default_language: str = "") -> list[MentionIn]:
    """Mentions from an RSS or Atom document; SourceError when it is neither."""
    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise SourceError(f"not an RSS or Atom feed ({reason or 'no entries'})")
    feed_language = str(parsed.feed.get("language", "") or default_language)[:2].lower()
    mentions = []
    for entry in parsed.entries:
        link = entry.get("link") or None
        external = entry.get("id") or link or entry.get("title")
        if not external:
            continue
        summary = entry.get("summary") or ""
        if entry.get("content"):
            summary = entry.content[0].get("value", summary)
        title = one_line(entry.get("title"))
        body_text = html_to_text(summary)
        text = title if not body_text else (f"{title}\n{body_text}" if title else body_text)
        author = one_line(entry.get("author") or parsed.feed.get("title") or "")
        mentions.append(
            MentionIn(
                external_id=str(external)[:500],
                url=str(link)[:2000] if link else None,
                author_name=author,
                author_handle="",
                author_id=str(entry.get("author_detail", {}).get("href") or author)[:500],
                platform="rss",
                text=clean_text(text),
                posted_at=_instant(entry),
                language=feed_language if len(feed_language) == 2 else "",
            )
        )
    return mentions


@register_source_kind
class FeedSource(SourceKind):
    """RSS 2.0 or Atom feed."""

    kind = "rss"
    settings_model = FeedSettings
    platform = "rss"

    @classmethod
    def label(cls) -> str:
        """Shown in the sources editor."""
        return _("RSS or Atom feed")

    async def poll(self, settings: FeedSettings, state: PollState, ctx: PollContext) -> PollResult:
        """One conditional GET of the feed."""
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        response = await ctx.get(str(settings.url), headers)
        if response.status == 304:
            return PollResult(state=state, pages=1, not_modified=True)
        mentions = parse_feed(response.body, settings.language)
        new_state = PollState(
            cursor=state.cursor,
            etag=response.headers.get("etag", "")[:500],
            last_modified=response.headers.get("last-modified", "")[:100],
        )
        return PollResult(mentions=mentions, state=new_state, pages=1)

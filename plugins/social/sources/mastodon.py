"""Mastodon through its documented REST API: hashtag timelines, account statuses, search.

Pages are walked with the ``Link`` header. The first poll reads the newest page and follows
``rel="next"`` (older posts) up to the page limit; later polls ask for posts newer than the
highest id seen (``min_id``) and follow ``rel="prev"`` (newer posts), so nothing between polls
is skipped however busy the tag is. Search needs a server that allows status search (often
only with an access token); a refusal is reported as the source's error.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote, urlencode, urlsplit

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
from plugins.social.text import html_to_text, one_line

PAGE_SIZE = 40


class MastodonSettings(BaseModel):
    """Which Mastodon server to ask, and what for."""

    model_config = ConfigDict(extra="forbid")

    instance_url: HttpUrl
    mode: Literal["hashtag", "account", "search"] = "hashtag"
    value: str = Field(min_length=1, max_length=200, pattern=r"^[#@]?[^\s/?#]+( [^\s/?#]+)*$")
    access_token: str = Field(default="", max_length=500)


def _id_key(value: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings of varying length: compare by length, then text."""
    return (len(value), value)


def status_to_mention(status: dict[str, Any], host: str) -> MentionIn:
    """A status (or the post it boosts) as a mention; SourceError for a malformed one."""
    inner = status.get("reblog") or status
    try:
        account = inner["account"]
        acct = str(account["acct"])
        handle = acct if "@" in acct else f"{acct}@{host}"
        spoiler = html_to_text(inner.get("spoiler_text") or "")
        text = html_to_text(inner.get("content") or "")
        return MentionIn(
            external_id=str(inner.get("uri") or inner["id"])[:500],
            url=str(inner.get("url") or inner.get("uri") or "")[:2000] or None,
            author_name=one_line(account.get("display_name") or account.get("username") or acct),
            author_handle=f"@{handle}"[:300],
            author_id=str(account.get("uri") or account.get("url") or handle)[:500],
            platform="mastodon",
            text=f"{spoiler}\n{text}".strip() if spoiler else text,
            posted_at=datetime.fromisoformat(str(inner["created_at"]).replace("Z", "+00:00")),
            language=str(inner.get("language") or "")[:2],
        )
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise SourceError(f"malformed Mastodon status: {exc}") from exc


@register_source_kind
class MastodonSource(SourceKind):
    """A hashtag timeline, an account's statuses or a status search on one server."""

    kind = "mastodon"
    settings_model = MastodonSettings
    platform = "mastodon"

    @classmethod
    def label(cls) -> str:
        """Shown in the sources editor."""
        return _("Mastodon")

    def _headers(self, settings: MastodonSettings) -> dict[str, str]:
        if settings.access_token:
            return {"Authorization": f"Bearer {settings.access_token}"}
        return {}

    async def _base_url(
        self, settings: MastodonSettings, state: dict[str, Any], ctx: PollContext
    ) -> str:
        root = str(settings.instance_url).rstrip("/")
        value = settings.value.lstrip("#")
        if settings.mode == "hashtag":
            tag = quote(value.lower(), safe="")
            return f"{root}/api/v1/timelines/tag/{tag}?limit={PAGE_SIZE}"
        if settings.mode == "search":
            query = urlencode({"q": settings.value, "type": "statuses", "limit": PAGE_SIZE})
            return f"{root}/api/v2/search?{query}"
        if "account_id" not in state:
            lookup = f"{root}/api/v1/accounts/lookup?{urlencode({'acct': value.lstrip('@')})}"
            account = await ctx.get_json(lookup, self._headers(settings))
            if not isinstance(account, dict) or not account.get("id"):
                raise SourceError(f"account {value!r} not found on this server")
            state["account_id"] = str(account["id"])
        account_id = quote(state["account_id"], safe="")
        return f"{root}/api/v1/accounts/{account_id}/statuses?limit={PAGE_SIZE}"

    async def poll(
        self, settings: MastodonSettings, state: PollState, ctx: PollContext
    ) -> PollResult:
        """Walk the pages that are new since the highest status id seen."""
        try:
            saved = json.loads(state.cursor) if state.cursor else {}
        except ValueError:
            saved = {}
        saved = saved if isinstance(saved, dict) else {}
        host = urlsplit(str(settings.instance_url)).hostname or ""
        url: str | None = await self._base_url(settings, saved, ctx)
        newest = str(saved.get("newest", ""))
        direction = "next"
        if newest:
            url = f"{url}&min_id={quote(newest, safe='')}"
            direction = "prev"
        mentions: list[MentionIn] = []
        pages = 0
        while url and pages < ctx.max_pages:
            response = await ctx.get(url, {"Accept": "application/json", **self._headers(settings)})
            pages += 1
            try:
                data = json.loads(response.body)
            except ValueError as exc:
                raise SourceError("the Mastodon server did not answer with JSON") from exc
            statuses = data.get("statuses") if isinstance(data, dict) else data
            if not isinstance(statuses, list):
                raise SourceError("the Mastodon answer is not a list of statuses")
            if not statuses:
                break
            for status in statuses:
                if not isinstance(status, dict):
                    raise SourceError("the Mastodon answer is not a list of statuses")
                mentions.append(status_to_mention(status, host))
                status_id = str(status.get("id", ""))
                if status_id and _id_key(status_id) > _id_key(newest):
                    newest = status_id
            url = response.links.get(direction) if settings.mode != "search" else None
        saved["newest"] = newest
        return PollResult(
            mentions=mentions,
            state=PollState(cursor=json.dumps(saved, sort_keys=True)),
            pages=pages,
        )

"""A generic inbound webhook: anything that can sign an HTTP POST can deliver mentions.

The sender posts JSON to ``/api/v1/social/webhooks/<source id>`` with two headers:
``X-Social-Timestamp`` (Unix seconds) and ``X-Social-Signature``:
``sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed with the source's secret>``. A
signature is compared in constant time; a timestamp further than the tolerance from now is
refused, so a captured request cannot be replayed later. The body is
``{"mentions": [{external_id, url, author_name, author_handle, author_id, text, posted_at,
language}, ...]}`` (at most 100 mentions).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.errors import StewardError
from core.i18n import gettext as _
from plugins.social.sources.base import (
    MentionIn,
    PollContext,
    PollResult,
    PollState,
    SourceKind,
    register_source_kind,
)
from plugins.social.text import clean_text, one_line

MAX_BODY = 512 * 1024


class WebhookSignatureError(StewardError):
    """The request is not signed by the source's secret, or is stale (answered with 401)."""

    status_code = 401
    title = "Invalid webhook signature"


class WebhookSettings(BaseModel):
    """The shared secret of a webhook source."""

    model_config = ConfigDict(extra="forbid")
    secret: str = Field(min_length=16, max_length=200)
    platform: str = Field(default="webhook", pattern=r"^(mastodon|bluesky|rss|webhook|other)$")


class WebhookMention(BaseModel):
    """One mention in a webhook body."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    external_id: str = Field(min_length=1, max_length=500)
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    author_name: str = Field(default="", max_length=300)
    author_handle: str = Field(default="", max_length=300)
    author_id: str = Field(default="", max_length=500)
    text: str = Field(default="", max_length=10_000)
    posted_at: Any
    language: str = Field(default="", max_length=10)


class WebhookBody(BaseModel):
    """A webhook delivery."""

    model_config = ConfigDict(extra="forbid")
    mentions: list[WebhookMention] = Field(min_length=1, max_length=100)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The expected ``X-Social-Signature`` value."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str,
    body: bytes,
    timestamp: str | None,
    given: str | None,
    tolerance: int,
    now: float | None = None,
) -> None:
    """Raise :class:`WebhookSignatureError` unless the request is signed and fresh."""
    if len(body) > MAX_BODY:
        raise WebhookSignatureError("payload too large")
    if not timestamp or not given or not timestamp.isdigit():
        raise WebhookSignatureError("missing or malformed signature headers")
    if abs((now if now is not None else time.time()) - int(timestamp)) > tolerance:
        raise WebhookSignatureError("timestamp outside the tolerance")
    if not hmac.compare_digest(signature(secret, timestamp, body), given.strip()):
        raise WebhookSignatureError("signature does not match")


def parse_body(body: bytes, platform: str) -> list[MentionIn]:
    """The mentions of a verified delivery; pydantic's ValidationError when malformed."""
    data = WebhookBody.model_validate_json(body)
    return [
        MentionIn(
            external_id=item.external_id,
            url=item.url,
            author_name=one_line(item.author_name),
            author_handle=one_line(item.author_handle),
            author_id=item.author_id,
            platform=platform,
            text=clean_text(item.text),
            posted_at=item.posted_at,
            language=item.language[:2].lower(),
        )
        for item in data.mentions
    ]


@register_source_kind
class WebhookSource(SourceKind):
    """Mentions pushed by another system; never polled."""

    kind = "webhook"
    settings_model = WebhookSettings
    pollable = False
    platform = "webhook"

    @classmethod
    def label(cls) -> str:
        """Shown in the sources editor."""
        return _("Inbound webhook")

    async def poll(self, settings: Any, state: PollState, ctx: PollContext) -> PollResult:
        """Webhook sources are not polled: nothing to fetch."""
        return PollResult(state=state)

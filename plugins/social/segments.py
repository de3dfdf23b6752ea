"""Segment filters: mentioned us in the last N days, and by the sentiment of those mentions.
Each returns a SQL condition on ``c.id`` with ``{}`` placeholders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.clock import utc_now

LINKED = "m.link_status IN ('auto', 'confirmed')"


class MentionedRecently(BaseModel):
    """Wrote at least one linked mention in the last ``days`` days."""

    model_config = ConfigDict(extra="forbid")
    days: int = Field(default=30, ge=1, le=3660)


class MentionSentiment(BaseModel):
    """Wrote a linked mention of this sentiment in the last ``days`` days."""

    model_config = ConfigDict(extra="forbid")
    sentiment: Literal["positive", "neutral", "negative"] = "positive"
    days: int = Field(default=90, ge=1, le=3660)


def mentioned_recently(value: Any) -> tuple[str, list[Any]]:
    """Constituents with a linked mention since ``days`` days ago."""
    v = value if isinstance(value, MentionedRecently) else MentionedRecently.model_validate(value)
    return (
        f"c.id IN (SELECT m.constituent_id FROM social_mention m WHERE {LINKED} "
        "AND m.posted_at >= {})",
        [utc_now() - timedelta(days=v.days)],
    )


def mention_sentiment(value: Any) -> tuple[str, list[Any]]:
    """Constituents with a linked mention of the sentiment (staff corrections win)."""
    v = value if isinstance(value, MentionSentiment) else MentionSentiment.model_validate(value)
    return (
        f"c.id IN (SELECT m.constituent_id FROM social_mention m WHERE {LINKED} "
        "AND COALESCE(m.corrected_label, m.sentiment_label) = {} AND m.posted_at >= {})",
        [v.sentiment, utc_now() - timedelta(days=v.days)],
    )

"""Reading mentions (filtered, paged), correcting their sentiment, and listening statistics.

The label staff see is the *effective* label: the staff correction when there is one,
otherwise the analyser's. Corrections are kept on the mention (who, when) and in the audit log,
and a later re-score never overwrites them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from core import audit, db
from core.clock import utc_now
from core.context import current_actor
from core.errors import InvalidInputError, NotFoundError
from core.events import unit_of_work
from core.pagination import offset_of
from plugins.social.common import LABELS, LINK_STATUSES, as_int, instant, org
from plugins.social.sentiment import top_terms

EFFECTIVE = "COALESCE(m.corrected_label, m.sentiment_label)"


class MentionOut(BaseModel):
    """A mention as staff and the API see it (text is untrusted and shown escaped)."""

    id: int
    source_id: int
    source_name: str
    external_id: str
    url: str | None
    author_name: str
    author_handle: str
    author_id: str
    platform: str
    text: str
    posted_at: datetime
    language: str
    sentiment_score: float
    sentiment_label: str
    corrected_label: str | None
    corrected_at: datetime | None
    label: str
    constituent_id: int | None
    constituent_name: str | None
    link_status: str
    link_score: float
    queries: list[str] = []


@dataclass
class MentionFilter:
    """Stream filters; empty values do not filter."""

    query_id: int | None = None
    source_id: int | None = None
    sentiment: str = ""
    linked: str = ""  # "" | yes | no | probable
    search: str = ""
    constituent_id: int | None = None
    since: datetime | None = None


SELECT = (
    "SELECT m.*, s.name AS source_name, c.display_name AS constituent_name, "
    f"{EFFECTIVE} AS label FROM social_mention m JOIN social_source s ON s.id = m.source_id "
    "LEFT JOIN core_constituent c ON c.id = m.constituent_id"
)


def _where(f: MentionFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if f.query_id:
        clauses.append(
            "EXISTS (SELECT 1 FROM social_mention_match mm WHERE mm.mention_id = m.id "
            "AND mm.query_id = {})"
        )
        args.append(f.query_id)
    if f.source_id:
        clauses.append("m.source_id = {}")
        args.append(f.source_id)
    if f.sentiment:
        if f.sentiment not in LABELS:
            raise InvalidInputError({"sentiment": f"must be one of {', '.join(LABELS)}"})
        clauses.append(f"{EFFECTIVE} = {{}}")
        args.append(f.sentiment)
    if f.linked == "yes":
        clauses.append("m.link_status IN ('auto', 'confirmed')")
    elif f.linked == "no":
        clauses.append("m.link_status NOT IN ('auto', 'confirmed')")
    elif f.linked == "probable":
        clauses.append("m.link_status = 'probable'")
    elif f.linked:
        raise InvalidInputError({"linked": "must be yes, no or probable"})
    if f.search:
        clauses.append("(LOWER(m.text) LIKE {} OR LOWER(m.author_name) LIKE {})")
        pattern = "%" + f.search.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        args += [pattern, pattern]
    if f.constituent_id:
        clauses.append("m.constituent_id = {} AND m.link_status IN ('auto', 'confirmed')")
        args.append(f.constituent_id)
    if f.since:
        clauses.append("m.posted_at >= {}")
        args.append(f.since)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


async def _query_names(ids: list[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    marks = ", ".join("{}" for _ in ids)
    rows = await db.fetch_all(
        "SELECT mm.mention_id, q.name FROM social_mention_match mm JOIN social_query q "
        f"ON q.id = mm.query_id WHERE mm.mention_id IN ({marks}) ORDER BY q.name",
        *ids,
    )
    names: dict[int, list[str]] = {}
    for row in rows:
        names.setdefault(int(row["mention_id"]), []).append(row["name"])
    return names


def _out(row: dict[str, Any], queries: list[str]) -> MentionOut:
    return MentionOut(
        id=row["id"],
        source_id=row["source_id"],
        source_name=row["source_name"],
        external_id=row["external_id"],
        url=row["url"],
        author_name=row["author_name"] or "",
        author_handle=row["author_handle"] or "",
        author_id=row["author_id"] or "",
        platform=row["platform"] or "",
        text=row["text"] or "",
        posted_at=instant(row["posted_at"]) or utc_now(),
        language=row["language"] or "",
        sentiment_score=float(row["sentiment_score"] or 0),
        sentiment_label=row["sentiment_label"],
        corrected_label=row["corrected_label"],
        corrected_at=instant(row["corrected_at"]),
        label=row["label"],
        constituent_id=row["constituent_id"],
        constituent_name=row["constituent_name"],
        link_status=row["link_status"],
        link_score=float(row["link_score"] or 0),
        queries=queries,
    )


async def list_mentions(
    f: MentionFilter, page: int = 1, per_page: int = 25
) -> tuple[list[MentionOut], int]:
    """One page of mentions, newest first, and the total matching the filters."""
    offset = offset_of(page, per_page)
    where, args = _where(f)
    total = await db.fetch_value(f"SELECT COUNT(*) FROM social_mention m{where}", *args)
    rows = await db.fetch_all(
        f"{SELECT}{where} ORDER BY m.posted_at DESC, m.id DESC LIMIT {{}} OFFSET {{}}",
        *args,
        per_page,
        offset,
    )
    names = await _query_names([int(r["id"]) for r in rows])
    return [_out(r, names.get(int(r["id"]), [])) for r in rows], as_int(total)


async def get_mention(mention_id: int) -> MentionOut:
    """One mention; NotFoundError when missing."""
    row = await db.fetch_one(f"{SELECT} WHERE m.id = {{}}", mention_id)
    if row is None:
        raise NotFoundError(f"mention {mention_id} not found")
    names = await _query_names([mention_id])
    return _out(row, names.get(mention_id, []))


async def correct_sentiment(mention_id: int, label: str | None) -> MentionOut:
    """Set (or with None, clear) the staff correction of a mention's sentiment."""
    if label is not None and label not in LABELS:
        raise InvalidInputError({"label": f"must be one of {', '.join(LABELS)}"})
    before = await get_mention(mention_id)
    actor = current_actor()
    user_id = actor.id if actor.kind == "user" else None
    async with unit_of_work():
        await db.execute(
            "UPDATE social_mention SET corrected_label = {}, corrected_by = {}, "
            "corrected_at = {} WHERE id = {}",
            label,
            user_id if label else None,
            utc_now() if label else None,
            mention_id,
        )
        await audit.record_change(
            "correct_sentiment",
            "social_mention",
            mention_id,
            before={"label": before.label, "corrected_label": before.corrected_label},
            after={"corrected_label": label},
            constituent_id=before.constituent_id,
        )
    return await get_mention(mention_id)


async def daily_counts(days: int = 30) -> list[dict[str, Any]]:
    """Per organisation-local day: mentions and how many were positive/negative."""
    since = utc_now() - timedelta(days=days)
    rows = await db.fetch_all(
        f"SELECT m.posted_at, {EFFECTIVE} AS label FROM social_mention m "
        "WHERE m.posted_at >= {} ORDER BY m.posted_at",
        since,
    )
    zone = org().zone
    today = utc_now().astimezone(zone).date()
    buckets = {
        today - timedelta(days=n): {"positive": 0, "neutral": 0, "negative": 0} for n in range(days)
    }
    for row in rows:
        day = (instant(row["posted_at"]) or utc_now()).astimezone(zone).date()
        if day in buckets:
            buckets[day][row["label"]] = buckets[day].get(row["label"], 0) + 1
    return [{"day": day, "total": sum(v.values()), **v} for day, v in sorted(buckets.items())]


async def top_authors(days: int = 30, limit: int = 10) -> list[dict[str, Any]]:
    """Authors with the most mentions in the period."""
    return await db.fetch_all(
        "SELECT author_handle, MAX(author_name) AS author_name, COUNT(*) AS mentions "
        "FROM social_mention WHERE posted_at >= {} AND author_handle <> '' "
        "GROUP BY author_handle ORDER BY COUNT(*) DESC, author_handle LIMIT {}",
        utc_now() - timedelta(days=days),
        limit,
    )


async def terms(days: int = 30, limit: int = 15) -> list[tuple[str, int]]:
    """Top terms of the period's mentions (latest 2,000)."""
    rows = await db.fetch_all(
        "SELECT text FROM social_mention WHERE posted_at >= {} ORDER BY posted_at DESC LIMIT 2000",
        utc_now() - timedelta(days=days),
    )
    return top_terms([r["text"] or "" for r in rows], limit)


async def summary(days: int = 7) -> dict[str, int]:
    """Mentions in the last ``days`` days by effective label, plus links waiting for review."""
    rows = await db.fetch_all(
        f"SELECT {EFFECTIVE} AS label, COUNT(*) AS n FROM social_mention m "
        "WHERE m.posted_at >= {} GROUP BY " + EFFECTIVE,
        utc_now() - timedelta(days=days),
    )
    counts = dict.fromkeys(LABELS, 0)
    for row in rows:
        counts[row["label"]] = as_int(row["n"])
    counts["total"] = sum(counts[label] for label in LABELS)
    counts["review"] = as_int(
        await db.fetch_value("SELECT COUNT(*) FROM social_mention WHERE link_status = 'probable'")
    )
    return counts


__all__ = ["LINK_STATUSES", "MentionFilter", "MentionOut"]

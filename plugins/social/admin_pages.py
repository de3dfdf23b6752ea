"""Listening pages: dashboard, mention stream (and CSV), mention detail, review queue."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import BaseModel, Field

from admin import render_admin_page, validate_form
from admin.charts import bar_chart
from core.errors import InvalidInputError, NotFoundError
from core.i18n import format_date
from core.i18n import gettext as _
from core.web.pages import redirect_with_flash
from plugins.social import linking, mentions, queries, source_store, spikes
from plugins.social.admin_common import (
    BASE,
    PER_PAGE,
    READ,
    WRITE,
    Pager,
    health_labels,
    link_labels,
    linked_choices,
    query_string,
    sentiment_labels,
)
from plugins.social.common import MAX_ID

CSV_LIMIT = 10_000
CSV_PAGE = 100


class StreamFilters(BaseModel):
    """The stream's filters as typed in the query string."""

    query_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    source_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    sentiment: str = Field(default="", pattern=r"^(positive|neutral|negative)?$")
    linked: str = Field(default="", pattern=r"^(yes|no|probable)?$")
    q: str = Field(default="", max_length=200)
    constituent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    page: int = Field(default=1, ge=1, le=100_000)


FILTER_FIELDS = tuple(StreamFilters.model_fields)


def _filter(f: StreamFilters) -> mentions.MentionFilter:
    return mentions.MentionFilter(
        query_id=f.query_id,
        source_id=f.source_id,
        sentiment=f.sentiment,
        linked=f.linked,
        search=f.q.strip(),
        constituent_id=f.constituent_id,
    )


@get("/", include_in_schema=False, opt=READ)
async def dashboard(request: Request[Any, Any, Any]) -> Response[str]:
    """Volume over time, sentiment trend, top authors and terms, source health, alerts."""
    days = await mentions.daily_counts(30)
    labels = [format_date(d["day"], "short") for d in days]
    authors = await mentions.top_authors(30)
    terms = await mentions.terms(30)
    context = {
        "counts": await mentions.summary(7),
        "volume": bar_chart(_("Mentions per day"), labels, [d["total"] for d in days]),
        "trend": bar_chart(
            _("Positive minus negative mentions per day"),
            labels,
            [d["positive"] - d["negative"] for d in days],
        ),
        "authors_chart": bar_chart(
            _("Top authors"),
            [a["author_handle"] for a in authors],
            [int(a["mentions"]) for a in authors],
        ),
        "terms_chart": bar_chart(_("Top terms"), [t for t, _n in terms], [n for _t, n in terms]),
        "days": days,
        "authors": authors,
        "terms": terms,
        "sources": await source_store.list_sources(),
        "alerts": await spikes.recent_alerts(30),
        "unknown": await linking.frequent_unknown_authors(),
        "health_labels": health_labels(),
    }
    return await render_admin_page(request, "social/admin/dashboard.html", context)


async def _stream(
    request: Request[Any, Any, Any],
) -> tuple[dict[str, Any], StreamFilters | None, dict[str, str]]:
    values = {k: (request.query_params.get(k) or "") for k in FILTER_FIELDS}
    filters, errors = validate_form(StreamFilters, {k: v for k, v in values.items() if v})
    return values, filters, errors


@get("/mentions", include_in_schema=False, opt=READ)
async def stream(request: Request[Any, Any, Any]) -> Response[str]:
    """Mentions filtered by query, source, sentiment, link state and words, newest first."""
    values, filters, errors = await _stream(request)
    found: list[mentions.MentionOut] = []
    total = 0
    page = filters.page if filters else 1
    if filters is not None:
        found, total = await mentions.list_mentions(_filter(filters), page, PER_PAGE)
    query = query_string(values)
    context = {
        "values": values,
        "errors": errors,
        "found": found,
        "total": total,
        "pager": Pager.of(page, PER_PAGE, total),
        "base_url": f"{BASE}/mentions?{query}&" if query else f"{BASE}/mentions?",
        "csv_url": f"{BASE}/mentions.csv?{query}",
        "queries": [(q.id, q.name) for q in await queries.list_queries()],
        "sources": [(s.id, s.name) for s in await source_store.list_sources()],
        "sentiments": list(sentiment_labels().items()),
        "linked": linked_choices(),
        "sentiment_labels": sentiment_labels(),
        "link_labels": link_labels(),
    }
    return await render_admin_page(
        request, "social/admin/mentions.html", context, status_code=422 if errors else 200
    )


@get("/mentions.csv", include_in_schema=False, opt=READ)
async def stream_csv(request: Request[Any, Any, Any]) -> Response[str]:
    """The filtered stream as CSV (up to 10,000 rows)."""
    _values, filters, errors = await _stream(request)
    if filters is None:
        raise InvalidInputError(errors)
    found, _total = await mentions.list_mentions(_filter(filters), 1, CSV_PAGE)
    rows = list(found)
    page = 2
    while len(found) == CSV_PAGE and len(rows) < CSV_LIMIT:
        found, _total = await mentions.list_mentions(_filter(filters), page, CSV_PAGE)
        rows += found
        page += 1
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["id", "posted_at", "source", "platform", "author_name", "author_handle", "url",
         "language", "sentiment", "corrected", "constituent_id", "link_status", "text"]
    )  # fmt: skip
    for m in rows[:CSV_LIMIT]:
        writer.writerow(
            [m.id, m.posted_at.isoformat(), m.source_name, m.platform, _cell(m.author_name),
             _cell(m.author_handle), m.url or "", m.language, m.sentiment_label,
             m.corrected_label or "", m.constituent_id or "", m.link_status, _cell(m.text)]
        )  # fmt: skip
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="mentions.csv"'},
    )


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in untrusted text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@get("/mentions/{mention_id:int}", include_in_schema=False, opt=READ)
async def detail(request: Request[Any, Any, Any], mention_id: FromPath[int]) -> Response[str]:
    """One mention: text, author, sentiment (with correction) and link."""
    mention = await mentions.get_mention(mention_id)
    context = {
        "mention": mention,
        "sentiments": list(sentiment_labels().items()),
        "sentiment_labels": sentiment_labels(),
        "link_labels": link_labels(),
        "values": {"label": mention.corrected_label or "", "constituent_id": ""},
        "errors": {},
    }
    return await render_admin_page(request, "social/admin/mention.html", context)


class CorrectionForm(BaseModel):
    """The sentiment correction form (empty: clear the correction)."""

    label: str = Field(default="", pattern=r"^(positive|neutral|negative)?$")


@post("/mentions/{mention_id:int}/sentiment", include_in_schema=False, opt=WRITE)
async def correct(request: Request[Any, Any, Any], mention_id: FromPath[int]) -> Response[Any]:
    """Keep a staff correction of the sentiment."""
    form = await request.form()
    data, _errors = validate_form(CorrectionForm, {"label": form.get("label", "")})
    if data is None:
        return redirect_with_flash(
            f"{BASE}/mentions/{mention_id}", _("Choose a sentiment."), "error"
        )
    await mentions.correct_sentiment(mention_id, data.label or None)
    return redirect_with_flash(f"{BASE}/mentions/{mention_id}", _("Sentiment saved."))


def _back(next_page: Any, mention_id: int) -> str:
    """Where to go after a link action: the review queue if it asked, else the mention."""
    review_page = f"{BASE}/review"
    return review_page if next_page == review_page else f"{BASE}/mentions/{mention_id}"


class LinkForm(BaseModel):
    """Link to a constituent by contact number (empty: confirm the proposed one)."""

    constituent_id: int | None = Field(default=None, ge=1, le=MAX_ID)


@post("/mentions/{mention_id:int}/link", include_in_schema=False, opt=WRITE)
async def link(request: Request[Any, Any, Any], mention_id: FromPath[int]) -> Response[Any]:
    """Confirm the proposed constituent or link to the one entered."""
    form = await request.form()
    raw = {"constituent_id": form.get("constituent_id") or None}
    data, _errors = validate_form(LinkForm, {k: v for k, v in raw.items() if v})
    back = _back(form.get("next"), mention_id)
    if data is None:
        return redirect_with_flash(back, _("Enter a valid contact number."), "error")
    try:
        await linking.confirm_link(mention_id, data.constituent_id)
    except (InvalidInputError, NotFoundError):
        return redirect_with_flash(
            back, _("Enter the contact number of an existing constituent."), "error"
        )
    return redirect_with_flash(back, _("Mention linked."))


@post("/mentions/{mention_id:int}/reject", include_in_schema=False, opt=WRITE)
async def reject(request: Request[Any, Any, Any], mention_id: FromPath[int]) -> Response[Any]:
    """Reject the proposed or current link."""
    form = await request.form()
    back = _back(form.get("next"), mention_id)
    await linking.reject_link(mention_id)
    return redirect_with_flash(back, _("Link rejected."))


@get("/review", include_in_schema=False, opt=READ)
async def review(request: Request[Any, Any, Any]) -> Response[str]:
    """Probable matches waiting for staff to confirm or reject."""
    page = request.query_params.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1
    rows = await linking.review_queue(PER_PAGE + 1, (number - 1) * PER_PAGE)
    context = {
        "rows": rows[:PER_PAGE],
        "pager": Pager(number, number > 1, len(rows) > PER_PAGE),
        "base_url": f"{BASE}/review?",
    }
    return await render_admin_page(request, "social/admin/review.html", context)


@post("/authors/prospect", include_in_schema=False, opt=WRITE)
async def add_prospect(request: Request[Any, Any, Any]) -> Response[Any]:
    """Add a frequent unknown author as a prospect in one action."""
    form = await request.form()
    platform = str(form.get("platform") or "")[:40]
    handle = str(form.get("author_handle") or "")[:300]
    try:
        constituent_id = await linking.add_author_as_prospect(platform, handle)
    except (NotFoundError, InvalidInputError):
        return redirect_with_flash(f"{BASE}/", _("That author has no mentions."), "error")
    return redirect_with_flash(
        f"/admin/constituents/{constituent_id}", _("Prospect added and mentions linked.")
    )


@post("/alerts/{alert_id:int}/acknowledge", include_in_schema=False, opt=WRITE)
async def acknowledge_alert(alert_id: FromPath[int]) -> Response[Any]:
    """Mark a spike alert as seen."""
    await spikes.acknowledge(alert_id)
    return redirect_with_flash(f"{BASE}/", _("Alert acknowledged."))


ROUTES: list[Any] = [
    dashboard, stream, stream_csv, detail, correct, link, reject, review, add_prospect,
    acknowledge_alert,
]  # fmt: skip

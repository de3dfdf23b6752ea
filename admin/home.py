"""The dashboard and the global search box."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import QueryParameter
from markupsafe import Markup

from admin.rendering import registry_of, render_admin_page
from core.auth.principal import require_principal
from core.errors import InvalidInputError
from core.plugins.types import DashboardCard
from core.search.fuzzy import SimilarHit, similar_constituents
from core.search.service import search_constituents
from core.ui import dashboard_cards
from core.web.pages import jinja_env

SEARCH_PREVIEW_LIMIT = 8
SEARCH_PAGE_LIMIT = 50
SUGGESTION_LIMIT = 5


def render_fragment(request: Request[Any, Any, Any], template: str, context: Any) -> Markup:
    """A plugin template rendered with its own context (for cards and panels)."""
    html = jinja_env(request).get_template(template).render({"request": request, **context})
    return Markup(html)  # noqa: S704 - output of an autoescaping template


def rendered_cards(
    request: Request[Any, Any, Any], cards: list[DashboardCard]
) -> list[tuple[DashboardCard, Markup]]:
    """Each card with its template rendered."""
    return [(card, render_fragment(request, card.template, dict(card.context))) for card in cards]


@get("/", include_in_schema=False)
async def dashboard(request: Request[Any, Any, Any]) -> Response[str]:
    """Cards from core and every enabled plugin, in their declared order."""
    principal = require_principal(request)
    cards = await dashboard_cards(registry_of(request), principal.user_id)
    return await render_admin_page(
        request, "admin/dashboard.html", {"cards": rendered_cards(request, cards)}
    )


@get("/search", include_in_schema=False, opt={"permission": "constituents.read"})
async def search(
    request: Request[Any, Any, Any],
    q: Annotated[str, QueryParameter(max_length=200)] = "",
) -> Response[str]:
    """Instant results under the search box (htmx), or a full results page."""
    htmx = request.headers.get("HX-Request") == "true"
    limit = SEARCH_PREVIEW_LIMIT if htmx else SEARCH_PAGE_LIMIT
    hits: list[Any] = []
    has_more = False
    if q.strip():
        try:
            results = await search_constituents(q, limit=limit)
            hits, has_more = list(results.items), results.has_more
        except InvalidInputError:
            hits = []
    suggestions = await did_you_mean(q) if q.strip() and not hits else []
    template = "admin/search_results.html" if htmx else "admin/search.html"
    context = {"q": q, "hits": hits, "has_more": has_more, "suggestions": suggestions}
    return await render_admin_page(request, template, context)


async def did_you_mean(q: str) -> list[SimilarHit]:
    """Names a typo away from ``q``, offered when the search finds nothing."""
    try:
        return await similar_constituents(q, limit=SUGGESTION_LIMIT)
    except InvalidInputError:
        return []  # no word long enough to guess from


ROUTES = [dashboard, search]

"""``GET /api/v1/search/constituents``: the search box of the admin UI and of integrations."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from core.search.query import MAX_QUERY_LENGTH
from core.search.schemas import SearchHitOut, SearchResultsOut
from core.search.service import MAX_LIMIT, MAX_OFFSET, search_constituents


@get("/search/constituents", opt={"permission": "constituents.read"})
async def search_constituents_endpoint(
    q: Annotated[str, QueryParameter(min_length=1, max_length=MAX_QUERY_LENGTH)],
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    include_deleted: Annotated[bool, QueryParameter()] = False,
) -> SearchResultsOut:
    """Constituents matching ``q`` by name, email, phone, postcode or tag, best first."""
    results = await search_constituents(
        q, limit=limit, offset=offset, include_deleted=include_deleted
    )
    return SearchResultsOut(
        query=results.query,
        items=[SearchHitOut(**asdict(hit)) for hit in results.items],
        limit=results.limit,
        offset=results.offset,
        has_more=results.has_more,
    )

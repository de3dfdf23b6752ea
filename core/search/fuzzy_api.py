"""``GET /api/v1/search/constituents/similar``: names close to a misspelt query."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from litestar import get
from litestar.params import QueryParameter
from pydantic import BaseModel, Field

from core.search.fuzzy import CANDIDATE_CAP, MAX_LIMIT, similar_constituents
from core.search.query import MAX_QUERY_LENGTH
from core.search.schemas import SearchHitOut


class SimilarHitOut(SearchHitOut):
    """A constituent whose name is close to the query (``match`` is ``similar_name``)."""

    similarity: float = Field(ge=0.0, le=1.0, description="1.0 is the same name")


class SimilarResultsOut(BaseModel):
    """Constituents with names like the query, most similar first."""

    query: str
    items: list[SimilarHitOut]
    limit: int


DESCRIPTION = (
    'Constituents whose name is a typo or so away from `q` ("Jonh Smiht" finds John Smith), '
    'most similar first: for "did you mean" when the search finds nothing, and to spot '
    "likely duplicates. The two longest words of `q` (of three letters or more) must each "
    "be one dropped, doubled, swapped or replaced letter from a word of the constituent's "
    "name; further words only count in the ranking, and accents, case and word order do "
    "not matter. At most "
    f"{CANDIDATE_CAP:,} candidates are read from the index and scored; `similarity` runs "
    "from 0 to 1. A query without such a word, or with an `@`, is a 422."
)


@get(
    "/search/constituents/similar",
    opt={"permission": "constituents.read"},
    summary="Constituents with names similar to a misspelt query",
    description=DESCRIPTION,
)
async def similar_constituents_endpoint(
    q: Annotated[
        str,
        QueryParameter(min_length=1, max_length=MAX_QUERY_LENGTH, description="the name as typed"),
    ],
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="hits at most")] = 10,
    include_deleted: Annotated[
        bool, QueryParameter(description="also search deleted constituents")
    ] = False,
) -> SimilarResultsOut:
    """Constituents whose name is a typo or so away from ``q``; see :data:`DESCRIPTION`."""
    hits = await similar_constituents(q, limit=limit, include_deleted=include_deleted)
    return SimilarResultsOut(
        query=q, items=[SimilarHitOut(**asdict(hit)) for hit in hits], limit=limit
    )

"""Response bodies of the search API."""

from __future__ import annotations

from pydantic import BaseModel


class SearchHitOut(BaseModel):
    """A constituent found by a search, with the kind of match that found it."""

    id: int
    display_name: str
    kind: str
    primary_email: str | None
    primary_phone: str | None
    primary_postcode: str | None
    match: str
    deleted: bool


class SearchResultsOut(BaseModel):
    """One page of search results, best first."""

    query: str
    items: list[SearchHitOut]
    limit: int
    offset: int
    has_more: bool

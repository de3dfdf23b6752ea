"""What the ``m.pager`` macro needs from a page of results, and the links it builds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from core.pagination import Page


@dataclass(frozen=True)
class PagerView:
    """What the ``m.pager`` macro reads from a page."""

    number: int
    has_previous: bool
    has_next: bool
    total: int


def pager_of(page: Page[Any]) -> PagerView:
    """The pager's view of a page of results."""
    return PagerView(
        number=page.page,
        has_previous=page.page > 1,
        has_next=page.page * page.per_page < page.total,
        total=page.total,
    )


def base_url(path: str, filters: dict[str, Any]) -> str:
    """``path?filters&`` (ready for ``page=N``) keeping only the filters that are set."""
    kept = {k: v for k, v in filters.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}&" if kept else f"{path}?"

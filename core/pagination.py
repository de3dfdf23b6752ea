"""Pages of lists: the one ``Page`` type and the page/per-page rules every list follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.errors import InvalidInputError

T = TypeVar("T")
MAX_PER_PAGE = 200
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the number of rows matching its filters."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int


def offset_of(page: int, per_page: int) -> int:
    """The row offset of a 1-based page; InvalidInputError naming each bad value."""
    errors: dict[str, str] = {}
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = f"must be between 1 and {MAX_PAGE}"
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors["per_page"] = f"must be between 1 and {MAX_PER_PAGE}"
    if errors:
        raise InvalidInputError(errors)
    return (page - 1) * per_page


def page_window(page: int, per_page: int) -> tuple[int, int]:
    """``(limit, offset)`` for a 1-based page."""
    return per_page, offset_of(page, per_page)

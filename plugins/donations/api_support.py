"""Shared pieces of the donations API: permissions, parameters, page envelopes."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from litestar.params import PathParameter, QueryParameter
from pydantic import BaseModel

from core.constituents.api_support import Page, PerPage, PreciseJSONRequest
from plugins.donations.common import MAX_ID

READ = {"permission": "donations.read"}
WRITE = {"permission": "donations.write"}
MANAGE = {"permission": "donations.manage"}
TAGS = ["Donations"]

Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
Year = Annotated[int, QueryParameter(ge=1900, le=2200, description="a fiscal year")]
Currency = Annotated[
    str | None, QueryParameter(min_length=3, max_length=3, description="ISO 4217; default: org")
]

T = TypeVar("T")


class ItemPage(BaseModel, Generic[T]):
    """A page of a list: ``items``, ``total``, ``page`` and ``per_page``."""

    items: list[T]
    total: int
    page: int
    per_page: int


__all__ = [
    "MANAGE",
    "READ",
    "TAGS",
    "WRITE",
    "Currency",
    "Id",
    "ItemPage",
    "OptionalId",
    "Page",
    "PerPage",
    "PreciseJSONRequest",
    "Year",
]

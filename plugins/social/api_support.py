"""Shared pieces of the social API: permissions, parameters, page envelopes."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from litestar.params import PathParameter, QueryParameter
from pydantic import BaseModel

from core.constituents.api_support import Page, PerPage
from plugins.social.common import MAX_ID

READ = {"permission": "social.read"}
WRITE = {"permission": "social.write"}
TAGS = ["Social listening"]

Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]

T = TypeVar("T")


class ItemPage(BaseModel, Generic[T]):
    """A page of a list: ``items``, ``total``, ``page`` and ``per_page``."""

    items: list[T]
    total: int
    page: int
    per_page: int


__all__ = ["READ", "TAGS", "WRITE", "Id", "ItemPage", "OptionalId", "Page", "PerPage"]

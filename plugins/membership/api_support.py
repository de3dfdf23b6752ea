"""Shared pieces of the membership API: permissions, parameters, page envelope."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from litestar.params import PathParameter
from pydantic import BaseModel

from plugins.membership.models import MAX_ID

READ = {"permission": "membership.read"}
WRITE = {"permission": "membership.write"}
TAGS = ["Membership"]

Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]

T = TypeVar("T")


class ItemPage(BaseModel, Generic[T]):
    """A page of a list: ``items``, ``total``, ``page`` and ``per_page``."""

    items: list[T]
    total: int
    page: int
    per_page: int

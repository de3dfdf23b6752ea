"""Shared pieces of the constituents API: exact JSON numbers, path and paging parameters.

Litestar decodes JSON with msgspec, which turns away ``1e999999`` or a million-digit integer
with a bare 400 before any model sees the field. :class:`PreciseJSONRequest` decodes bodies
with exact decimals instead, so such values reach validation and come back as a 422 naming
the field. Integer inputs are ``WholeNumber`` in the schemas, so an enormous decimal is refused
without ever being converted to ``int``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

from litestar import Request
from litestar.exceptions import ClientException
from litestar.params import PathParameter, QueryParameter

from core.constituents.schemas import MAX_ID
from core.pagination import MAX_PAGE, MAX_PER_PAGE

# Python refuses to turn longer digit strings into int; keep those as (exact) decimals.
MAX_INT_DIGITS = 4000


def _parse_int(text: str) -> int | Decimal:
    return int(text) if len(text) <= MAX_INT_DIGITS else Decimal(text)


def decode_precise_json(body: bytes) -> Any:
    """Decode JSON keeping fractional numbers as :class:`Decimal` (``NaN`` stays a float)."""
    try:
        return json.loads(body, parse_float=Decimal, parse_int=_parse_int)
    except (ValueError, RecursionError) as exc:
        raise ClientException(f"The request body is not valid JSON: {exc}") from exc


class PreciseJSONRequest(Request[Any, Any, Any]):
    """A request whose JSON body keeps numbers exact (see the module docstring)."""

    async def json(self) -> Any:
        """The body decoded by :func:`decode_precise_json`."""
        return decode_precise_json(await self.body() or b"null")


Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
Page = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="1-based page number")]
PerPage = Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE, description="items per page")]

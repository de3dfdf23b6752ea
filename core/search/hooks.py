"""Hook implementations of the internal ``search`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.hookimpl import hookimpl
from core.search import api, fuzzy_api


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """``GET /api/v1/search/constituents`` and ``…/constituents/similar``."""
    return [api.search_constituents_endpoint, fuzzy_api.similar_constituents_endpoint]

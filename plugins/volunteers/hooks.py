"""Hook implementations of the ``volunteers`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core import hookimpl
from plugins.volunteers import api


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """This module's API endpoints."""
    return [api.module_info]

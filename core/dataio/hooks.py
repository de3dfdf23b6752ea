"""Hook implementations of the internal ``dataio`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from core.dataio import api, cli
from core.hookimpl import hookimpl
from core.plugins.types import EventType


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events about bulk imports."""
    return [EventType("import.completed", "A constituent import finished", order=60)]


@hookimpl
def steward_cli_commands() -> Sequence[click.Command]:
    """``steward import ...`` and ``steward export ...``."""
    return [cli.import_group, cli.export_group]


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """``GET /api/v1/exports/constituents.csv`` (``data.export``, declared by constituents)."""
    return [api.export_constituents_csv]

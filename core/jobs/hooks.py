"""Hook implementations of the internal ``jobs`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from core.hookimpl import hookimpl
from core.jobs import api, cli, embedded
from core.plugins.types import EventType, Permission
from core.settings import Settings


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Seeing background jobs and retrying failed ones."""
    return [
        Permission(
            "jobs.manage", "Manage background jobs", "See jobs and retry failed ones", order=40
        )
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events about background jobs."""
    return [
        EventType("job.failed", "A background job used up its attempts and is dead", order=40),
        EventType("job.retried", "Staff sent a failed or dead job back to the queue", order=41),
    ]


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """The jobs endpoints, under ``/api/v1``."""
    return list(api.ROUTES)


@hookimpl
def steward_cli_commands() -> Sequence[click.Command]:
    """``steward worker``."""
    return [cli.worker]


@hookimpl
async def steward_startup(settings: Settings) -> None:
    """Start the embedded worker when the settings want one (by default on SQLite)."""
    await embedded.start(settings)


@hookimpl
async def steward_shutdown(settings: Settings) -> None:
    """Stop the embedded worker, letting its current job finish."""
    del settings
    await embedded.stop()

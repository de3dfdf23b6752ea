"""Hook implementations of the ``social`` plugin: it joins core through hooks only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core import (
    EventType,
    InteractionType,
    JobSpec,
    Permission,
    hookimpl,
)
from core.settings import Settings
from plugins.social import api, polling
from plugins.social.common import config
from plugins.social.linking import INTERACTION_TYPE, MentionInteraction
from plugins.social.sources import builtin

EVENTS = {
    "social.mention_linked": "A social mention was linked to a constituent",
    "social.spike_detected": "Mentions or negative share jumped above the baseline",
}


@hookimpl
def steward_configure(settings: Settings) -> None:
    """The built-in source kinds register on import; other plugins add theirs the same way."""
    assert builtin.BUILTIN


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """``/api/v1/social/...``."""
    return [api.module_info]


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Reading mentions, and managing sources, queries and links."""
    return [
        Permission(
            "social.read", "See social mentions, sources and listening dashboards", order=600
        ),
        Permission(
            "social.write",
            "Manage sources and queries, correct sentiment, link mentions",
            order=601,
        ),
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events this plugin emits."""
    return [EventType(name, text, order=600) for name, text in EVENTS.items()]


@hookimpl
def steward_interaction_types() -> Sequence[InteractionType]:
    """A linked mention shows on its author's timeline."""
    return [
        InteractionType(
            key=INTERACTION_TYPE,
            label="Social mention",
            payload=MentionInteraction,
            default_channel="social",
            order=600,
        )
    ]


@hookimpl
def steward_template_dirs() -> Sequence[Path]:
    """This plugin's templates (``templates/social/...``)."""
    return [Path(__file__).parent / "templates"]


@hookimpl
def steward_jobs() -> Sequence[JobSpec]:
    """The poll dispatcher (periodic) and one poll per due source."""
    return [
        JobSpec(
            name="social.dispatch_polls",
            handler=polling.dispatch_polls,
            every_seconds=config().dispatch_every_seconds,
        ),
        JobSpec(name="social.poll_source", handler=polling.poll_source_job, max_attempts=3),
    ]

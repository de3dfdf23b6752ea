"""Hook implementations of the internal ``interactions`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.hookimpl import hookimpl
from core.interactions import api, privacy
from core.interactions.catalog import interaction_types
from core.interactions.core_types import CORE_TYPES, core_renderers
from core.plugins.types import (
    ErasureReport,
    EventType,
    ExportSection,
    InteractionType,
    Permission,
    TimelineRenderer,
)
from core.settings import Settings


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Reading and writing timelines and follow-ups."""
    return [
        Permission("interactions.read", "See interactions and follow-ups", order=40),
        Permission(
            "interactions.write",
            "Record and change interactions and follow-ups",
            order=41,
        ),
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events about interactions and their follow-ups."""
    return [
        EventType("interaction.recorded", "An interaction was recorded", order=40),
        EventType("interaction.updated", "An interaction was changed", order=41),
        EventType("interaction.deleted", "An interaction was removed", order=42),
        EventType("follow_up.opened", "A follow-up was opened (or re-opened)", order=43),
        EventType("follow_up.completed", "A follow-up was done", order=44),
        EventType("follow_up.cancelled", "A follow-up was cancelled", order=45),
    ]


@hookimpl
def steward_interaction_types() -> Sequence[InteractionType]:
    """Core's own types: note, call, email, meeting, letter, text message and task."""
    return list(CORE_TYPES)


@hookimpl
async def steward_startup(settings: Settings) -> None:
    """Check every plugin's interaction types once at start-up, so a bad declaration is
    reported (and logged by core) before the first request needs the catalogue."""
    del settings
    await interaction_types()


@hookimpl
def steward_timeline_renderers() -> Sequence[TimelineRenderer]:
    """Templates for core's types (``interactions/<name>.html``)."""
    return core_renderers()


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """Timelines, interactions, follow-ups and the interaction-type catalogue."""
    return list(api.ROUTES)


@hookimpl
async def steward_personal_data_export(constituent_id: int) -> ExportSection:
    """Every interaction about the constituent (deleted ones included)."""
    return await privacy.export_interactions(constituent_id)


@hookimpl
async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
    """Blank the content of the constituent's interactions; the bare rows are kept."""
    return await privacy.erase_interactions(constituent_id)


@hookimpl
async def steward_constituent_merge(survivor_id: int, merged_id: int) -> None:
    """Move the merged constituent's interactions to the survivor."""
    await privacy.merge_interactions(survivor_id, merged_id)

"""Hook implementations of the ``volunteers`` plugin: it joins core through hooks only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core import (
    EventType,
    InteractionType,
    Permission,
    hookimpl,
)
from plugins.volunteers import api

EVENTS = {
    "volunteers.opportunity_changed": "A volunteer opportunity was created or changed",
    "volunteers.shift_changed": "A volunteer shift was created or changed",
    "volunteers.shift_cancelled": "A volunteer shift was cancelled",
    "volunteers.signed_up": "Someone signed up to a shift or joined its waitlist",
    "volunteers.promoted": "Someone moved from a waitlist onto a shift",
    "volunteers.signup_cancelled": "A shift sign-up was cancelled",
    "volunteers.signup_status": "A sign-up was confirmed or marked attended or no-show",
    "volunteers.checked_in": "A volunteer checked in or out",
    "volunteers.hours_recorded": "Volunteer hours were recorded",
    "volunteers.hours_decided": "Volunteer hours were approved or rejected",
}


class ShiftInteraction(BaseModel):
    """Payload of a ``volunteers.shift`` timeline interaction."""

    model_config = ConfigDict(extra="forbid")
    shift_id: int
    signup_id: int
    title: str = Field(max_length=200)


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """``/api/v1/volunteers/...``."""
    return [api.module_info]


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Reading volunteer data, and changing it (coordinators)."""
    return [
        Permission("volunteers.read", "See opportunities, shifts, volunteers and hours", order=500),
        Permission(
            "volunteers.write", "Manage shifts, sign-ups, check-in and approve hours", order=501
        ),
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events this plugin emits."""
    return [EventType(name, text, order=500) for name, text in EVENTS.items()]


@hookimpl
def steward_interaction_types() -> Sequence[InteractionType]:
    """A shift sign-up shows on the volunteer's timeline."""
    return [
        InteractionType(
            key="volunteers.shift",
            label="Volunteer shift",
            payload=ShiftInteraction,
            default_channel="other",
            order=500,
        )
    ]


@hookimpl
def steward_template_dirs() -> Sequence[Path]:
    """This plugin's templates (``templates/volunteers/...``)."""
    return [Path(__file__).parent / "templates"]

"""Core's own interaction types and their payload models (declared in ``hooks.py``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.plugins.types import InteractionType, TimelineRenderer

ShortText = Annotated[str, Field(max_length=200)]


class NotePayload(BaseModel):
    """A note carries its text in ``subject`` and ``body``; the payload stays empty."""

    model_config = ConfigDict(extra="forbid")


class CallPayload(BaseModel):
    """A phone call: how long, to which number, and how it went."""

    model_config = ConfigDict(extra="forbid")

    duration_seconds: int | None = Field(default=None, ge=0, le=86_400)
    phone_number: str | None = Field(default=None, max_length=40)
    outcome: Literal["connected", "voicemail", "no_answer", "busy", "wrong_number"] | None = None


class EmailPayload(BaseModel):
    """An email sent or received outside the system (logged by staff or a mail plugin)."""

    model_config = ConfigDict(extra="forbid")

    message_id: str | None = Field(default=None, max_length=300)
    addresses: list[Annotated[str, Field(max_length=254)]] = Field(
        default_factory=list, max_length=50
    )


class MeetingPayload(BaseModel):
    """A meeting: where, how long, and who else was there."""

    model_config = ConfigDict(extra="forbid")

    location: str | None = Field(default=None, max_length=200)
    duration_minutes: int | None = Field(default=None, ge=0, le=1_440)
    attendees: list[ShortText] = Field(default_factory=list, max_length=50)


class LetterPayload(BaseModel):
    """A letter: which template or mailing it belonged to."""

    model_config = ConfigDict(extra="forbid")

    reference: str | None = Field(default=None, max_length=100)


class SmsPayload(BaseModel):
    """A text message: the number it went to or came from, and the gateway's id."""

    model_config = ConfigDict(extra="forbid")

    phone_number: str | None = Field(default=None, max_length=40)
    message_id: str | None = Field(default=None, max_length=200)


class TaskPayload(BaseModel):
    """A task for staff (usually with a follow-up due date); the payload stays empty."""

    model_config = ConfigDict(extra="forbid")


CORE_TYPES: tuple[InteractionType, ...] = (
    InteractionType("core.note", "Note", NotePayload, default_channel="other", order=10),
    InteractionType("core.call", "Phone call", CallPayload, default_channel="phone", order=11),
    InteractionType("core.email", "Email", EmailPayload, default_channel="email", order=12),
    InteractionType("core.meeting", "Meeting", MeetingPayload, default_channel="meeting", order=13),
    InteractionType("core.letter", "Letter", LetterPayload, default_channel="letter", order=14),
    InteractionType("core.sms", "Text message", SmsPayload, default_channel="sms", order=15),
    InteractionType("core.task", "Task", TaskPayload, default_channel="other", order=16),
)

# Notes and tasks are staff's own records; every other core type defaults to outbound.
INTERNAL_TYPES = frozenset({"core.note", "core.task"})


def default_direction(key: str) -> str:
    """The direction of an interaction when the caller does not give one."""
    return "internal" if key in INTERNAL_TYPES else "outbound"


def core_renderers() -> list[TimelineRenderer]:
    """One timeline template per core type: ``interactions/<name>.html``."""
    return [
        TimelineRenderer(
            interaction_type=t.key,
            template=f"interactions/{t.key.split('.', 1)[1]}.html",
            order=t.order,
        )
        for t in CORE_TYPES
    ]

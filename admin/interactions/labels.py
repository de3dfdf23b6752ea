"""Translated labels of the interaction vocabulary (channels, directions, follow-up states).

Labels are built per request (``_()`` needs the request's locale), and fall back to the
stored value for anything a newer plugin or an older row uses that is not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.i18n import gettext as _
from core.interactions.catalog import CHANNELS, DIRECTIONS, RegisteredType


def channel_labels() -> dict[str, str]:
    """Every channel with its label in the current locale."""
    labels = {
        "email": _("Email"),
        "phone": _("Phone"),
        "meeting": _("Meeting"),
        "letter": _("Letter"),
        "sms": _("Text message"),
        "social": _("Social media"),
        "web": _("Website"),
        "event": _("Event"),
        "other": _("Other"),
    }
    return {key: labels.get(key, key) for key in CHANNELS}


def direction_labels() -> dict[str, str]:
    """Every direction with its label in the current locale."""
    labels = {"inbound": _("Inbound"), "outbound": _("Outbound"), "internal": _("Internal")}
    return {key: labels.get(key, key) for key in DIRECTIONS}


def status_labels() -> dict[str, str]:
    """Follow-up states with their labels in the current locale."""
    return {
        "none": _("No follow-up"),
        "open": _("Follow-up open"),
        "done": _("Follow-up done"),
        "cancelled": _("Follow-up cancelled"),
    }


def core_type_labels() -> dict[str, str]:
    """Core's own interaction types in the current locale (plugins label their own)."""
    return {
        "core.note": _("Note"),
        "core.call": _("Phone call"),
        "core.email": _("Email"),
        "core.meeting": _("Meeting"),
        "core.letter": _("Letter"),
        "core.sms": _("Text message"),
        "core.task": _("Task"),
    }


def type_labels(types: dict[str, RegisteredType]) -> dict[str, str]:
    """Label of each registered type: core's translated, a plugin's as it declared it."""
    translated = core_type_labels()
    return {key: translated.get(key, t.label) for key, t in types.items()}


@dataclass(frozen=True)
class Labels:
    """What timeline and follow-up templates call to show stored values to people."""

    types: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    directions: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)

    def type(self, key: str) -> str:
        """An interaction type's label (the key itself when its plugin is off)."""
        return self.types.get(key) or core_type_labels().get(key, key)

    def channel(self, key: str) -> str:
        """A channel's label."""
        return self.channels.get(key, key)

    def direction(self, key: str) -> str:
        """A direction's label."""
        return self.directions.get(key, key)

    def status(self, key: str) -> str:
        """A follow-up state's label."""
        return self.statuses.get(key, key)


def labels_for(types: dict[str, RegisteredType]) -> Labels:
    """Every label in the current locale."""
    return Labels(
        types=type_labels(types),
        channels=channel_labels(),
        directions=direction_labels(),
        statuses=status_labels(),
    )

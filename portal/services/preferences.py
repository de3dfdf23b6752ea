"""Communication preferences and the consent centre.

The page shows one checkbox per (purpose, channel), each with a full sentence; ticking or
unticking one appends an entry to the consent log (:mod:`core.constituents.consent`) with
method ``portal`` and, as its wording, the exact sentence the visitor saw, in their language.
Boxes that were never answered and stay unticked record nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.constituents.consent import (
    CHANNELS,
    ConsentEntry,
    consent_log,
    current_consent,
    record_consent,
)
from core.events import unit_of_work
from core.i18n import gettext as _
from core.pagination import Page


@dataclass(frozen=True)
class Choice:
    """One checkbox: a (channel, purpose), the sentence shown, and whether it is granted."""

    channel: str
    purpose: str
    field: str
    wording: str
    granted: bool


@dataclass(frozen=True)
class PurposeGroup:
    """The checkboxes of one purpose."""

    purpose: str
    label: str
    choices: list[Choice]


def purpose_labels() -> dict[str, str]:
    """What each purpose is about, as a heading (translated)."""
    return {
        "newsletter": _("News and updates"),
        "fundraising": _("Fundraising appeals"),
        "events": _("Invitations to events"),
    }


def channel_labels() -> dict[str, str]:
    """How we would get in touch, as used in the sentences (translated)."""
    return {
        "email": _("by email"),
        "phone": _("by phone"),
        "sms": _("by text message"),
        "mail": _("by post"),
    }


def wording(channel: str, purpose: str) -> str:
    """The exact sentence shown beside a checkbox (and stored in the consent log)."""
    what = {
        "newsletter": _("news and updates about our work"),
        "fundraising": _("requests to support our work with a donation"),
        "events": _("invitations to our events"),
    }[purpose]
    return _(
        "Yes, I would like to receive %(what)s %(how)s.", what=what, how=channel_labels()[channel]
    )


def field_name(channel: str, purpose: str) -> str:
    """The form field of a checkbox."""
    return f"consent.{purpose}.{channel}"


async def preference_groups(constituent_id: int, purposes: Iterable[str]) -> list[PurposeGroup]:
    """The consent centre's checkboxes, ticked where consent is currently granted."""
    granted = {
        (e.channel, e.purpose)
        for e in await current_consent(constituent_id)
        if e.status == "granted"
    }
    labels = purpose_labels()
    return [
        PurposeGroup(
            purpose=purpose,
            label=labels[purpose],
            choices=[
                Choice(
                    channel=channel,
                    purpose=purpose,
                    field=field_name(channel, purpose),
                    wording=wording(channel, purpose),
                    granted=(channel, purpose) in granted,
                )
                for channel in CHANNELS
            ],
        )
        for purpose in purposes
    ]


async def save_preferences(constituent_id: int, purposes: Iterable[str], ticked: set[str]) -> int:
    """Record every changed checkbox in the consent log; returns how many changed."""
    changed = 0
    async with unit_of_work():
        for group in await preference_groups(constituent_id, purposes):
            for choice in group.choices:
                wanted = choice.field in ticked
                if wanted == choice.granted:
                    continue
                status_before = choice.granted
                if (
                    not wanted
                    and not status_before
                    and not await _ever_answered(constituent_id, choice)
                ):
                    continue
                await record_consent(
                    constituent_id,
                    channel=choice.channel,
                    purpose=choice.purpose,
                    status="granted" if wanted else "withdrawn",
                    method="portal",
                    wording=choice.wording,
                    source="portal",
                )
                changed += 1
    return changed


async def _ever_answered(constituent_id: int, choice: Choice) -> bool:
    page = await consent_log(
        constituent_id, channel=choice.channel, purpose=choice.purpose, per_page=1
    )
    return page.total > 0


async def history(constituent_id: int, page: int = 1) -> Page[ConsentEntry]:
    """The constituent's consent log, newest first."""
    return await consent_log(constituent_id, page=page, per_page=25)

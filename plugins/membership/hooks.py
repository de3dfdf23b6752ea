"""Hook implementations of the ``membership`` plugin: it joins core through hooks only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core import EventType, InteractionType, JobSpec, Permission, TimelineRenderer, hookimpl
from plugins.membership import api, jobs
from plugins.membership.timeline import (
    CHANGE_TYPE,
    REMINDER_TYPE,
    ChangeInteraction,
    ReminderInteraction,
)

EVENTS = {
    "membership.level_saved": "A membership level was created, changed or deleted",
    "membership.rules_changed": "The membership status rules were changed",
    "membership.joined": "A constituent joined as a member",
    "membership.renewed": "A membership was renewed",
    "membership.upgraded": "A membership was upgraded",
    "membership.downgraded": "A membership was downgraded",
    "membership.payment_confirmed": "A pending membership's dues arrived",
    "membership.cancelled": "A membership was cancelled",
    "membership.overridden": "A membership's status was overridden or the override cleared",
    "membership.settings_changed": "A member changed auto-renewal or the directory listing",
    "membership.associates_changed": "Associated members were added or removed",
    "membership.status_changed": "A membership's status changed with the date",
    "membership.lapsed": "A membership lapsed",
    "membership.reminder_sent": "A renewal reminder was sent",
}


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """``/api/v1/membership/...``."""
    return [api.module_info]


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Reading memberships and changing them (levels, rules, renewals)."""
    return [
        Permission("membership.read", "See memberships, levels and membership reports", order=400),
        Permission(
            "membership.write", "Manage levels and rules; join, renew and change members", order=401
        ),
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events this plugin emits."""
    return [EventType(name, text, order=400) for name, text in EVENTS.items()]


@hookimpl
def steward_interaction_types() -> Sequence[InteractionType]:
    """Membership changes and renewal reminders show on the member's timeline."""
    return [
        InteractionType(
            key=CHANGE_TYPE,
            label="Membership",
            payload=ChangeInteraction,
            default_channel="other",
            order=400,
        ),
        InteractionType(
            key=REMINDER_TYPE,
            label="Membership renewal reminder",
            payload=ReminderInteraction,
            default_channel="email",
            order=401,
        ),
    ]


@hookimpl
def steward_template_dirs() -> Sequence[Path]:
    """This plugin's templates (``templates/membership/...``)."""
    return [Path(__file__).parent / "templates"]


@hookimpl
def steward_timeline_renderers() -> Sequence[TimelineRenderer]:
    """How membership changes and reminders look on the timeline."""
    return [
        TimelineRenderer(CHANGE_TYPE, "membership/timeline_change.html", order=400),
        TimelineRenderer(REMINDER_TYPE, "membership/timeline_reminder.html", order=401),
    ]


@hookimpl
def steward_jobs() -> Sequence[JobSpec]:
    """Daily: recompute statuses, send renewal reminders, charge auto-renewals."""
    return [
        JobSpec(
            name="membership.recompute_statuses",
            handler=jobs.recompute_statuses,
            every_seconds=86_400,
        ),
        JobSpec(
            name="membership.send_reminders", handler=jobs.send_reminders, every_seconds=86_400
        ),
        JobSpec(name="membership.auto_renew", handler=jobs.auto_renew, every_seconds=86_400),
    ]

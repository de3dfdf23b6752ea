"""Hook implementations of the ``volunteers`` plugin: it joins core through hooks only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel, ConfigDict, Field

from core import (
    DashboardCard,
    ErasureReport,
    EventType,
    ExportSection,
    InteractionType,
    JobSpec,
    NavItem,
    Permission,
    PortalWidget,
    ProfilePanel,
    ReportSpec,
    SegmentFilter,
    TimelineRenderer,
    db,
    hookimpl,
)
from core.auth.service import grants, user_permissions
from core.clock import utc_now
from core.i18n import format_number
from core.i18n import gettext as _
from core.settings import Settings
from plugins.volunteers import api, hours, jobs, privacy, segments
from plugins.volunteers.common import ACTIVE_STATUSES, as_int, org_today
from plugins.volunteers.labels import status_labels

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
    return api.ROUTES


@hookimpl
def steward_admin_routes() -> Sequence[Any]:
    """``/admin/volunteers/...``: opportunities, shifts, kiosk, hours, matching, reports."""
    from plugins.volunteers.admin_routes import ROUTES

    return ROUTES


@hookimpl
def steward_portal_routes() -> Sequence[Any]:
    """``/portal/volunteers/...``: opportunities, calendar, my shifts, hours, profile."""
    from plugins.volunteers.portal import ROUTES

    return ROUTES


@hookimpl
def steward_admin_nav() -> Sequence[NavItem]:
    """One "Volunteers" entry for staff who may read volunteer data."""
    return [NavItem(_("Volunteers"), "/admin/volunteers/", permission="volunteers.read", order=300)]


@hookimpl
async def steward_portal_widgets(constituent_id: int) -> Sequence[PortalWidget]:
    """My next shifts and hours, with links to volunteer."""
    from plugins.volunteers.signups import signups_of

    total = await hours.person_total(constituent_id)
    return [
        PortalWidget(
            key="volunteers.mine",
            title=_("Volunteering"),
            template="volunteers/portal/widget.html",
            context={
                "upcoming": (await signups_of(constituent_id, upcoming_only=True))[:3],
                "hours": round(total.minutes / 60, 1),
                "status_labels": status_labels(),
            },
            order=500,
        )
    ]


@hookimpl
def steward_jobs() -> Sequence[JobSpec]:
    """Every 15 minutes: email the shift reminders now due (each once)."""
    return [
        JobSpec(
            name="volunteers.send_reminders",
            handler=jobs.send_reminders,
            every_seconds=jobs.REMINDER_EVERY_SECONDS,
            description="Email reminders before volunteer shifts",
        )
    ]


@hookimpl
def steward_import_commands() -> Sequence[click.Command]:
    """``steward import hours FILE.csv``."""
    from plugins.volunteers.importer import import_hours_command

    return [import_hours_command]


@hookimpl
async def steward_constituent_merge(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move sign-ups, hours and the profile to the survivor; say what moved."""
    return await privacy.merge_constituents(survivor_id, merged_id)


@hookimpl
async def steward_constituent_unmerge(
    survivor_id: int, merged_id: int, snapshots: Mapping[str, Any]
) -> None:
    """Give the restored record back its sign-ups, hours and profile."""
    await privacy.unmerge_constituents(survivor_id, merged_id, snapshots.get("volunteers", {}))


@hookimpl
async def steward_personal_data_export(constituent_id: int) -> ExportSection:
    """The volunteer profile, sign-ups and hours."""
    return await privacy.export_data(constituent_id)


@hookimpl
async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
    """Delete the profile; keep anonymous sign-ups and hours for the totals."""
    return await privacy.erase_data(constituent_id)


@hookimpl
async def steward_demo_data(settings: Settings, seed: int) -> None:
    """Opportunities, a weekly schedule, volunteers, sign-ups and hours."""
    from plugins.volunteers.demo import build_demo

    await build_demo(settings, seed)


@hookimpl
async def steward_dashboard_cards(user_id: int) -> Sequence[DashboardCard]:
    """This month's approved hours and their value, and short-staffed shifts (readers only)."""
    if not grants(await user_permissions(user_id), "volunteers.read"):
        return []
    today = org_today()
    month = await hours.totals("all", start=today.replace(day=1), end=today)
    people = await db.fetch_value(
        "SELECT COUNT(DISTINCT constituent_id) AS n FROM volunteers_hours WHERE status = "
        "'approved' AND work_date >= {} AND work_date <= {}",
        today.replace(day=1),
        today,
    )
    active = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)
    now = utc_now()
    short = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM volunteers_shift s WHERE s.cancelled_at IS NULL "
        "AND s.starts_at >= {} AND s.starts_at < {} AND s.capacity > (SELECT COUNT(*) FROM "
        f"volunteers_signup g WHERE g.shift_id = s.id AND g.status IN ({active}))",
        now,
        now + timedelta(days=7),
    )
    total = month[0] if month else hours.Total("all", 0, 0, await hours.value_currency())
    return [
        DashboardCard(
            key="volunteers.this_month",
            title=_("Volunteering this month"),
            template="volunteers/card.html",
            context={
                "hours": round(total.minutes / 60, 1),
                "value_minor": total.value_minor,
                "currency": total.currency,
                "people": as_int(people),
                "short": as_int(short),
            },
            order=500,
        )
    ]


@hookimpl
async def steward_profile_panels(constituent_id: int) -> Sequence[ProfilePanel]:
    """Hours to date, their value, the volunteer profile and upcoming shifts."""
    from plugins.volunteers.profiles import get_profile
    from plugins.volunteers.signups import signups_of

    total = await hours.person_total(constituent_id)
    profile = await get_profile(constituent_id)
    upcoming = await signups_of(constituent_id, upcoming_only=True)
    return [
        ProfilePanel(
            key="volunteers.profile",
            title=_("Volunteering"),
            template="volunteers/panel.html",
            context={
                "constituent_id": constituent_id,
                "hours": round(total.minutes / 60, 2),
                "value_minor": total.value_minor,
                "currency": total.currency,
                "profile": profile,
                "upcoming": upcoming[:5],
                "status_labels": status_labels(),
            },
            facts=(
                {_("Volunteer hours"): format_number(round(total.minutes / 60, 1))}
                if total.minutes
                else {}
            ),
            order=500,
        )
    ]


@hookimpl
def steward_timeline_renderers() -> Sequence[TimelineRenderer]:
    """How a shift sign-up looks on the timeline."""
    return [TimelineRenderer("volunteers.shift", "volunteers/timeline_shift.html", order=500)]


@hookimpl
def steward_segment_filters() -> Sequence[SegmentFilter]:
    """Volunteered in a period, hours at least X, has a skill."""
    return [
        SegmentFilter(
            "volunteers.volunteered_in_period",
            "Volunteered in period",
            segments.volunteered_in_period,
            parameter=segments.VolunteeredPeriod,
            order=500,
        ),
        SegmentFilter(
            "volunteers.hours_over",
            "Volunteer hours at least",
            segments.hours_over,
            parameter=segments.HoursOver,
            order=501,
        ),
        SegmentFilter(
            "volunteers.has_skill",
            "Volunteer with skill",
            segments.has_skill,
            parameter=segments.HasSkill,
            order=502,
        ),
    ]


@hookimpl
def steward_reports() -> Sequence[ReportSpec]:
    """Volunteering reports (see :mod:`plugins.volunteers.reports`)."""
    from plugins.volunteers.reports import CATALOGUE, builder

    return [
        ReportSpec(
            key=key,
            label=label,
            build=builder(kind),
            permission="volunteers.read",
            order=500 + i,
        )
        for i, (key, (label, kind)) in enumerate(CATALOGUE.items())
    ]


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

"""Hook implementations of the ``membership`` plugin: it joins core through hooks only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from jinja2 import Environment

from core import (
    DashboardCard,
    DomainEvent,
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
    hookimpl,
)
from core.auth.service import grants, user_permissions
from core.i18n import format_date
from core.i18n import gettext as _
from core.settings import Settings
from plugins.membership import (
    api,
    api_members,
    api_reports,
    jobs,
    online,
    panels,
    privacy,
    segments,
)
from plugins.membership.report_tables import REPORTS
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
    return [*api.ROUTES, *api_members.ROUTES, *api_reports.ROUTES]


@hookimpl
def steward_admin_routes() -> Sequence[Any]:
    """``/admin/membership/...``: memberships, levels and rules, reports."""
    from plugins.membership import (
        admin_levels,
        admin_member,
        admin_members,
        admin_reports,
        admin_rules,
    )

    return [
        *admin_members.ROUTES,
        *admin_member.ROUTES,
        *admin_levels.ROUTES,
        *admin_rules.ROUTES,
        *admin_reports.ROUTES,
    ]


@hookimpl
def steward_portal_routes() -> Sequence[Any]:
    """``/portal/membership/...``: my membership, join, renew, family, card, directory."""
    from plugins.membership import portal, portal_pay

    return [*portal.ROUTES, *portal_pay.ROUTES]


@hookimpl
async def steward_portal_widgets(constituent_id: int) -> Sequence[PortalWidget]:
    """The member's level, status and expiry, with a link to "My membership"."""
    from plugins.membership.portal_service import my_membership

    membership = await my_membership(constituent_id)
    return [
        PortalWidget(
            key="membership.mine",
            title=_("My membership"),
            template="membership/portal/widget.html",
            context={"membership": membership},
            order=400,
        )
    ]


@hookimpl
def steward_admin_nav() -> Sequence[NavItem]:
    """One "Membership" entry for staff who may read memberships."""
    return [NavItem(_("Membership"), "/admin/membership/", permission="membership.read", order=200)]


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
async def steward_on_event(event: DomainEvent) -> None:
    """``donations.checkout_completed``: apply the join, renewal or level change paid for."""
    if event.name != "donations.checkout_completed":
        return
    payload = event.payload
    await online.apply_paid_checkout(
        int(payload["checkout_id"]),
        int(payload["gift_id"]),
        int(payload["amount_minor"]),
        str(payload["currency"]),
        datetime.fromisoformat(str(payload["paid_at"])),
    )


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


def _iso_date(value: str) -> str:
    """An ISO date stored in a payload, in the reader's date format (bad text unchanged)."""
    try:
        return format_date(date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


@hookimpl
def steward_jinja_env(env: Environment) -> None:
    """``membership_date``: payload dates (ISO text) shown like every other date."""
    env.filters["membership_date"] = _iso_date


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


REPORT_LABELS = {
    "members-over-time": "Members by level over time",
    "status-over-time": "Memberships by status over time",
    "activity": "New, renewed and lapsed members per month",
    "retention": "Retention by level",
    "status": "Members by level and status",
    "expiries": "Upcoming expiries",
}


@hookimpl
def steward_reports() -> Sequence[ReportSpec]:
    """Membership reports (see :mod:`plugins.membership.report_tables`)."""
    return [
        ReportSpec(
            key=f"membership.{key}",
            label=REPORT_LABELS[key],
            build=build,
            permission="membership.read",
            order=400 + index,
        )
        for index, (key, build) in enumerate(REPORTS.items())
    ]


@hookimpl
def steward_import_commands() -> Sequence[click.Command]:
    """``steward import memberships FILE.csv``."""
    from plugins.membership.importer import import_memberships_command

    return [import_memberships_command]


@hookimpl
async def steward_constituent_merge(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move memberships, family links and reminders to the survivor; say what moved."""
    return await privacy.merge_constituents(survivor_id, merged_id)


@hookimpl
async def steward_constituent_unmerge(
    survivor_id: int, merged_id: int, snapshots: Mapping[str, Any]
) -> None:
    """Move back what the merge moved and reopen a membership it cancelled."""
    await privacy.unmerge_constituents(survivor_id, merged_id, snapshots.get("membership", {}))


@hookimpl
async def steward_personal_data_export(constituent_id: int) -> ExportSection:
    """The constituent's memberships, history, family links and reminders."""
    return await privacy.export_data(constituent_id)


@hookimpl
async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
    """Erase personal details; keep anonymous membership history."""
    return await privacy.erase_data(constituent_id)


@hookimpl
async def steward_demo_data(settings: Settings, seed: int) -> None:
    """Three levels and a deterministic mix of current, renewed and lapsed members."""
    from plugins.membership.demo import build_demo

    await build_demo(settings, seed)


@hookimpl
async def steward_dashboard_cards(user_id: int) -> Sequence[DashboardCard]:
    """Members now, recent joiners and coming expiries (for readers only)."""
    if not grants(await user_permissions(user_id), "membership.read"):
        return []
    return [
        DashboardCard(
            key="membership.members",
            title=_("Members"),
            template="membership/card.html",
            context=await panels.card_context(),
            order=400,
        )
    ]


@hookimpl
async def steward_profile_panels(constituent_id: int) -> Sequence[ProfilePanel]:
    """The constituent's memberships, with level, status and expiry as header facts."""
    context = await panels.panel_context(constituent_id)
    facts: dict[str, str] = {}
    if context["memberships"]:
        latest = context["memberships"][0]
        facts = {
            _("Membership"): f"{latest.level_name} ({latest.status})",
            _("Expires on"): format_date(latest.end_date),
        }
    return [
        ProfilePanel(
            key="membership.membership",
            title=_("Membership"),
            template="membership/panel.html",
            context=context,
            facts=facts,
            order=400,
        )
    ]


@hookimpl
def steward_segment_filters() -> Sequence[SegmentFilter]:
    """Current members, members of a level, memberships expiring within N days."""
    return [
        SegmentFilter(
            "membership.current",
            "Current members",
            segments.current_members,
            parameter=segments.CurrentMembers,
            order=400,
        ),
        SegmentFilter(
            "membership.level",
            "Members of a level",
            segments.of_level,
            parameter=segments.OfLevel,
            order=401,
        ),
        SegmentFilter(
            "membership.expiring",
            "Membership expiring within N days",
            segments.expiring_within,
            parameter=segments.ExpiringWithin,
            order=402,
        ),
    ]

"""Hook implementations of the ``donations`` plugin: it joins core through hooks only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    db,
    hookimpl,
)
from core.auth.service import grants, user_permissions
from core.i18n import format_date, format_money
from core.i18n import gettext as _
from core.settings import Settings
from plugins.donations import (
    api,
    api_commitments,
    api_gifts,
    api_online,
    api_reports,
    api_structure,
    fiscal,
    jobs,
    privacy,
    rollups,
    segments,
)
from plugins.donations.common import PLUGIN, as_int, current_fiscal_year, org
from plugins.donations.gifts import INTERACTION_TYPE, GiftInteraction
from plugins.donations.reports.catalogue import REPORTS

EVENTS = {
    "donations.gift_recorded": "A gift was recorded",
    "donations.gifts_imported": "A batch of gifts was imported from a file",
    "donations.gift_updated": "A gift was changed",
    "donations.gift_refunded": "A gift was refunded",
    "donations.gift_deleted": "A gift was deleted",
    "donations.pledge_created": "A pledge was made",
    "donations.pledge_written_off": "The rest of a pledge was written off",
    "donations.recurring_changed": "A recurring gift started or changed",
    "donations.batch_posted": "A gift batch was posted",
    "donations.receipt_issued": "A receipt or annual statement was issued",
    "donations.checkout_completed": "An online checkout was paid (its gift is recorded)",
}


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """``/api/v1/donations/...``."""
    return [
        api.module_info,
        *api_structure.ROUTES,
        *api_gifts.ROUTES,
        *api_commitments.ROUTES,
        *api_online.ROUTES,
        *api_reports.ROUTES,
    ]


@hookimpl
def steward_admin_routes() -> Sequence[Any]:
    """``/admin/donations/...``: overview, gifts, batches, structure and reports."""
    from plugins.donations.admin_commitments import ROUTES as COMMITMENTS
    from plugins.donations.admin_routes import ROUTES

    return [*ROUTES, *COMMITMENTS]


@hookimpl
def steward_portal_routes() -> Sequence[Any]:
    """``/portal/donations/...``: give online, my giving, receipts, recurring gifts."""
    from plugins.donations import portal_give, portal_giving

    return [*portal_give.ROUTES, *portal_giving.ROUTES]


@hookimpl
async def steward_portal_widgets(constituent_id: int) -> Sequence[PortalWidget]:
    """This fiscal year's giving, with links to give and to "My giving"."""
    from plugins.donations.portal_service import giving_summary

    summary = await giving_summary(constituent_id)
    return [
        PortalWidget(
            key="donations.giving",
            title=_("My giving"),
            template="donations/portal/widget.html",
            context=summary.model_dump(),
            order=300,
        )
    ]


@hookimpl
def steward_admin_nav() -> Sequence[NavItem]:
    """One "Donations" entry for staff who may read gifts."""
    return [NavItem(_("Donations"), "/admin/donations/", permission="donations.read", order=100)]


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Reading gifts, changing them, and managing the fundraising structure."""
    return [
        Permission("donations.read", "See gifts, donors' giving and reports", order=300),
        Permission(
            "donations.write", "Record and change gifts, pledges, recurring gifts", order=301
        ),
        Permission("donations.manage", "Manage funds, campaigns, appeals and batches", order=302),
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events this plugin emits."""
    return [EventType(name, text, order=300) for name, text in EVENTS.items()]


@hookimpl
def steward_interaction_types() -> Sequence[InteractionType]:
    """A gift shows on its donor's timeline."""
    return [
        InteractionType(
            key=INTERACTION_TYPE,
            label="Gift",
            payload=GiftInteraction,
            default_channel="other",
            order=300,
        )
    ]


@hookimpl
def steward_template_dirs() -> Sequence[Path]:
    """This plugin's templates (``templates/donations/...``)."""
    return [Path(__file__).parent / "templates"]


@hookimpl
def steward_reports() -> Sequence[ReportSpec]:
    """Fundraising reports (see :mod:`plugins.donations.reports.catalogue`)."""
    return [
        ReportSpec(key=key, label=label, build=build, permission="donations.read", order=300 + i)
        for i, (key, (label, build)) in enumerate(REPORTS.items())
    ]


@hookimpl
async def steward_on_event(event: DomainEvent) -> None:
    """A moved fiscal-year start re-derives every gift's fiscal year (as a job)."""
    if event.name == "org_settings.changed" and fiscal.moves_fiscal_year(event.payload):
        await fiscal.queue_rederivation()


@hookimpl
def steward_jinja_env(env: Environment) -> None:
    """``donations_status(code)``: a gift status in the reader's language."""
    from plugins.donations.admin_common import statuses

    env.globals["donations_status"] = lambda code: dict(statuses()).get(code, code)


@hookimpl
def steward_jobs() -> Sequence[JobSpec]:
    """Daily: lapse overdue recurring gifts, remind pledges, refresh rollups at a new year."""
    return [
        JobSpec(
            name="donations.lapse_recurring", handler=jobs.lapse_recurring, every_seconds=86_400
        ),
        JobSpec(
            name="donations.refresh_rollups", handler=jobs.refresh_rollups, every_seconds=86_400
        ),
        JobSpec(
            name="donations.pledge_reminders", handler=jobs.remind_pledges, every_seconds=86_400
        ),
        JobSpec(name=fiscal.JOB, handler=fiscal.rederive_fiscal_years, max_attempts=3),
    ]


@hookimpl
def steward_import_commands() -> Sequence[click.Command]:
    """``steward import gifts FILE.csv``."""
    from plugins.donations.importer import import_gifts_command

    return [import_gifts_command]


@hookimpl
async def steward_constituent_merge(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move gifts and credits to the survivor; recompute both rollups; say what moved."""
    return await privacy.merge_constituents(survivor_id, merged_id)


@hookimpl
async def steward_constituent_unmerge(
    survivor_id: int, merged_id: int, snapshots: Mapping[str, Any]
) -> None:
    """Move back what the merge moved (rows changed since stay); recompute both rollups."""
    await privacy.unmerge_constituents(survivor_id, merged_id, snapshots.get(PLUGIN, {}))


@hookimpl
async def steward_personal_data_export(constituent_id: int) -> ExportSection:
    """The constituent's gifts, credits, pledges, recurring gifts and receipts."""
    return await privacy.export_data(constituent_id)


@hookimpl
async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
    """Anonymise personal details; keep financial records as the law requires."""
    return await privacy.erase_data(constituent_id)


@hookimpl
async def steward_demo_data(settings: Settings, seed: int) -> None:
    """Funds, a campaign and a few years of gifts for the demo organisation."""
    from plugins.donations.demo import build_demo

    await build_demo(settings, seed)


@hookimpl
async def steward_dashboard_cards(user_id: int) -> Sequence[DashboardCard]:
    """Money received this fiscal year in the organisation's currency (for readers only)."""
    if not grants(await user_permissions(user_id), "donations.read"):
        return []
    currency = org().default_currency
    row = await db.fetch_one(
        "SELECT SUM(total_minor) AS total, COUNT(DISTINCT constituent_id) AS donors "
        "FROM donations_donor_year WHERE fiscal_year = {} AND currency = {}",
        current_fiscal_year(),
        currency,
    )
    total = as_int(row["total"]) if row else 0
    return [
        DashboardCard(
            key="donations.this_year",
            title=_("Giving this fiscal year"),
            template="donations/card.html",
            context={
                "total_minor": total,
                "currency": currency,
                "donors": as_int(row["donors"]) if row else 0,
            },
            order=300,
        )
    ]


@hookimpl
async def steward_profile_panels(constituent_id: int) -> Sequence[ProfilePanel]:
    """The giving summary, with lifetime and last gift as header facts."""
    totals = [t for t in await rollups.donor_totals(constituent_id) if t.gift_count]
    facts: dict[str, str] = {}
    if totals:
        first = totals[0]
        facts = {
            _("Lifetime giving"): format_money(first.lifetime_minor, first.currency),
            _("Last gift"): format_date(first.last_gift_date),
        }
    return [
        ProfilePanel(
            key="donations.giving",
            title=_("Giving"),
            template="donations/panel.html",
            context={"totals": totals, "constituent_id": constituent_id},
            facts=facts,
            order=300,
        )
    ]


@hookimpl
def steward_timeline_renderers() -> Sequence[TimelineRenderer]:
    """How a gift looks on the timeline."""
    return [TimelineRenderer(INTERACTION_TYPE, "donations/timeline_gift.html", order=300)]


@hookimpl
def steward_segment_filters() -> Sequence[SegmentFilter]:
    """Gave in a period, lifetime giving over an amount, LYBUNT."""
    return [
        SegmentFilter(
            "donations.gave_in_period",
            "Gave in period",
            segments.gave_in_period,
            parameter=segments.GavePeriod,
            order=300,
        ),
        SegmentFilter(
            "donations.lifetime_over",
            "Lifetime giving at least",
            segments.lifetime_over,
            parameter=segments.LifetimeOver,
            order=301,
        ),
        SegmentFilter(
            "donations.lybunt",
            "Gave last year, not this year (LYBUNT)",
            segments.lybunt,
            parameter=segments.Lybunt,
            order=302,
        ),
    ]

"""Hook implementations of the ``social`` plugin: it joins core through hooks only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment

from core import (
    DashboardCard,
    ErasureReport,
    EventType,
    ExportSection,
    InteractionType,
    JobSpec,
    NavItem,
    Permission,
    ProfilePanel,
    SegmentFilter,
    TimelineRenderer,
    hookimpl,
)
from core.auth.service import grants, user_permissions
from core.i18n import gettext as _
from core.settings import Settings
from plugins.social import api, api_mentions, api_sources, polling, privacy, segments, spikes
from plugins.social.common import config
from plugins.social.linking import INTERACTION_TYPE, MentionInteraction
from plugins.social.sources import builtin

EVENTS = {
    "social.mention_linked": "A social mention was linked to a constituent",
    "social.spike_detected": "Mentions or negative share jumped above the baseline",
}


@hookimpl
def steward_configure(settings: Settings) -> None:
    """Register the built-in source kinds; other plugins add theirs the same way."""
    builtin.register_builtin_kinds()


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """``/api/v1/social/...``."""
    return [api.module_info, *api_sources.ROUTES, *api_mentions.ROUTES]


@hookimpl
def steward_admin_routes() -> Sequence[Any]:
    """``/admin/social/...``: dashboard, mention stream, review queue, sources, queries."""
    from plugins.social.admin_routes import ROUTES

    return ROUTES


@hookimpl
def steward_admin_nav() -> Sequence[NavItem]:
    """One "Social listening" entry for staff who may read mentions."""
    return [NavItem(_("Social listening"), "/admin/social/", permission="social.read", order=600)]


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
def steward_jinja_env(env: Environment) -> None:
    """``|social_sentiment``: a sentiment label in the reader's language."""
    from plugins.social.admin_common import sentiment_labels

    env.filters["social_sentiment"] = lambda label: sentiment_labels().get(label, label)


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
        JobSpec(name="social.check_spikes", handler=spikes.spike_job, every_seconds=3600),
    ]


@hookimpl
async def steward_constituent_merge(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move handles and mentions to the survivor; say what moved."""
    return await privacy.merge_constituents(survivor_id, merged_id)


@hookimpl
async def steward_constituent_unmerge(
    survivor_id: int, merged_id: int, snapshots: Mapping[str, Any]
) -> None:
    """Give the restored record back its handles and mentions."""
    await privacy.unmerge_constituents(survivor_id, merged_id, snapshots.get("social", {}))


@hookimpl
async def steward_personal_data_export(constituent_id: int) -> ExportSection:
    """The constituent's handles and mentions."""
    return await privacy.export_data(constituent_id)


@hookimpl
async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
    """Delete the constituent's handles and mentions."""
    return await privacy.erase_data(constituent_id)


@hookimpl
async def steward_demo_data(settings: Settings, seed: int) -> None:
    """Sources, a listening query, handles and a month of mentions."""
    from plugins.social.demo import build_demo

    await build_demo(settings, seed)


@hookimpl
async def steward_dashboard_cards(user_id: int) -> Sequence[DashboardCard]:
    """This week's mentions by sentiment, links to review, recent spike alerts (readers only)."""
    if not grants(await user_permissions(user_id), "social.read"):
        return []
    from plugins.social import mentions

    return [
        DashboardCard(
            key="social.week",
            title=_("Social mentions this week"),
            template="social/card.html",
            context={
                "counts": await mentions.summary(7),
                "alerts": await spikes.recent_alerts(7, open_only=True),
            },
            order=600,
        )
    ]


@hookimpl
async def steward_profile_panels(constituent_id: int) -> Sequence[ProfilePanel]:
    """The constituent's handles and latest linked mentions."""
    from plugins.social import linking, mentions

    handles = await linking.list_handles(constituent_id)
    recent, total = await mentions.list_mentions(
        mentions.MentionFilter(constituent_id=constituent_id), 1, 5
    )
    facts = {_("Social mentions"): str(total)} if total else {}
    return [
        ProfilePanel(
            key="social.handles",
            title=_("Social media"),
            template="social/panel.html",
            context={
                "handles": handles,
                "mentions": recent,
                "total": total,
                "constituent_id": constituent_id,
            },
            facts=facts,
            order=600,
        )
    ]


@hookimpl
def steward_timeline_renderers() -> Sequence[TimelineRenderer]:
    """How a linked mention looks on the timeline."""
    return [TimelineRenderer(INTERACTION_TYPE, "social/timeline_mention.html", order=600)]


@hookimpl
def steward_segment_filters() -> Sequence[SegmentFilter]:
    """Mentioned us in the last N days; wrote a mention of a given sentiment."""
    return [
        SegmentFilter(
            "social.mentioned_recently",
            "Mentioned us recently",
            segments.mentioned_recently,
            parameter=segments.MentionedRecently,
            order=600,
        ),
        SegmentFilter(
            "social.mention_sentiment",
            "Mentioned us with a sentiment",
            segments.mention_sentiment,
            parameter=segments.MentionSentiment,
            order=601,
        ),
    ]

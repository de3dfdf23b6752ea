"""The constituent timeline fragment: every interaction, newest first, filtered and paged.

``GET /admin/constituents/{id}/timeline`` answers htmx with a fragment (the constituent
page embeds it with ``hx-get``); "load more" asks for the next page and gets only the
items; a plain browser request gets the same fragment inside the full layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter

from admin.interactions.labels import Labels, labels_for
from admin.rendering import registry_of, render_admin_page
from core import db
from core.errors import NotFoundError
from core.i18n import gettext as _
from core.interactions import queries
from core.interactions.catalog import CHANNELS, interaction_types
from core.interactions.queries import TimelineFilters, org_today
from core.interactions.records import MAX_ID
from core.pagination import MAX_PAGE, Page
from core.plugins.registry import PluginRegistry
from core.ui import timeline_renderers
from core.web.pages import is_htmx

READ = "interactions.read"
WRITE = "interactions.write"
PER_PAGE = 20
GENERIC_RENDERER = "admin/interactions/item.html"
CORE_PLUGIN = "interactions"


@dataclass(frozen=True)
class TimelineView:
    """Everything the timeline templates need for one request."""

    constituent_id: int
    page: Page[Any]
    channel: str | None
    plugin: str | None
    labels: Labels
    renderers: dict[str, str]
    channel_options: list[tuple[str, str]]
    plugin_options: list[tuple[str, str]]

    @property
    def base_url(self) -> str:
        """The fragment's own URL (without query)."""
        return f"/admin/constituents/{self.constituent_id}/timeline"

    def url(self, page: int = 1) -> str:
        """The fragment URL with the current filters and ``page``."""
        query = {"channel": self.channel or "", "plugin": self.plugin or ""}
        params = {k: v for k, v in query.items() if v}
        if page > 1:
            params["page"] = str(page)
        return self.base_url + (f"?{urlencode(params)}" if params else "")

    @property
    def has_more(self) -> bool:
        """True when older interactions follow this page."""
        return self.page.page * self.page.per_page < self.page.total

    def renderer(self, interaction_type: str) -> list[str]:
        """Templates to try for one item: the type's renderer, then the generic one."""
        chosen = self.renderers.get(interaction_type)
        return [chosen, GENERIC_RENDERER] if chosen else [GENERIC_RENDERER]


def plugin_label(registry: PluginRegistry, name: str) -> str:
    """A source plugin's label (core's own interactions are "Core")."""
    if name == CORE_PLUGIN:
        return _("Core")
    manifest = registry.by_name.get(name)
    return manifest.label if manifest is not None else name


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


async def build_view(
    registry: PluginRegistry,
    constituent_id: FromPath[int],
    *,
    channel: str | None,
    plugin: str | None,
    page: int,
) -> TimelineView:
    """Read one page of the timeline plus the labels and renderers to show it.

    NotFoundError for a missing constituent; InvalidInputError for an unknown channel.
    """
    types = await interaction_types()
    result = await queries.timeline(
        constituent_id,
        page=page,
        per_page=PER_PAGE,
        filters=TimelineFilters(channel=channel, plugin=plugin),
    )
    labels = labels_for(types)
    plugins = sorted({t.plugin for t in types.values()} | ({plugin} if plugin else set()))
    return TimelineView(
        constituent_id=constituent_id,
        page=result,
        channel=channel,
        plugin=plugin,
        labels=labels,
        renderers=await timeline_renderers(registry),
        channel_options=[(key, labels.channel(key)) for key in CHANNELS],
        plugin_options=[(name, plugin_label(registry, name)) for name in plugins],
    )


async def constituent_name(constituent_id: int) -> str:
    """The display name of a live constituent; NotFoundError otherwise."""
    name = None
    if 1 <= constituent_id <= MAX_ID:
        name = await db.fetch_value(
            "SELECT display_name FROM core_constituent WHERE id = {} AND deleted_at IS NULL",
            constituent_id,
        )
    if name is None:
        raise NotFoundError(f"no constituent {constituent_id}")
    return str(name)


@get(
    "/constituents/{constituent_id:int}/timeline",
    include_in_schema=False,
    opt={"permission": READ},
)
async def timeline_fragment(
    request: Request[Any, Any, Any],
    constituent_id: FromPath[int],
    channel: Annotated[str | None, QueryParameter(max_length=20)] = None,
    plugin: Annotated[str | None, QueryParameter(max_length=40)] = None,
    page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 1,
) -> Response[str]:
    """The timeline: a fragment for htmx (only the items for "load more"), else a page."""
    view = await build_view(
        registry_of(request),
        constituent_id,
        channel=_blank_to_none(channel),
        plugin=_blank_to_none(plugin),
        page=page,
    )
    context: dict[str, Any] = {"view": view, "today": org_today()}
    if is_htmx(request):
        template = (
            "admin/interactions/timeline_items.html"
            if page > 1
            else "admin/interactions/timeline.html"
        )
        return await render_admin_page(request, template, context)
    context["constituent_name"] = await constituent_name(constituent_id)
    return await render_admin_page(request, "admin/interactions/timeline_page.html", context)


ROUTES = [timeline_fragment]

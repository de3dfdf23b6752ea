# mypy: disable-error-code="empty-body"
"""Every hook a Stewardship plugin can implement. This is the only place hooks are declared.

Call conventions (see ``docs/hooks.md``):

* Hooks are called with keyword arguments; an implementation may accept any subset of them.
* Collection hooks return a list (or an awaitable of a list) of items with an ``order`` field;
  core collects each plugin's result separately, skips plugins that are switched off, and
  sorts by ``order`` so that behaviour never depends on registration order.
* Lifecycle hooks run for every enabled plugin; one plugin's exception is logged and never
  stops the others (events, startup, shutdown) unless the hook says otherwise.
* None of these hooks stops at the first result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    import click
    from jinja2 import Environment

    from core.plugins.types import (
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
    )
    from core.settings import Settings

PROJECT_NAME = "stewardship"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)


# --- Boot -------------------------------------------------------------------------------


@hookspec
def steward_configure(settings: Settings) -> None:
    """Called once when the plugin is loaded, before any other hook, with the core settings.

    :param settings: the deployment's validated :class:`core.settings.Settings`. A plugin
        reads its own validated settings with ``core.plugins.plugin_settings(name)``.
    """


@hookspec
def steward_api_routes() -> Sequence[Any]:
    """Litestar route handlers, controllers or routers for the JSON API.

    Core mounts them under ``/api/v1/<plugin>`` (internal plugins: ``/api/v1``) behind the
    plugin-enabled guard, the authentication guard, CSRF protection for cookie sessions and
    the permission named in a handler's ``opt={"permission": ...}``. Returns a list; no
    ``order``.
    """


@hookspec
def steward_admin_routes() -> Sequence[Any]:
    """Litestar route handlers for staff pages, mounted under ``/admin/<plugin>``.

    Core adds the staff authentication guard and CSRF protection.
    """


@hookspec
def steward_portal_routes() -> Sequence[Any]:
    """Litestar route handlers for self-service pages, mounted under ``/portal/<plugin>``.

    Core adds the portal authentication guard; record-level checks stay the plugin's job.
    """


@hookspec
def steward_permissions() -> Sequence[Permission]:
    """Permissions this plugin checks, so that roles can grant them in the admin UI."""


@hookspec
def steward_interaction_types() -> Sequence[InteractionType]:
    """Interaction types this plugin owns, each with the model validating its payload."""


@hookspec
def steward_event_types() -> Sequence[EventType]:
    """Domain event names this plugin emits; emitting an undeclared name is an error."""


@hookspec
def steward_reports() -> Sequence[ReportSpec]:
    """Reports this plugin offers to staff and to the reports API."""


@hookspec
def steward_jinja_env(env: Environment) -> None:
    """Adjust the single Jinja environment shared by admin and portal (filters, globals).

    :param env: the environment; its loader already searches deployment overrides, then
        plugin template folders, then core.
    """


@hookspec
def steward_template_dirs() -> Sequence[Path]:
    """Folders holding this plugin's templates (conventionally ``templates/<plugin>/``)."""


@hookspec
def steward_cli_commands() -> Sequence[click.Command]:
    """Click commands added to the ``steward`` command line."""


@hookspec
def steward_import_commands() -> Sequence[click.Command]:
    """Click commands added under ``steward import`` (``steward import gifts FILE.csv``).

    Name each command after what it imports; core's ``constituents`` wins a clash. Follow
    ``steward import constituents``: a progress bar, every bad row reported with its line,
    the good rows committed, exit status 1 when any row was rejected.
    """


@hookspec
def steward_jobs() -> Sequence[JobSpec]:
    """Background job handlers, optionally scheduled (``every_seconds``)."""


# --- Lifecycle --------------------------------------------------------------------------


@hookspec
def steward_startup(settings: Settings) -> Any:
    """Called when the web application or worker starts (may return an awaitable)."""


@hookspec
def steward_shutdown(settings: Settings) -> Any:
    """Called when the web application or worker stops (may return an awaitable)."""


@hookspec
def steward_on_event(event: DomainEvent) -> Any:
    """Called after the transaction that emitted ``event`` has committed.

    Each plugin is called separately; an exception is logged and does not affect the request
    or other plugins. May return an awaitable.
    """


@hookspec
def steward_constituent_merge(survivor_id: int, merged_id: int) -> Any:
    """Re-point this plugin's rows from ``merged_id`` to ``survivor_id``.

    Runs inside the merge transaction: an exception aborts the whole merge. Must also keep
    any rollups exact. May return an awaitable. What it returns (a JSON-serialisable value,
    such as the ids of the rows it moved or removed) is kept with the merge and handed back
    to ``steward_constituent_unmerge`` if the merge is undone.
    """


@hookspec
def steward_constituent_unmerge(
    survivor_id: int, merged_id: int, snapshots: Mapping[str, Any]
) -> Any:
    """Reverse this plugin's part of a merge that staff are undoing.

    ``snapshots[<plugin name>]`` is what this plugin's ``steward_constituent_merge`` returned
    (absent when it returned None). Runs inside the undo's transaction: an exception aborts
    the undo. A plugin that implements this hook is not listed in the undo's
    ``plugins_not_reversed``. May return an awaitable.
    """


@hookspec
def steward_personal_data_export(constituent_id: int) -> ExportSection | None:
    """Everything this plugin holds about a constituent, for a subject-access export."""


@hookspec
def steward_personal_data_erasure(constituent_id: int) -> ErasureReport | None:
    """Erase (or anonymise) this plugin's personal data about a constituent.

    Runs inside the erasure transaction. Report what was kept for legal retention.
    """


@hookspec
def steward_demo_data(settings: Settings, seed: int) -> Any:
    """Add believable demo data for this plugin after core's demo data exists."""


# --- UI slots ---------------------------------------------------------------------------


@hookspec
def steward_admin_nav() -> Sequence[NavItem]:
    """Entries for the admin navigation; core filters them by the user's permissions."""


@hookspec
def steward_dashboard_cards(user_id: int) -> Sequence[DashboardCard]:
    """Cards for the admin dashboard of the given staff user."""


@hookspec
def steward_profile_panels(constituent_id: int) -> Sequence[ProfilePanel]:
    """Panels (and key facts for the header) on a constituent's 360° page."""


@hookspec
def steward_timeline_renderers() -> Sequence[TimelineRenderer]:
    """Templates that render this plugin's interaction types on the timeline."""


@hookspec
def steward_portal_widgets(constituent_id: int) -> Sequence[PortalWidget]:
    """Widgets in the self-service portal for the signed-in constituent."""


@hookspec
def steward_segment_filters() -> Sequence[SegmentFilter]:
    """Filters for constituent lists and saved segments."""

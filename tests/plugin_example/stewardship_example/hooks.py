"""Hook implementations of the example plugin: one of every hook, each doing real work."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from jinja2 import Environment
from pydantic import BaseModel, ConfigDict

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
from core.settings import Settings
from stewardship_example import service, web

lifecycle_calls: list[str] = []
"""Startup/shutdown calls seen, so tests can check the lifecycle hooks ran."""


@hookimpl
def steward_configure(settings: Settings) -> None:
    """Remember the organisation's name (a real plugin might prepare clients here)."""
    service.STATE["org_name"] = settings.org_name


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """``/api/v1/example/badges``."""
    return [web.list_badges, web.award_badge]


@hookimpl
def steward_admin_routes() -> Sequence[Any]:
    """``/admin/example/``: a page listing badges."""
    return [web.admin_badges_page]


@hookimpl
def steward_portal_routes() -> Sequence[Any]:
    """``/portal/example/``: the signed-in constituent's badges."""
    return [web.portal_my_badges]


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Awarding badges needs its own permission."""
    return [Permission("example.badges.write", "Award badges", order=500)]


class BadgeAwarded(BaseModel):
    """Payload of an ``example.badge_awarded`` interaction."""

    model_config = ConfigDict(extra="forbid")
    badge_id: int
    label: str


@hookimpl
def steward_interaction_types() -> Sequence[InteractionType]:
    """Awarding a badge shows on the constituent's timeline."""
    return [
        InteractionType(
            key="example.badge_awarded",
            label="Badge awarded",
            payload=BadgeAwarded,
            default_channel="other",
            order=500,
        )
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events this plugin emits."""
    return [EventType("example.badge_awarded", "A badge was awarded", order=500)]


@hookimpl
def steward_reports() -> Sequence[ReportSpec]:
    """Badges by label."""
    return [
        ReportSpec(
            key="example.badges_by_label",
            label="Badges by label",
            build=service.badges_by_label,
            permission="constituents.read",
            order=500,
        )
    ]


@hookimpl
def steward_jinja_env(env: Environment) -> None:
    """A filter the plugin's templates use."""
    env.filters["badge_label"] = lambda label: f"🏅 {label}"


@hookimpl
def steward_template_dirs() -> Sequence[Path]:
    """This plugin's templates."""
    return [Path(__file__).parent / "templates"]


@click.command("example-count")
def count_badges_command() -> None:
    """Print how many badges have been awarded."""
    from core.cli.base import run_async

    async def work(_: Any) -> int:
        return int(await db.fetch_value("SELECT COUNT(*) AS n FROM example_badge") or 0)

    click.echo(f"{run_async(work)} badge(s)")


@hookimpl
def steward_cli_commands() -> Sequence[click.Command]:
    """``steward example-count``."""
    return [count_badges_command]


@click.command("badges")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_badges_command(file: str) -> None:
    """Award badges from a CSV file with ``constituent_id`` and ``label`` columns."""
    import csv

    from core.cli.base import run_async
    from core.errors import StewardError

    with open(file, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    async def work(_: Any) -> list[str]:
        problems: list[str] = []
        for line, row in enumerate(rows, start=2):
            try:
                await service.award_badge(int(row["constituent_id"]), row["label"])
            except (StewardError, ValueError, KeyError) as exc:
                problems.append(f"line {line}: {exc}")
        return problems

    problems = run_async(work)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)


@hookimpl
def steward_import_commands() -> Sequence[click.Command]:
    """``steward import badges FILE.csv``."""
    return [import_badges_command]


@hookimpl
def steward_jobs() -> Sequence[JobSpec]:
    """A periodic recount, to exercise the job mechanism."""
    return [JobSpec(name="example.recount", handler=service.recount, every_seconds=3600)]


@hookimpl
def steward_startup(settings: Settings) -> None:
    """Record that the app started."""
    lifecycle_calls.append(f"startup:{settings.org_name}")


@hookimpl
def steward_shutdown(settings: Settings) -> None:
    """Record that the app stopped."""
    lifecycle_calls.append(f"shutdown:{settings.org_name}")


@hookimpl
async def steward_on_event(event: DomainEvent) -> None:
    """Log every event received after commit into this plugin's table."""
    await db.execute(
        "INSERT INTO example_event_log (name, payload, received_at) VALUES ({}, {}, {})",
        event.name,
        json.dumps(dict(event.payload), sort_keys=True, default=str),
        datetime.now(UTC),
    )


@hookimpl
async def steward_constituent_merge(survivor_id: int, merged_id: int) -> dict[str, Any]:
    """Move badges to the surviving record; say which, so an undo can move them back."""
    rows = await db.fetch_all("SELECT id FROM example_badge WHERE constituent_id = {}", merged_id)
    await db.execute(
        "UPDATE example_badge SET constituent_id = {} WHERE constituent_id = {}",
        survivor_id,
        merged_id,
    )
    return {"badge_ids": [int(r["id"]) for r in rows]}


@hookimpl
async def steward_constituent_unmerge(
    survivor_id: int, merged_id: int, snapshots: dict[str, Any]
) -> None:
    """Move the badges the merge moved back to the restored record."""
    for badge_id in snapshots.get("example", {}).get("badge_ids", []):
        await db.execute(
            "UPDATE example_badge SET constituent_id = {} WHERE id = {} AND constituent_id = {}",
            merged_id,
            badge_id,
            survivor_id,
        )


@hookimpl
async def steward_personal_data_export(constituent_id: int) -> ExportSection:
    """The constituent's badges."""
    rows = await db.fetch_all(
        "SELECT id, label, awarded_at FROM example_badge WHERE constituent_id = {} ORDER BY id",
        constituent_id,
    )
    return ExportSection(plugin="example", records={"badges": rows}, order=500)


@hookimpl
async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
    """Delete the constituent's badges."""
    count = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM example_badge WHERE constituent_id = {}", constituent_id
    )
    await db.execute("DELETE FROM example_badge WHERE constituent_id = {}", constituent_id)
    return ErasureReport(plugin="example", erased={"badges": int(count or 0)}, order=500)


@hookimpl
async def steward_demo_data(settings: Settings, seed: int) -> None:
    """Award a badge to the first few demo constituents."""
    rows = await db.fetch_all(
        "SELECT id FROM core_constituent WHERE deleted_at IS NULL ORDER BY id LIMIT 3"
    )
    for index, row in enumerate(rows):
        await service.award_badge(int(row["id"]), f"Demo {seed}-{index}")


@hookimpl
def steward_admin_nav() -> Sequence[NavItem]:
    """A nav entry for staff who may award badges."""
    return [
        NavItem("Badges", "/admin/example/", permission="example.badges.write", order=500),
        NavItem("Badge help", "/admin/example/?help=1", order=1),
    ]


@hookimpl
async def steward_dashboard_cards(user_id: int) -> Sequence[DashboardCard]:
    """How many badges exist."""
    total = await db.fetch_value("SELECT COUNT(*) AS n FROM example_badge")
    return [
        DashboardCard(
            key="example.total",
            title="Badges awarded",
            template="example/card.html",
            context={"total": int(total or 0), "viewer": user_id},
            order=500,
        )
    ]


@hookimpl
async def steward_profile_panels(constituent_id: int) -> Sequence[ProfilePanel]:
    """The constituent's badges, with a count for the page header."""
    rows = await db.fetch_all(
        "SELECT label FROM example_badge WHERE constituent_id = {} ORDER BY id", constituent_id
    )
    return [
        ProfilePanel(
            key="example.badges",
            title="Badges",
            template="example/panel.html",
            context={"labels": [r["label"] for r in rows]},
            facts={"Badges": str(len(rows))},
            order=500,
        )
    ]


@hookimpl
def steward_timeline_renderers() -> Sequence[TimelineRenderer]:
    """How a badge looks on the timeline."""
    return [TimelineRenderer("example.badge_awarded", "example/timeline_badge.html", order=500)]


@hookimpl
async def steward_portal_widgets(constituent_id: int) -> Sequence[PortalWidget]:
    """A widget with the constituent's own badge count."""
    count = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM example_badge WHERE constituent_id = {}", constituent_id
    )
    return [
        PortalWidget(
            key="example.my_badges",
            title="My badges",
            template="example/widget.html",
            context={"count": int(count or 0)},
            order=500,
        )
    ]


@hookimpl
def steward_segment_filters() -> Sequence[SegmentFilter]:
    """Constituents holding a badge with a given label."""
    return [
        SegmentFilter(
            key="example.has_badge",
            label="Has badge",
            sql=lambda label: (
                "c.id IN (SELECT constituent_id FROM example_badge WHERE label = {})",
                [label],
            ),
            order=500,
        )
    ]

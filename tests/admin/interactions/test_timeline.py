"""The constituent timeline fragment: items, filters, paging, renderers per type."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from jinja2 import ChoiceLoader, DictLoader
from litestar import Litestar
from pydantic import BaseModel, ConfigDict

from core import hookimpl
from core.interactions import service
from core.plugins.registry import PluginRegistry
from core.plugins.types import InteractionType, TimelineRenderer
from core.testing import BrowserSession, TestUser
from tests.admin.interactions.helpers import make_person
from tests.core.interactions.helpers import add_plugin, hooks_namespace

HTMX = {"HX-Request": "true"}
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


async def seed(person: int, owner: int) -> None:
    await service.record_interaction(
        constituent_id=person,
        interaction_type="core.call",
        occurred_at=T0,
        subject="Thank-you call",
        payload={"outcome": "voicemail", "duration_seconds": 120},
        owner_id=owner,
    )
    await service.record_interaction(
        constituent_id=person,
        interaction_type="core.email",
        occurred_at=T0 + timedelta(days=1),
        subject="Newsletter reply",
        direction="inbound",
        payload={"addresses": ["ada@example.org"]},
    )
    await service.record_interaction(
        constituent_id=person,
        interaction_type="core.note",
        occurred_at=T0 + timedelta(days=2),
        subject="Prefers phone",
        follow_up_due=date(2024, 3, 10),
        owner_id=owner,
    )


async def test_fragment_lists_items_with_filters(admin_ui: BrowserSession, admin: TestUser) -> None:
    person = await make_person()
    await seed(person, admin.user_id)
    response = await admin_ui.get(f"/admin/constituents/{person}/timeline", headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    positions = [html.index(s) for s in ("Prefers phone", "Newsletter reply", "Thank-you call")]
    assert positions == sorted(positions)
    assert "Inbound" in html
    assert "Phone" in html
    assert "Owner: admin" in html
    # The note's follow-up (due in 2024) is open and overdue.
    assert "Overdue" in html
    assert 'class="timeline-item overdue"' in html
    assert "Log an interaction" in html

    url = f"/admin/constituents/{person}/timeline"
    by_channel = (await admin_ui.get(f"{url}?channel=email&plugin=", headers=HTMX)).text
    assert "Newsletter reply" in by_channel
    assert "Thank-you call" not in by_channel
    assert '<option value="email" selected>' in by_channel
    core_only = (await admin_ui.get(f"{url}?plugin=interactions", headers=HTMX)).text
    assert "Thank-you call" in core_only
    assert "Newsletter reply" in core_only
    other = (await admin_ui.get(f"{url}?plugin=donations", headers=HTMX)).text
    assert "No interactions yet." in other
    bad = await admin_ui.get(f"{url}?channel=pigeon")
    assert bad.status_code == 422
    # Without htmx the same URL is a full page (the link works without JavaScript).
    page = await admin_ui.get(f"{url}?channel=letter")
    assert page.status_code == 200
    assert "<html" in page.text
    assert "Timeline of Ada Lovelace" in page.text
    assert "No interactions yet." in page.text


async def test_load_more_returns_only_the_next_items(admin_ui: BrowserSession) -> None:
    person = await make_person()
    for n in range(25):
        await service.record_interaction(
            constituent_id=person,
            interaction_type="core.note",
            occurred_at=T0 + timedelta(hours=n),
            subject=f"note {n:02d}",
        )
    url = f"/admin/constituents/{person}/timeline"
    first = (await admin_ui.get(url, headers=HTMX)).text
    assert "note 24" in first
    assert "note 05" in first
    assert "note 04" not in first
    assert f"{url}?page=2" in first
    assert "Load more" in first
    more = (await admin_ui.get(f"{url}?page=2", headers=HTMX)).text
    assert "<section" not in more
    assert "note 04" in more
    assert "note 00" in more
    assert "note 05" not in more
    assert "Load more" not in more


async def test_each_type_is_drawn_by_its_renderer(
    app: Litestar, registry: PluginRegistry, admin_ui: BrowserSession
) -> None:
    class GizmoPayload(BaseModel):
        model_config = ConfigDict(extra="forbid")
        size: int = 0

    @hookimpl
    def steward_interaction_types() -> list[InteractionType]:
        return [
            InteractionType("gizmo.widget", "Widget", GizmoPayload),
            InteractionType("gizmo.plain", "Plain gizmo", GizmoPayload),
            InteractionType("gizmo.broken", "Broken gizmo", GizmoPayload),
        ]

    @hookimpl
    def steward_timeline_renderers() -> list[TimelineRenderer]:
        return [
            TimelineRenderer("gizmo.widget", "gizmo/widget.html"),
            TimelineRenderer("gizmo.broken", "gizmo/missing.html"),
        ]

    add_plugin(
        registry,
        "gizmo",
        hooks_namespace(
            steward_interaction_types=steward_interaction_types,
            steward_timeline_renderers=steward_timeline_renderers,
        ),
    )
    env = app.state["jinja"]
    env.loader = ChoiceLoader(
        [
            DictLoader({"gizmo/widget.html": "<p>Widget of size {{ item.payload.size }}</p>"}),
            env.loader,
        ]
    )
    person = await make_person()
    for key, size in (("gizmo.widget", 7), ("gizmo.plain", 3), ("gizmo.broken", 5)):
        await service.record_interaction(
            constituent_id=person, interaction_type=key, payload={"size": size}, subject=key
        )
    await service.record_interaction(
        constituent_id=person,
        interaction_type="core.call",
        subject="A call",
        payload={"outcome": "no_answer"},
    )
    html = (await admin_ui.get(f"/admin/constituents/{person}/timeline", headers=HTMX)).text
    assert "Widget of size 7" in html
    # No renderer, or a renderer whose template is missing: the generic item.
    assert "gizmo.plain</h3>" in html
    assert "Plain gizmo" in html
    assert "gizmo.broken</h3>" in html
    # Core's call renderer shows the outcome.
    assert "No answer" in html
    assert "Outcome" in html
    assert "Gizmo" in html  # the source filter lists the plugin


async def test_viewer_reads_but_cannot_log(make_admin_ui: object) -> None:
    viewer = await make_admin_ui(roles=["viewer"])  # type: ignore[operator]
    person = await make_person()
    response = await viewer.get(f"/admin/constituents/{person}/timeline", headers=HTMX)
    assert response.status_code == 200
    assert "Log an interaction" not in response.text
    missing = await viewer.get("/admin/constituents/999999/timeline", headers=HTMX)
    assert missing.status_code == 404

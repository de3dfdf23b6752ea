"""Logging an interaction from the admin UI: the form, its validation, permissions, CSRF."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.interactions import queries
from core.testing import BrowserSession, TestUser
from tests.admin.interactions.helpers import make_person


async def test_logging_with_a_follow_up(admin_ui: BrowserSession, admin: TestUser) -> None:
    person = await make_person("Grace Hopper")
    form = await admin_ui.get(f"/admin/interactions/new?constituent_id={person}")
    assert form.status_code == 200
    assert "Log an interaction with Grace Hopper" in form.text
    for name in ("interaction_type", "channel", "direction", "subject", "body", "occurred_at"):
        assert f'name="{name}"' in form.text
    assert f'<option value="{admin.user_id}" selected>' in form.text
    assert '<option value="core.call"' in form.text
    missing = await admin_ui.get("/admin/interactions/new?constituent_id=999999")
    assert missing.status_code == 404

    due = date.today() + timedelta(days=7)
    response = await admin_ui.submit(
        "/admin/interactions",
        {
            "constituent_id": person,
            "interaction_type": "core.call",
            "channel": "phone",
            "direction": "",
            "subject": "Asked about legacy giving",
            "body": "Call back next week.",
            "occurred_at": "2024-06-01T09:30",
            "follow_up_due": due.isoformat(),
            "owner_id": admin.user_id,
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/constituents/{person}"
    assert "steward_flash" in response.headers.get("set-cookie", "")
    page = await queries.timeline(person)
    [item] = page.items
    assert item.subject == "Asked about legacy giving"
    assert item.body == "Call back next week."
    assert item.direction == "outbound"
    assert item.channel == "phone"
    assert item.occurred_at == datetime(2024, 6, 1, 9, 30, tzinfo=UTC)  # org zone is UTC
    assert (item.follow_up_status, item.follow_up_due, item.owner_id) == (
        "open",
        due,
        admin.user_id,
    )


async def test_bad_input_keeps_what_was_typed(admin_ui: BrowserSession) -> None:
    person = await make_person()
    fields: dict[str, Any] = {
        "constituent_id": person,
        "interaction_type": "core.note",
        "subject": "",
        "body": "Typed notes that must survive",
        "occurred_at": "yesterday-ish",
        "follow_up_due": "31/12/2024",
        "channel": "pigeon",
    }
    response = await admin_ui.submit("/admin/interactions", fields)
    assert response.status_code == 422
    html = response.text
    assert 'id="error-subject"' in html
    assert "This field is required." in html
    assert 'id="error-occurred_at"' in html
    assert 'id="error-follow_up_due"' in html
    assert "Enter a date as YYYY-MM-DD." in html
    assert 'id="error-channel"' in html
    assert "Typed notes that must survive" in html
    assert 'value="yesterday-ish"' in html
    assert 'value="31/12/2024"' in html
    assert (await queries.timeline(person)).total == 0

    unknown = await admin_ui.submit(
        "/admin/interactions",
        {**fields, "interaction_type": "core.telegram", "subject": "Hi", "channel": ""},
    )
    assert unknown.status_code == 422
    assert 'id="error-interaction_type"' in unknown.text

    stranger = await admin_ui.submit(
        "/admin/interactions",
        {
            **fields,
            "subject": "Hi",
            "channel": "",
            "occurred_at": "2024-06-01T09:30",
            "follow_up_due": "",
            "owner_id": "999999",
        },
    )
    assert stranger.status_code == 422
    assert 'id="error-owner_id"' in stranger.text


async def test_viewer_gets_403_and_csrf_is_required(
    make_admin_ui: Any, admin_ui: BrowserSession
) -> None:
    viewer = await make_admin_ui(roles=["viewer"])
    person = await make_person()
    form = await viewer.get(f"/admin/interactions/new?constituent_id={person}")
    assert form.status_code == 403
    response = await viewer.submit(
        "/admin/interactions",
        {"constituent_id": person, "interaction_type": "core.note", "subject": "x"},
    )
    assert response.status_code == 403
    assert (await queries.timeline(person)).total == 0
    no_token = await admin_ui.post(
        "/admin/interactions",
        data={
            "constituent_id": str(person),
            "interaction_type": "core.note",
            "subject": "x",
            "occurred_at": "2024-06-01T09:30",
        },
    )
    assert no_token.status_code == 403
    assert (await queries.timeline(person)).total == 0

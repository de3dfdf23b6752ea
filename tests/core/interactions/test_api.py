"""The interactions JSON API: timelines, interactions, follow-ups and interaction types."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from core import db
from core.interactions.queries import org_today
from core.testing import TestUser, create_test_user
from tests.core.interactions.helpers import make_constituent

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


def fields_of(response: httpx.Response) -> set[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return {e["field"] for e in response.json().get("errors", [])}


async def post_call(api: httpx.AsyncClient, person: int, **extra: Any) -> dict[str, Any]:
    body = {
        "constituent_id": person,
        "interaction_type": "core.call",
        "subject": "Thank-you call",
        "payload": {"duration_seconds": 120},
        **extra,
    }
    response = await api.post("/api/v1/interactions", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_record_read_and_timeline(api: httpx.AsyncClient, admin: TestUser) -> None:
    person = await make_constituent()
    created = await post_call(api, person, occurred_at="2024-05-01T10:00:00+02:00")
    assert created["type_label"] == "Phone call"
    assert created["source_plugin"] == "interactions"
    assert created["initiated_by"] == "staff"
    assert created["channel"] == "phone"
    assert created["payload"] == {"duration_seconds": 120, "phone_number": None, "outcome": None}
    assert created["occurred_at"].startswith("2024-05-01T08:00:00")
    assert created["constituent_name"] == "Ada Lovelace"

    fetched = await api.get(f"/api/v1/interactions/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created

    note = await api.post(
        "/api/v1/interactions",
        json={"constituent_id": person, "interaction_type": "core.note", "body": "Likes jazz"},
    )
    assert note.status_code == 201
    timeline = await api.get(f"/api/v1/constituents/{person}/timeline")
    assert timeline.status_code == 200
    page = timeline.json()
    assert (page["total"], page["page"], page["per_page"]) == (2, 1, 50)
    assert [i["interaction_type"] for i in page["items"]] == ["core.note", "core.call"]


async def test_timeline_filters_sort_and_pages(api: httpx.AsyncClient) -> None:
    person = await make_constituent()
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    for day in range(4):
        await post_call(api, person, occurred_at=(start + timedelta(days=day)).isoformat())
    await api.post(
        "/api/v1/interactions",
        json={
            "constituent_id": person,
            "interaction_type": "core.email",
            "occurred_at": "2024-01-02T09:00:00Z",
        },
    )
    url = f"/api/v1/constituents/{person}/timeline"

    response = await api.get(url, params={"type": "core.call", "per_page": 2, "page": 2})
    body = response.json()
    assert (body["total"], body["page"], body["per_page"]) == (4, 2, 2)
    assert [i["occurred_at"][:10] for i in body["items"]] == ["2024-01-02", "2024-01-01"]

    response = await api.get(
        url, params={"date_from": "2024-01-02", "date_to": "2024-01-02", "sort": "occurred_at"}
    )
    assert [i["interaction_type"] for i in response.json()["items"]] == ["core.email", "core.call"]
    response = await api.get(url, params={"channel": "email", "plugin": "interactions"})
    assert response.json()["total"] == 1


async def test_timeline_bad_input(api: httpx.AsyncClient) -> None:
    person = await make_constituent()
    gone = await make_constituent(deleted=True)
    url = f"/api/v1/constituents/{person}/timeline"
    for params in (
        {"date_from": "2024-02-30"},
        {"date_to": "yesterday"},
        {"per_page": "500"},
        {"page": "0"},
        {"channel": "fax"},
        {"sort": "subject"},
        {"follow_up_status": "maybe"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
    ):
        response = await api.get(url, params=params)
        assert response.status_code == 422, (params, response.text)
    response = await api.get(url, params={"date_from": "2024-02-01", "date_to": "2024-01-01"})
    assert response.status_code == 422
    assert fields_of(response) == {"date_from"}
    for missing in (gone, 999_999, 99_999_999_999):
        response = await api.get(f"/api/v1/constituents/{missing}/timeline")
        assert response.status_code == 404
        assert "no constituent" in response.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interaction_type": "core.telepathy"}, "interaction_type"),
        ({"payload": {"duration_seconds": "long"}}, "payload.duration_seconds"),
        ({"payload": {"mood": "happy"}}, "payload.mood"),
        ({"colour": "red"}, "colour"),
        ({"body": "x" * 20_001}, "body"),
        ({"subject": "x" * 301}, "subject"),
        ({"occurred_at": "2024-13-45T10:00:00Z"}, "occurred_at"),
        ({"occurred_at": "2024-01-01T10:00:00"}, "occurred_at"),
        ({"occurred_at": "1066-10-14T10:00:00Z"}, "occurred_at"),
        ({"occurred_at": "9999-12-31T23:00:00-05:00"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00+05:00"}, "occurred_at"),
        ({"follow_up_due": "tomorrow"}, "follow_up_due"),
        ({"follow_up_status": "done"}, "follow_up_status"),
        ({"channel": "fax"}, "channel"),
        ({"owner_id": 0}, "owner_id"),
        ({"owner_id": 777_777}, "owner_id"),
        ({"constituent_id": "ada"}, "constituent_id"),
        ({"external_ref": ""}, "external_ref"),
    ],
)
async def test_record_bad_input_is_422_naming_the_field(
    api: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    person = await make_constituent()
    body = {
        "constituent_id": person,
        "interaction_type": "core.call",
        "payload": {},
        **changes,
    }
    response = await api.post("/api/v1/interactions", json=body)
    assert response.status_code == 422, response.text
    assert any(field in name for name in fields_of(response)), response.json()
    assert await db.fetch_value("SELECT COUNT(*) AS n FROM core_interaction") == 0


async def test_record_for_missing_or_deleted_constituent_is_404(api: httpx.AsyncClient) -> None:
    gone = await make_constituent(deleted=True)
    for constituent_id in (gone, 999_999):
        response = await api.post(
            "/api/v1/interactions",
            json={"constituent_id": constituent_id, "interaction_type": "core.note"},
        )
        assert response.status_code == 404
        assert response.json()["detail"] == f"no constituent {constituent_id}"


async def test_external_ref_makes_posts_idempotent(api: httpx.AsyncClient) -> None:
    person = await make_constituent()
    other = await make_constituent("Other")
    first = await post_call(api, person, external_ref="crm-import-17")
    again = await post_call(api, person, external_ref="crm-import-17")
    assert again == first
    response = await api.post(
        "/api/v1/interactions",
        json={
            "constituent_id": other,
            "interaction_type": "core.call",
            "external_ref": "crm-import-17",
        },
    )
    assert response.status_code == 409


async def test_patch_delete_and_missing(api: httpx.AsyncClient, admin: TestUser) -> None:
    person = await make_constituent()
    created = await post_call(api, person)
    url = f"/api/v1/interactions/{created['id']}"

    response = await api.patch(
        url,
        json={
            "subject": "Left a voicemail",
            "owner_id": admin.user_id,
            "follow_up_due": "2031-01-31",
        },
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["subject"], changed["owner_id"], changed["owner_name"]) == (
        "Left a voicemail",
        admin.user_id,
        "admin",
    )
    assert (changed["follow_up_status"], changed["follow_up_due"]) == ("open", "2031-01-31")
    assert changed["overdue"] is False

    response = await api.patch(url, json={"owner_id": None})
    assert response.json()["owner_id"] is None
    bad_patches: list[dict[str, Any]] = [
        {"payload": {}},
        {"channel": None},
        {"body": "x" * 20_001},
        {"follow_up_due": "31/01"},
    ]
    for bad in bad_patches:
        response = await api.patch(url, json=bad)
        assert response.status_code == 422, (bad, response.text)

    assert (await api.delete(url)).status_code == 204
    assert (await api.get(url)).status_code == 404
    assert (await api.patch(url, json={"subject": "x"})).status_code == 404
    assert (await api.delete(url)).status_code == 404
    assert (await api.get("/api/v1/interactions/99999999999")).status_code == 404


async def test_follow_ups_api(api: httpx.AsyncClient, admin: TestUser) -> None:
    colleague = await create_test_user("colleague@example.org", ["staff"])
    person = await make_constituent()
    today = org_today()
    mine_overdue = await api.post(
        "/api/v1/follow-ups",
        json={
            "constituent_id": person,
            "due": (today - timedelta(days=2)).isoformat(),
            "subject": "Send the annual report",
        },
    )
    assert mine_overdue.status_code == 201, mine_overdue.text
    task = mine_overdue.json()
    assert (task["interaction_type"], task["owner_id"], task["overdue"]) == (
        "core.task",
        admin.user_id,
        True,
    )
    await post_call(api, person, owner_id=admin.user_id, follow_up_due=today.isoformat())
    await post_call(api, person, owner_id=colleague.user_id, follow_up_due="2020-01-01")

    mine = (await api.get("/api/v1/follow-ups")).json()
    assert mine["total"] == 2
    assert mine["counts"] == {"open": 2, "overdue": 1}
    assert mine["today"] == today.isoformat()
    assert [i["overdue"] for i in mine["items"]] == [True, False]

    everyone = (
        await api.get("/api/v1/follow-ups", params={"owner": "all", "overdue": "true"})
    ).json()
    assert everyone["total"] == 2
    assert everyone["counts"] == {"open": 3, "overdue": 2}
    theirs = (await api.get("/api/v1/follow-ups", params={"owner": str(colleague.user_id)})).json()
    assert [i["owner_id"] for i in theirs["items"]] == [colleague.user_id]

    done = await api.post(f"/api/v1/interactions/{task['id']}/follow-up/complete")
    assert done.status_code == 200
    assert done.json()["follow_up_status"] == "done"
    assert done.json()["follow_up_done_at"] is not None
    again = await api.post(f"/api/v1/interactions/{task['id']}/follow-up/complete")
    assert again.status_code == 409
    assert (await api.get("/api/v1/follow-ups")).json()["counts"] == {"open": 1, "overdue": 0}
    history = (await api.get("/api/v1/follow-ups", params={"status": "done"})).json()
    assert [i["id"] for i in history["items"]] == [task["id"]]

    for params in (
        {"owner": "boss"},
        {"owner": "-3"},
        {"status": "done", "overdue": "true"},
        {"status": "none"},
        {"due_before": "soon"},
        {"overdue": "perhaps"},
    ):
        response = await api.get("/api/v1/follow-ups", params=params)
        assert response.status_code == 422, (params, response.text)
    bad = await api.post(
        "/api/v1/follow-ups", json={"constituent_id": person, "due": "2030-02-30", "subject": "x"}
    )
    assert bad.status_code == 422
    assert fields_of(bad) == {"due"}
    cancel_missing = await api.post("/api/v1/interactions/999999/follow-up/cancel")
    assert cancel_missing.status_code == 404


async def test_interaction_types_api(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/interaction-types")
    assert response.status_code == 200
    types = {t["key"]: t for t in response.json()}
    assert types["core.call"]["plugin"] == "interactions"
    assert types["core.call"]["label"] == "Phone call"
    assert types["core.call"]["default_channel"] == "phone"
    schema = types["core.call"]["payload_schema"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["duration_seconds"]["anyOf"][0]["maximum"] == 86_400
    assert types["core.note"]["payload_schema"]["properties"] == {}


async def test_permissions(client: httpx.AsyncClient, make_api_client: MakeClient) -> None:
    person = await make_constituent()
    viewer = await make_api_client(roles=["viewer"])
    assert (await viewer.get(f"/api/v1/constituents/{person}/timeline")).status_code == 200
    assert (await viewer.get("/api/v1/follow-ups")).status_code == 200
    response = await viewer.post(
        "/api/v1/interactions", json={"constituent_id": person, "interaction_type": "core.note"}
    )
    assert response.status_code == 403
    assert (await viewer.delete("/api/v1/interactions/1")).status_code == 403

    outsider = await make_api_client(roles=["staff"], scopes=["constituents.read"])
    assert (await outsider.get(f"/api/v1/constituents/{person}/timeline")).status_code == 403
    assert (await outsider.get("/api/v1/interaction-types")).status_code == 403

    assert (await client.get(f"/api/v1/constituents/{person}/timeline")).status_code == 401

    staff = await make_api_client(roles=["staff"])
    response = await staff.post(
        "/api/v1/interactions", json={"constituent_id": person, "interaction_type": "core.note"}
    )
    assert response.status_code == 201


async def test_openapi_documents_the_endpoints(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/constituents/{constituent_id}/timeline",
        "/api/v1/interactions",
        "/api/v1/interactions/{interaction_id}",
        "/api/v1/interactions/{interaction_id}/follow-up/complete",
        "/api/v1/follow-ups",
        "/api/v1/interaction-types",
    ):
        assert path in paths, path

"""The constituents JSON API end to end: records, contacts, tags and custom fields."""

from __future__ import annotations

from typing import Any

import httpx

from tests.core.constituents.record_helpers import MARIA

BASE = "/api/v1/constituents"


async def _create(api: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    response = await api.post(BASE, json={**MARIA, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_read_update_delete_restore(api: httpx.AsyncClient) -> None:
    tag = (await api.post("/api/v1/tags", json={"name": "Major donor"})).json()
    field = await api.post(
        "/api/v1/custom-fields",
        json={"key": "shoe_size", "label": "Shoe size", "field_type": "number"},
    )
    assert field.status_code == 201
    created = await _create(
        api,
        emails=[{"email": "maria@example.org"}],
        phones=[{"number": "+34 911 23 45 67"}],
        addresses=[{"line1": "Calle Mayor 1", "postcode": "28013", "country": "ES"}],
        tags=[tag["id"]],
        custom_fields={"shoe_size": 38.5},
    )
    cid = created["id"]
    assert created["display_name"] == "Dr. María José García López Jr."
    assert created["greeting_name"] == "Pepa"
    assert created["primary_email"] == "maria@example.org"
    assert created["custom_fields"] == {"shoe_size": "38.5"}
    assert [t["name"] for t in created["tags"]] == ["Major donor"]

    fetched = await api.get(f"{BASE}/{cid}")
    assert fetched.status_code == 200
    assert fetched.json() == created

    patched = await api.patch(f"{BASE}/{cid}", json={"lifecycle_stage": "active", "suffix": None})
    assert patched.status_code == 200
    assert patched.json()["lifecycle_stage"] == "active"
    assert patched.json()["display_name"] == "Dr. María José García López"

    listed = await api.get(BASE, params={"q": "garcia", "sort": "-created_at"})
    assert listed.status_code == 200
    page = listed.json()
    assert page["total"] == 1
    assert (page["page"], page["per_page"]) == (1, 50)
    assert page["items"][0]["id"] == cid

    assert (await api.delete(f"{BASE}/{cid}")).status_code == 204
    assert (await api.get(f"{BASE}/{cid}")).status_code == 404
    assert (await api.get(BASE)).json()["total"] == 0
    deleted = await api.get(f"{BASE}/{cid}", params={"include_deleted": "true"})
    assert deleted.status_code == 200
    assert deleted.json()["deleted_at"] is not None
    restored = await api.post(f"{BASE}/{cid}/restore")
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    again = await api.post(f"{BASE}/{cid}/restore")
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")


async def test_list_filters_over_http(api: httpx.AsyncClient) -> None:
    tag = (await api.post("/api/v1/tags", json={"name": "Board"})).json()
    person = await _create(api, tags=[tag["id"]])
    org = await api.post(BASE, json={"kind": "organisation", "organisation_name": "The Trust"})
    assert org.status_code == 201
    by_tag = (await api.get(BASE, params={"tag": tag["id"]})).json()
    assert [i["id"] for i in by_tag["items"]] == [person["id"]]
    orgs = (await api.get(BASE, params={"kind": "organisation"})).json()
    assert [i["sort_name"] for i in orgs["items"]] == ["Trust"]
    living = (await api.get(BASE, params={"deceased": "false", "per_page": 1})).json()
    assert living["total"] == 2
    assert len(living["items"]) == 1
    created_range = await api.get(
        BASE, params={"created_from": "2000-01-01T00:00:00Z", "created_to": "2999-01-01T00:00:00Z"}
    )
    assert created_range.json()["total"] == 2


async def test_contact_endpoints(api: httpx.AsyncClient) -> None:
    cid = (await _create(api))["id"]
    email = await api.post(f"{BASE}/{cid}/emails", json={"email": "a@example.org"})
    assert email.status_code == 201
    second = await api.post(f"{BASE}/{cid}/emails", json={"email": "b@example.org"})
    promoted = await api.patch(
        f"{BASE}/{cid}/emails/{second.json()['id']}", json={"is_primary": True}
    )
    assert promoted.json()["is_primary"] is True
    emails = (await api.get(f"{BASE}/{cid}/emails")).json()
    assert [(e["email"], e["is_primary"]) for e in emails] == [
        ("a@example.org", False),
        ("b@example.org", True),
    ]
    duplicate = await api.post(f"{BASE}/{cid}/emails", json={"email": "A@example.org"})
    assert duplicate.status_code == 409
    removed = await api.delete(f"{BASE}/{cid}/emails/{second.json()['id']}")
    assert removed.status_code == 204
    assert (await api.get(f"{BASE}/{cid}")).json()["primary_email"] == "a@example.org"

    phone = await api.post(f"{BASE}/{cid}/phones", json={"number": "(202) 555-0143"})
    assert phone.json()["number"] == "+12025550143"
    changed = await api.patch(
        f"{BASE}/{cid}/phones/{phone.json()['id']}", json={"phone_type": "work"}
    )
    assert changed.json()["phone_type"] == "work"
    assert len((await api.get(f"{BASE}/{cid}/phones")).json()) == 1
    assert (await api.delete(f"{BASE}/{cid}/phones/{phone.json()['id']}")).status_code == 204

    address = await api.post(
        f"{BASE}/{cid}/addresses", json={"line1": "1 High St", "postcode": "ls1 4ap"}
    )
    assert address.json()["postcode"] == "LS1 4AP"
    moved = await api.patch(
        f"{BASE}/{cid}/addresses/{address.json()['id']}", json={"valid_to": "2030-01-01"}
    )
    assert moved.json()["valid_to"] == "2030-01-01"
    assert (await api.get(f"{BASE}/{cid}/addresses")).json()[0]["postcode"] == "LS1 4AP"
    gone = await api.delete(f"{BASE}/{cid}/addresses/{address.json()['id']}")
    assert gone.status_code == 204
    assert (await api.delete(f"{BASE}/{cid}/addresses/{address.json()['id']}")).status_code == 404


async def test_tag_endpoints(api: httpx.AsyncClient) -> None:
    cid = (await _create(api))["id"]
    tag = await api.post("/api/v1/tags", json={"name": "Volunteer"})
    assert tag.status_code == 201
    tag_id = tag.json()["id"]
    assert (await api.post("/api/v1/tags", json={"name": "volunteer"})).status_code == 409
    for _ in range(2):
        put = await api.put(f"{BASE}/{cid}/tags/{tag_id}")
        assert put.status_code == 200
        assert [t["id"] for t in put.json()] == [tag_id]
    listed = (await api.get("/api/v1/tags")).json()
    assert listed["items"][0]["constituent_count"] == 1
    renamed = await api.patch(f"/api/v1/tags/{tag_id}", json={"name": "Volunteers"})
    assert renamed.json()["name"] == "Volunteers"
    for _ in range(2):
        assert (await api.delete(f"{BASE}/{cid}/tags/{tag_id}")).status_code == 204
    assert (await api.get(f"{BASE}/{cid}")).json()["tags"] == []
    assert (await api.delete(f"/api/v1/tags/{tag_id}")).status_code == 204
    assert (await api.put(f"{BASE}/{cid}/tags/{tag_id}")).status_code == 404


async def test_custom_field_endpoints(api: httpx.AsyncClient) -> None:
    cid = (await _create(api))["id"]
    defined = await api.post(
        "/api/v1/custom-fields",
        json={"key": "tshirt", "label": "T-shirt", "field_type": "choice", "choices": ["S", "M"]},
    )
    assert defined.status_code == 201
    assert defined.json()["choices"] == ["S", "M"]
    listed = (await api.get("/api/v1/custom-fields")).json()
    assert [f["key"] for f in listed["items"]] == ["tshirt"]
    updated = await api.patch("/api/v1/custom-fields/tshirt", json={"choices": ["S", "M", "L"]})
    assert updated.status_code == 200
    assert updated.json()["choices"] == ["S", "M", "L"]
    value = await api.put(f"{BASE}/{cid}/custom-fields/tshirt", json={"value": "L"})
    assert value.status_code == 200
    assert value.json() == {"tshirt": "L"}
    cleared = await api.put(f"{BASE}/{cid}/custom-fields/tshirt", json={"value": None})
    assert cleared.json() == {}
    missing = await api.put(f"{BASE}/{cid}/custom-fields/nope", json={"value": "x"})
    assert missing.status_code == 404
    assert (await api.patch("/api/v1/custom-fields/nope", json={"label": "x"})).status_code == 404


async def test_changes_through_the_api_are_audited_as_the_caller(api: httpx.AsyncClient) -> None:
    cid = (await _create(api))["id"]
    await api.patch(f"{BASE}/{cid}", json={"notes": "Prefers email"})
    entries = (await api.get("/api/v1/audit", params={"constituent_id": cid})).json()
    assert entries[0]["action"] == "update"
    assert entries[0]["actor_kind"] == "token"
    assert entries[0]["before"]["notes"] == ""
    assert entries[0]["after"]["notes"] == "Prefers email"


async def test_openapi_lists_the_constituent_routes(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/constituents",
        "/api/v1/constituents/{constituent_id}",
        "/api/v1/constituents/{constituent_id}/emails/{email_id}",
        "/api/v1/constituents/{constituent_id}/custom-fields/{key}",
        "/api/v1/tags/{tag_id}",
        "/api/v1/custom-fields",
    ):
        assert path in paths

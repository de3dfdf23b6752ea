"""Who may do what: viewers read, staff write, anonymous callers get 401."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.core.constituents.record_helpers import MARIA

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]
BASE = "/api/v1/constituents"


async def _fixtures(api: httpx.AsyncClient) -> dict[str, Any]:
    tag = (await api.post("/api/v1/tags", json={"name": "Donor"})).json()
    await api.post(
        "/api/v1/custom-fields", json={"key": "note", "label": "Note", "field_type": "text"}
    )
    person = (
        await api.post(
            BASE,
            json={
                **MARIA,
                "emails": [{"email": "m@example.org"}],
                "phones": [{"number": "+34 911 23 45 67"}],
                "addresses": [{"line1": "Calle Mayor 1"}],
            },
        )
    ).json()
    return {
        "id": person["id"],
        "email": person["emails"][0]["id"],
        "phone": person["phones"][0]["id"],
        "address": person["addresses"][0]["id"],
        "tag": tag["id"],
    }


def _reads(ids: dict[str, Any]) -> list[str]:
    cid = ids["id"]
    return [
        BASE,
        f"{BASE}/{cid}",
        f"{BASE}/{cid}/emails",
        f"{BASE}/{cid}/phones",
        f"{BASE}/{cid}/addresses",
        "/api/v1/tags",
        "/api/v1/custom-fields",
    ]


def _writes(ids: dict[str, Any]) -> list[tuple[str, str, Any]]:
    cid = ids["id"]
    return [
        ("POST", BASE, MARIA),
        ("PATCH", f"{BASE}/{cid}", {"notes": "x"}),
        ("POST", f"{BASE}/{cid}/emails", {"email": "x@example.org"}),
        ("PATCH", f"{BASE}/{cid}/emails/{ids['email']}", {"email_type": "work"}),
        ("DELETE", f"{BASE}/{cid}/emails/{ids['email']}", None),
        ("POST", f"{BASE}/{cid}/phones", {"number": "+34 911 23 45 68"}),
        ("PATCH", f"{BASE}/{cid}/phones/{ids['phone']}", {"phone_type": "work"}),
        ("DELETE", f"{BASE}/{cid}/phones/{ids['phone']}", None),
        ("POST", f"{BASE}/{cid}/addresses", {"line1": "2 High St"}),
        ("PATCH", f"{BASE}/{cid}/addresses/{ids['address']}", {"city": "Leeds"}),
        ("DELETE", f"{BASE}/{cid}/addresses/{ids['address']}", None),
        ("POST", "/api/v1/tags", {"name": "New"}),
        ("PATCH", f"/api/v1/tags/{ids['tag']}", {"name": "Renamed"}),
        ("PUT", f"{BASE}/{cid}/tags/{ids['tag']}", None),
        ("DELETE", f"{BASE}/{cid}/tags/{ids['tag']}", None),
        ("PUT", f"{BASE}/{cid}/custom-fields/note", {"value": "x"}),
    ]


def _admin_only(ids: dict[str, Any]) -> list[tuple[str, str, Any]]:
    cid = ids["id"]
    return [
        ("DELETE", f"{BASE}/{cid}", None),
        ("POST", f"{BASE}/{cid}/restore", None),
        ("POST", f"{BASE}/{cid}/erase", None),
        ("GET", f"{BASE}/{cid}/export", None),
        ("DELETE", f"/api/v1/tags/{ids['tag']}", None),
        ("POST", "/api/v1/custom-fields", {"key": "k", "label": "K", "field_type": "text"}),
        ("PATCH", "/api/v1/custom-fields/note", {"label": "Notes"}),
    ]


async def _call(client: httpx.AsyncClient, method: str, url: str, body: Any) -> int:
    response = await client.request(method, url, json=body)
    return response.status_code


async def test_viewer_reads_but_cannot_change_anything(
    api: httpx.AsyncClient, make_api_client: MakeClient
) -> None:
    ids = await _fixtures(api)
    viewer = await make_api_client(roles=["viewer"])
    for url in _reads(ids):
        assert (await viewer.get(url)).status_code == 200, url
    for method, url, body in _writes(ids) + _admin_only(ids):
        response = await viewer.request(method, url, json=body)
        assert response.status_code == 403, (method, url)
        assert response.headers["content-type"].startswith("application/problem+json")
    # Nothing changed.
    detail = (await api.get(f"{BASE}/{ids['id']}")).json()
    assert detail["notes"] == ""
    assert len(detail["emails"]) == 1


async def test_staff_write_but_do_not_delete_or_define_fields(
    api: httpx.AsyncClient, make_api_client: MakeClient
) -> None:
    ids = await _fixtures(api)
    staff = await make_api_client(roles=["staff"])
    for method, url, body in _writes(ids):
        assert await _call(staff, method, url, body) in {200, 201, 204}, (method, url)
    for method, url, body in _admin_only(ids):
        assert await _call(staff, method, url, body) == 403, (method, url)


async def test_anonymous_callers_get_401_everywhere(
    api: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    ids = await _fixtures(api)
    calls = [("GET", url, None) for url in _reads(ids)] + _writes(ids) + _admin_only(ids)
    for method, url, body in calls:
        response = await client.request(method, url, json=body)
        assert response.status_code == 401, (method, url)
        assert response.json()["status"] == 401

"""GET /api/v1/search/constituents/similar: similar names over HTTP, behind constituents.read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

URL = "/api/v1/search/constituents/similar"


async def test_a_misspelt_name_finds_the_person(
    api: httpx.AsyncClient, people: dict[str, int]
) -> None:
    response = await api.get(URL, params={"q": "Jsoe Nunze", "limit": 5})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["query"] == "Jsoe Nunze"
    assert body["limit"] == 5
    assert {item["id"] for item in body["items"]} == {people["jose"], people["plain"]}
    jose = next(item for item in body["items"] if item["id"] == people["jose"])
    assert jose == {
        "id": people["jose"],
        "display_name": "José Núñez",
        "kind": "individual",
        "primary_email": "jose.nunez@example.org",
        "primary_phone": "+34911234567",
        "primary_postcode": "SW1A 2AA",
        "match": "similar_name",
        "deleted": False,
        "similarity": pytest.approx(7 / 9, abs=0.001),
    }


async def test_the_bin_only_when_asked(api: httpx.AsyncClient, people: dict[str, int]) -> None:
    assert (await api.get(URL, params={"q": "Nuria Borrdaa"})).json()["items"] == []
    body = (await api.get(URL, params={"q": "Nuria Borrdaa", "include_deleted": "true"})).json()
    assert [(item["id"], item["deleted"]) for item in body["items"]] == [(people["gone"], True)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "ab"},
        {"q": "jonh@example.org"},
        {"q": "x" * 201},
        {"q": "smith", "limit": 0},
        {"q": "smith", "limit": 26},
        {"q": "smith", "limit": "many"},
    ],
)
async def test_bad_queries_are_problem_json_4xx(
    api: httpx.AsyncClient, people: dict[str, int], params: dict[str, str | int]
) -> None:
    response = await api.get(URL, params=params)
    assert response.status_code in {400, 422}
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_requires_constituents_read(
    make_api_client: Callable[..., Awaitable[httpx.AsyncClient]], people: dict[str, int]
) -> None:
    no_scope = await make_api_client(roles=["admin"], scopes=["interactions.read"])
    assert (await no_scope.get(URL, params={"q": "jsoe"})).status_code == 403
    reader = await make_api_client(roles=["admin"], scopes=["constituents.read"])
    assert (await reader.get(URL, params={"q": "jsoe"})).status_code == 200


async def test_documented_in_openapi(api: httpx.AsyncClient) -> None:
    schema = (await api.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/v1/search/constituents/similar"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "limit", "include_deleted"}
    assert "typo" in operation["description"]

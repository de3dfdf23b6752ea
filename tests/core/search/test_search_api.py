"""GET /api/v1/search/constituents: the search service over HTTP, behind constituents.read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

URL = "/api/v1/search/constituents"


async def test_search_returns_ranked_hits(api: httpx.AsyncClient, people: dict[str, int]) -> None:
    response = await api.get(URL, params={"q": "Jose Nunez", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "Jose Nunez"
    assert body["limit"] == 5
    assert body["offset"] == 0
    assert body["has_more"] is False
    assert {item["id"] for item in body["items"]} == {people["jose"], people["plain"]}
    jose = next(item for item in body["items"] if item["id"] == people["jose"])
    assert jose == {
        "id": people["jose"],
        "display_name": "José Núñez",
        "kind": "individual",
        "primary_email": "jose.nunez@example.org",
        "primary_phone": "+34911234567",
        "primary_postcode": "SW1A 2AA",
        "match": "name",
        "deleted": False,
    }


async def test_exact_email_first_over_http(api: httpx.AsyncClient, people: dict[str, int]) -> None:
    response = await api.get(URL, params={"q": "maria@example.org"})
    assert [item["match"] for item in response.json()["items"]] == ["email"]
    assert response.json()["items"][0]["id"] == people["ana"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 201},
        {"q": "a", "limit": 0},
        {"q": "a", "limit": 101},
    ],
)
async def test_bad_queries_are_422(
    api: httpx.AsyncClient, people: dict[str, int], params: dict[str, object]
) -> None:
    response = await api.get(URL, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("q", ['"', "*", "NEAR(a b)", "(", "%", "' OR 1=1 --", "a) OR (b"])
async def test_syntax_characters_are_200(
    api: httpx.AsyncClient, people: dict[str, int], q: str
) -> None:
    response = await api.get(URL, params={"q": q})
    assert response.status_code == 200


async def test_requires_constituents_read(
    make_api_client: Callable[..., Awaitable[httpx.AsyncClient]], people: dict[str, int]
) -> None:
    no_scope = await make_api_client(roles=["admin"], scopes=["interactions.read"])
    assert (await no_scope.get(URL, params={"q": "jose"})).status_code == 403
    reader = await make_api_client(roles=["admin"], scopes=["constituents.read"])
    assert (await reader.get(URL, params={"q": "jose"})).status_code == 200

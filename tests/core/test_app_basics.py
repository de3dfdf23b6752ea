"""The application boots on the test database, answers health checks and refuses strangers."""

from __future__ import annotations

import httpx


async def test_healthz_reports_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/api/v1/plugins", "/no-such-page"):
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_api_requires_authentication(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/plugins")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 401


async def test_unknown_bearer_token_is_rejected(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/plugins", headers={"Authorization": "Bearer stw_not-a-real-token"}
    )
    assert response.status_code == 401


async def test_unknown_host_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"Host": "evil.example.com"})
    assert response.status_code == 400


async def test_openapi_schema_is_served(api: httpx.AsyncClient) -> None:
    response = await api.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/plugins" in paths
    assert "/api/v1/donations" in paths


async def test_allowed_host_with_a_port_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"Host": "testserver:8000"})
    assert response.status_code == 200
    refused = await client.get("/healthz", headers={"Host": "evil.example.com:8000"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "This host name is not served here."


async def test_front_door_points_at_the_admin_ui(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 302
    assert response.headers["location"] == "/admin/"

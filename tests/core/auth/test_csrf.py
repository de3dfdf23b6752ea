"""CSRF: cookie-authenticated unsafe requests need the session's token; others do not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from litestar import Litestar, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from core.app import create_app
from core.plugins.registry import PluginRegistry
from core.testing import TestUser, client_for
from core.web.mounting import STAFF_GUARDS
from tests.core.auth.conftest import sign_in

TOKENS = "/api/v1/tokens"


@post("/form", status_code=200)
async def form_echo(
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> dict[str, str]:
    """Echo an HTML form post, to prove the guard leaves the body to the handler."""
    return data


@post("/upload", status_code=200)
async def multipart_echo(
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> dict[str, str]:
    """Echo a multipart form post."""
    return {key: value for key, value in data.items() if isinstance(value, str)}


@post("/webhooks/incoming", opt={"exclude_from_csrf": True}, status_code=200)
async def webhook() -> dict[str, str]:
    """A webhook: exempt by handler option."""
    return {"ok": "webhook"}


@post("/settings/webhooks/rotate", status_code=200)
async def rotate_webhook_secret() -> dict[str, str]:
    """Not exempt, although its path mentions webhooks."""
    return {"ok": "rotated"}


@get("/read")
async def read() -> dict[str, str]:
    """A safe method never needs the token."""
    return {"ok": "read"}


@pytest.fixture
async def app(registry: PluginRegistry) -> AsyncIterator[Litestar]:
    """The app plus probe routes behind exactly the guards core gives staff routes."""
    probes = Router(
        path="/probe",
        route_handlers=[form_echo, multipart_echo, webhook, rotate_webhook_secret, read],
        guards=list(STAFF_GUARDS),
    )
    application = create_app(registry=registry, extra_route_handlers=[probes])
    for hook in application.on_startup:
        await hook()
    try:
        yield application
    finally:
        for hook in reversed(application.on_shutdown):
            await hook()


async def test_cookie_write_without_token_is_403(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    response = await client.post(
        TOKENS, json={"name": "x"}, headers=session.headers(send_csrf=False)
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert (await client.get(TOKENS, headers=session.headers())).json()["total"] == 1


async def test_cookie_write_with_wrong_token_is_403(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    for wrong in ("nope", session.csrf[:-1], session.csrf + "x", " "):
        response = await client.post(
            TOKENS, json={"name": "x"}, headers=session.headers(csrf=wrong)
        )
        assert response.status_code == 403, wrong


async def test_another_sessions_token_does_not_work(
    client: httpx.AsyncClient, staff: TestUser, admin: TestUser
) -> None:
    mine = await sign_in(client, staff.email)
    theirs = await sign_in(client, admin.email)

    response = await client.post(TOKENS, json={"name": "x"}, headers=mine.headers(csrf=theirs.csrf))

    assert response.status_code == 403


async def test_cookie_write_with_the_right_token_works(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    response = await client.post(
        TOKENS, json={"name": "from the browser"}, headers=session.headers()
    )

    assert response.status_code == 201
    assert response.json()["user_id"] == staff.user_id


async def test_every_unsafe_method_is_checked(client: httpx.AsyncClient, admin: TestUser) -> None:
    session = await sign_in(client, admin.email)
    bare = session.headers(send_csrf=False)

    assert (await client.patch("/api/v1/roles/viewer", json={}, headers=bare)).status_code == 403
    assert (await client.delete(f"{TOKENS}/1", headers=bare)).status_code == 403
    assert (
        await client.put(f"/api/v1/users/{admin.user_id}/password", json={}, headers=bare)
    ).status_code == 403
    assert (await client.get("/probe/read", headers=bare)).status_code == 200


async def test_bearer_requests_are_exempt(client: httpx.AsyncClient, staff: TestUser) -> None:
    response = await client.post(
        TOKENS, json={"name": "automation"}, headers={"Authorization": f"Bearer {staff.token}"}
    )
    assert response.status_code == 201


async def test_anonymous_public_write_needs_no_token(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"email": staff.email, "password": staff.password}
    )
    assert response.status_code == 200


async def test_logout_with_a_live_cookie_needs_the_token(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    forced = await client.post("/api/v1/auth/logout", headers=session.headers(send_csrf=False))

    assert forced.status_code == 403
    me = await client.get("/api/v1/auth/me", headers=session.headers(send_csrf=False))
    assert me.status_code == 200


async def test_form_field_token_is_accepted_and_the_body_reaches_the_handler(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)
    cookie_only = session.headers(send_csrf=False)

    ok = await client.post(
        "/probe/form", data={"_csrf": session.csrf, "note": "hello"}, headers=cookie_only
    )
    refused = await client.post(
        "/probe/form", data={"_csrf": "wrong", "note": "hello"}, headers=cookie_only
    )
    missing = await client.post("/probe/form", data={"note": "hello"}, headers=cookie_only)

    assert ok.status_code == 200
    assert ok.json() == {"_csrf": session.csrf, "note": "hello"}
    assert refused.status_code == 403
    assert missing.status_code == 403


async def test_multipart_form_token_is_accepted(client: httpx.AsyncClient, staff: TestUser) -> None:
    session = await sign_in(client, staff.email)

    response = await client.post(
        "/probe/upload",
        data={"_csrf": session.csrf, "title": "minutes"},
        files={"file": ("minutes.txt", b"agenda", "text/plain")},
        headers=session.headers(send_csrf=False),
    )

    assert response.status_code == 200
    assert response.json() == {"_csrf": session.csrf, "title": "minutes"}


async def test_json_body_field_is_not_a_substitute_for_the_header(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)

    response = await client.post(
        "/probe/form",
        json={"_csrf": session.csrf},
        headers=session.headers(send_csrf=False),
    )

    assert response.status_code == 403


async def test_exemption_comes_from_the_handler_option_not_the_path(
    client: httpx.AsyncClient, staff: TestUser
) -> None:
    session = await sign_in(client, staff.email)
    bare = session.headers(send_csrf=False)

    assert (await client.post("/probe/webhooks/incoming", headers=bare)).status_code == 200
    assert (await client.post("/probe/settings/webhooks/rotate", headers=bare)).status_code == 403
    assert (
        await client.post("/probe/settings/webhooks/rotate", headers=session.headers())
    ).status_code == 200


async def test_probe_routes_are_still_behind_the_staff_guard(app: Litestar) -> None:
    async with client_for(app) as anonymous:
        assert (await anonymous.get("/probe/read")).status_code == 401

"""The portal is mounted, anonymous visitors go to the sign-in page, pages render."""

from __future__ import annotations

import httpx

from tests.portal.conftest import PortalClient


async def test_anonymous_is_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/portal/profile")
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/login?next=/portal/profile"
    page = await client.get("/portal/login")
    assert page.status_code == 200
    assert "Email me a sign-in link" in page.text


async def test_signed_in_pages_render(portal_client: PortalClient) -> None:
    for path in [
        "/portal/",
        "/portal/profile",
        "/portal/preferences",
        "/portal/household",
        "/portal/my-data",
        "/portal/security",
    ]:
        response = await portal_client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert 'name="viewport"' in response.text


async def test_spanish_sign_in_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/portal/login", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert page.status_code == 200
    assert 'lang="es"' in page.text
    assert "Enviarme un enlace de acceso" in page.text

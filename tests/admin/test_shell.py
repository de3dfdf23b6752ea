"""The admin shell over HTTP: sign-in, redirects, error pages, language, search."""

from __future__ import annotations

import httpx

from core.testing import BrowserSession, TestUser


async def test_anonymous_pages_redirect_to_sign_in_with_next(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/search?q=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=/admin/search"


async def test_htmx_requests_get_an_hx_redirect(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/search", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/admin/login")


async def test_sign_in_goes_to_next_but_never_off_site(
    client: httpx.AsyncClient, admin: TestUser
) -> None:
    form = {"email": admin.email, "password": admin.password, "next": "/admin/search?q=a"}
    response = await client.post("/admin/login", data=form)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/search?q=a"
    form["next"] = "//evil.example/admin"
    client.cookies.clear()
    response = await client.post("/admin/login", data=form)
    assert response.headers["location"] == "/admin/"


async def test_wrong_password_shows_the_form_again(
    client: httpx.AsyncClient, admin: TestUser
) -> None:
    response = await client.post(
        "/admin/login", data={"email": admin.email, "password": "wrong password"}
    )
    assert response.status_code == 401
    assert "Incorrect email or password." in response.text
    assert f'value="{admin.email}"' in response.text
    assert "steward_session" not in response.headers.get("set-cookie", "")


async def test_sign_in_from_another_site_is_refused(
    client: httpx.AsyncClient, admin: TestUser
) -> None:
    response = await client.post(
        "/admin/login",
        data={"email": admin.email, "password": admin.password},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]


async def test_signed_in_error_pages_are_html(admin_ui: BrowserSession) -> None:
    response = await admin_ui.get("/admin/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    api = await admin_ui.get("/api/v1/no-such-thing")
    assert api.headers["content-type"].startswith("application/problem+json")


async def test_language_switch_sets_a_cookie_and_translates(
    admin_ui: BrowserSession,
) -> None:
    response = await admin_ui.submit("/admin/language", {"locale": "es", "next": "/admin/"})
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/"
    page = await admin_ui.get("/admin/")
    assert '<html lang="es">' in page.text
    assert "Cerrar sesión" in page.text


async def test_browser_language_is_used_without_a_cookie(client: httpx.AsyncClient) -> None:
    page = await client.get("/admin/login", headers={"Accept-Language": "es-MX,en;q=0.5"})
    assert "Acceso del personal" in page.text


async def test_flash_message_is_shown_once(admin_ui: BrowserSession) -> None:
    await admin_ui.submit("/admin/logout")
    first = await admin_ui.get("/admin/login")
    assert "You have signed out." in first.text
    second = await admin_ui.get("/admin/login")
    assert "You have signed out." not in second.text


async def test_instant_search_returns_a_fragment(admin_ui: BrowserSession) -> None:
    created = await admin_ui.post(
        "/api/v1/constituents",
        json={"kind": "individual", "first_name": "José", "last_name": "Muñoz"},
        headers={"X-CSRF-Token": admin_ui.csrf},
    )
    assert created.status_code == 201, created.text
    fragment = await admin_ui.get("/admin/search?q=munoz", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "José Muñoz" in fragment.text
    page = await admin_ui.get("/admin/search?q=jose")
    assert "<html" in page.text
    assert "José Muñoz" in page.text


async def test_static_assets_are_served_without_sign_in(client: httpx.AsyncClient) -> None:
    css = await client.get("/static/admin/admin.css")
    assert css.status_code == 200
    htmx = await client.get("/static/admin/htmx-2.0.11.min.js")
    assert htmx.status_code == 200

"""Every settings page renders for an administrator and refuses staff lacking permission."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.testing import BrowserSession

RESTRICTED = [
    "/admin/settings/modules",
    "/admin/settings/users",
    "/admin/settings/users/new",
    "/admin/settings/roles",
    "/admin/settings/roles/new",
    "/admin/settings/roles/staff",
    "/admin/settings/custom-fields",
    "/admin/settings/custom-fields/new",
    "/admin/settings/organisation",
    "/admin/settings/audit",
]
OPEN_TO_STAFF = ["/admin/settings/", "/admin/settings/tokens"]
MakeUI = Callable[..., Awaitable[BrowserSession]]


async def test_every_page_renders_for_an_administrator(admin_ui: BrowserSession) -> None:
    for url in [*OPEN_TO_STAFF, *RESTRICTED]:
        response = await admin_ui.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in response.text, url
    index = await admin_ui.get("/admin/settings/")
    for section in (
        "organisation",
        "modules",
        "users",
        "roles",
        "custom-fields",
        "tokens",
        "audit",
    ):
        assert f'href="/admin/settings/{section}"' in index.text, section
    home = await admin_ui.get("/admin/")
    assert 'href="/admin/settings/"' in home.text
    admin_ui.cookies.set("steward_lang", "es")
    for url in [*OPEN_TO_STAFF, *RESTRICTED]:
        response = await admin_ui.get(url)
        assert response.status_code == 200, url
        assert '<html lang="es">' in response.text, url
    assert "Quién cambió qué y cuándo." in (await admin_ui.get("/admin/settings/")).text


async def test_staff_without_permission_get_403(make_admin_ui: MakeUI) -> None:
    for roles in (["viewer"], ["staff"]):
        session = await make_admin_ui(roles=roles)
        for url in RESTRICTED:
            response = await session.get(url)
            assert response.status_code == 403, (roles, url)
        index = await session.get("/admin/settings/")
        assert index.status_code == 200
        assert 'href="/admin/settings/tokens"' in index.text
        assert 'href="/admin/settings/users"' not in index.text
        assert 'href="/admin/settings/modules"' not in index.text
        assert (await session.get("/admin/settings/tokens")).status_code == 200
        home = await session.get("/admin/")
        assert 'href="/admin/settings/"' not in home.text
        refused = await session.submit("/admin/settings/organisation", {"org_name": "X"})
        assert refused.status_code == 403


async def test_a_manager_sees_only_the_audit_section(make_admin_ui: MakeUI) -> None:
    session = await make_admin_ui(roles=["manager"])
    index = await session.get("/admin/settings/")
    assert 'href="/admin/settings/audit"' in index.text
    assert 'href="/admin/settings/organisation"' not in index.text
    assert (await session.get("/admin/settings/audit")).status_code == 200


async def test_posts_without_csrf_token_are_refused(admin_ui: BrowserSession) -> None:
    posts = {
        "/admin/settings/organisation": {"org_name": "Nope"},
        "/admin/settings/modules/social/disable": {},
        "/admin/settings/users": {"email": "x@example.org", "roles": "staff"},
        "/admin/settings/roles": {"name": "nope", "label": "Nope"},
        "/admin/settings/custom-fields": {"key": "nope", "label": "Nope", "field_type": "text"},
        "/admin/settings/tokens": {"name": "nope"},
    }
    for url, data in posts.items():
        response = await admin_ui.post(url, data=data)
        assert response.status_code == 403, url
    page = await admin_ui.get("/admin/settings/modules")
    assert "/admin/settings/modules/social/disable" in page.text  # still on

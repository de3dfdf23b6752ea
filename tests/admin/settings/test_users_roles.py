"""Staff users and roles from the settings pages."""

from __future__ import annotations

from core.auth import roles as roles_service
from core.auth import users as users_service
from core.testing import BrowserSession


async def test_create_edit_and_deactivate_a_user(admin_ui: BrowserSession) -> None:
    bad = await admin_ui.submit(
        "/admin/settings/users",
        {"email": "not-an-email", "display_name": "Ana Pérez", "password": "short",
         "roles": ["staff", "viewer"]},
    )  # fmt: skip
    assert bad.status_code == 422
    assert '<p class="field-error" id="error-email">Enter a valid email address' in bad.text
    assert 'id="error-password"' in bad.text
    assert 'value="not-an-email"' in bad.text
    assert 'value="Ana Pérez"' in bad.text
    assert 'value="viewer"\n           checked' in bad.text
    assert "short" not in bad.text  # a typed password is never sent back

    created = await admin_ui.submit(
        "/admin/settings/users",
        {"email": "Ana@Example.org", "display_name": "Ana Pérez",
         "password": "a long enough password", "roles": ["staff"]},
    )  # fmt: skip
    assert created.status_code == 303
    user_url = created.headers["location"]
    user_id = int(user_url.rsplit("/", 1)[1])
    duplicate = await admin_ui.submit(
        "/admin/settings/users", {"email": "ana@example.org", "roles": ["staff"]}
    )
    assert duplicate.status_code == 422
    assert "already exists" in duplicate.text

    listing = await admin_ui.get("/admin/settings/users?q=ana")
    assert "ana@example.org" in listing.text
    saved = await admin_ui.submit(
        user_url, {"display_name": "Ana P.", "roles": ["viewer", "staff"], "locale": "es"}
    )
    assert saved.status_code == 303
    user = await users_service.get_user(user_id)
    assert (user.display_name, user.roles, user.locale) == ("Ana P.", ["staff", "viewer"], "es")
    assert not user.is_active  # the "active" box was not ticked: deactivated
    blank = await admin_ui.submit(user_url, {"display_name": "", "roles": []})
    assert blank.status_code == 422
    assert 'id="error-display_name"' in blank.text
    assert 'id="error-roles"' in blank.text

    weak = await admin_ui.submit(f"{user_url}/password", {"password": "123"})
    assert weak.status_code == 422
    assert 'id="error-password"' in weak.text
    ok = await admin_ui.submit(f"{user_url}/password", {"password": "another long password"})
    assert ok.status_code == 303
    assert (await admin_ui.get("/admin/settings/users/999999")).status_code == 404


async def test_roles_create_edit_and_protect_built_ins(admin_ui: BrowserSession) -> None:
    page = await admin_ui.get("/admin/settings/roles/new")
    assert 'value="custom_fields.manage"' in page.text
    assert 'value="*"' in page.text
    bad = await admin_ui.submit(
        "/admin/settings/roles", {"name": "Bad Name", "label": "Fundraisers"}
    )
    assert bad.status_code == 422
    assert 'id="error-name"' in bad.text
    assert 'value="Fundraisers"' in bad.text
    created = await admin_ui.submit(
        "/admin/settings/roles",
        {"name": "fundraiser", "label": "Fundraisers", "permissions": ["constituents.read"]},
    )
    assert created.status_code == 303
    edited = await admin_ui.submit(
        "/admin/settings/roles/fundraiser",
        {"label": "Fundraising team",
         "permissions": ["constituents.read", "interactions.read", "audit.read"]},
    )  # fmt: skip
    assert edited.status_code == 303
    role = await roles_service.get_role("fundraiser")
    assert role.label == "Fundraising team"
    assert role.permissions == ["audit.read", "constituents.read", "interactions.read"]
    unknown = await admin_ui.submit(
        "/admin/settings/roles/fundraiser", {"label": "X", "permissions": ["no.such"]}
    )
    assert unknown.status_code == 422
    assert "no.such" in unknown.text

    builtin = await admin_ui.submit("/admin/settings/roles/admin/delete")
    assert builtin.status_code == 303
    assert (await roles_service.get_role("admin")).builtin
    lockout = await admin_ui.submit("/admin/settings/roles/admin", {"label": "Admin"})
    assert lockout.status_code == 409
    assert "nobody able to manage staff users" in lockout.text
    deleted = await admin_ui.submit("/admin/settings/roles/fundraiser/delete")
    assert deleted.status_code == 303
    assert "fundraiser" not in (await admin_ui.get("/admin/settings/roles")).text

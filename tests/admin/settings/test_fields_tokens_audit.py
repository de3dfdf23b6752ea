"""The custom fields editor, API tokens and the audit log viewer."""

from __future__ import annotations

import re

import httpx

from core.constituents import custom_fields
from core.testing import BrowserSession


async def test_custom_fields_editor(admin_ui: BrowserSession) -> None:
    bad = await admin_ui.submit(
        "/admin/settings/custom-fields",
        {"key": "Shirt Size", "label": "Shirt size", "field_type": "choice", "max_length": "x"},
    )
    assert bad.status_code == 422
    assert 'id="error-key"' in bad.text
    assert 'id="error-max_length"' in bad.text
    assert 'value="Shirt Size"' in bad.text
    no_choices = await admin_ui.submit(
        "/admin/settings/custom-fields",
        {"key": "shirt_size", "label": "Shirt size", "field_type": "choice"},
    )
    assert no_choices.status_code == 422
    assert 'id="error-choices"' in no_choices.text
    created = await admin_ui.submit(
        "/admin/settings/custom-fields",
        {"key": "shirt_size", "label": "Shirt size", "field_type": "choice",
         "choices": "S\nM\nL\n", "max_length": "500", "position": "1", "required": "true"},
    )  # fmt: skip
    assert created.status_code == 303
    field = await custom_fields.get_custom_field("shirt_size")
    assert (field.choices, field.required) == (["S", "M", "L"], True)
    edited = await admin_ui.submit(
        "/admin/settings/custom-fields/shirt_size",
        {"label": "T-shirt size", "choices": "S\nM\nL\nXL", "max_length": "500", "position": "2"},
    )
    assert edited.status_code == 303
    field = await custom_fields.get_custom_field("shirt_size")
    assert (field.label, field.choices, field.required) == (
        "T-shirt size",
        ["S", "M", "L", "XL"],
        False,
    )
    retired = await admin_ui.submit("/admin/settings/custom-fields/shirt_size/retire")
    assert retired.status_code == 303
    assert not (await custom_fields.get_custom_field("shirt_size")).active
    listing = await admin_ui.get("/admin/settings/custom-fields")
    assert "/admin/settings/custom-fields/shirt_size/restore" in listing.text


async def test_token_secret_shown_once_and_revoked(
    admin_ui: BrowserSession, client: httpx.AsyncClient
) -> None:
    empty = await admin_ui.submit("/admin/settings/tokens", {"name": ""})
    assert empty.status_code == 422
    assert 'id="error-name"' in empty.text
    past = await admin_ui.submit(
        "/admin/settings/tokens", {"name": "old", "expires_on": "2001-01-01"}
    )
    assert past.status_code == 422
    assert 'id="error-expires_on"' in past.text
    created = await admin_ui.submit(
        "/admin/settings/tokens", {"name": "Website", "scopes": ["constituents.read"]}
    )
    assert created.status_code == 200
    match = re.search(r'value="(stw_[^"]+)"', created.text)
    assert match
    secret = match.group(1)
    assert created.headers["cache-control"] == "no-store"
    listing = await admin_ui.get("/admin/settings/tokens")
    assert "Website" in listing.text
    assert secret not in listing.text
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    token_id = re.findall(r'data-token="(\d+)"', listing.text)[0]
    revoked = await admin_ui.submit(f"/admin/settings/tokens/{token_id}/revoke")
    assert revoked.status_code == 303
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 401
    assert (
        "/revoke"
        not in (await admin_ui.get("/admin/settings/tokens"))
        .text.split(f'data-token="{token_id}"')[1]
        .split("</tr>")[0]
    )


async def test_staff_manage_only_their_own_tokens(
    admin_ui: BrowserSession, make_admin_ui: object
) -> None:
    staff = await make_admin_ui(roles=["staff"])  # type: ignore[operator]
    mine = await staff.submit("/admin/settings/tokens", {"name": "Mine"})
    assert mine.status_code == 200
    assert (await staff.get("/admin/settings/tokens?user_id=1")).status_code == 403
    admin_tokens = await admin_ui.get("/admin/settings/tokens")
    admin_token_id = re.findall(r'data-token="(\d+)"', admin_tokens.text)[0]
    refused = await staff.submit(f"/admin/settings/tokens/{admin_token_id}/revoke")
    assert refused.status_code == 404
    # A user manager sees and manages anyone's tokens.
    staff_id = re.search(r'<option value="(\d+)"[^>]*>[^<]*staff0@example.org', admin_tokens.text)
    assert staff_id
    theirs = await admin_ui.get(f"/admin/settings/tokens?user_id={staff_id.group(1)}")
    assert "Mine" in theirs.text


async def test_audit_viewer_filters(admin_ui: BrowserSession) -> None:
    await admin_ui.submit(
        "/admin/settings/roles", {"name": "auditors", "label": "Auditors", "permissions": []}
    )
    everything = await admin_ui.get("/admin/settings/audit")
    assert everything.status_code == 200
    assert "auditors" in everything.text
    by_type = await admin_ui.get("/admin/settings/audit?entity_type=role&action=create")
    assert by_type.text.count('data-audit="') == 1
    assert "Auditors" in by_type.text  # the "after" side of the diff
    by_actor = await admin_ui.get("/admin/settings/audit?actor=nobody-like-this")
    assert 'data-audit="' not in by_actor.text
    assert "admin@example.org" in (await admin_ui.get("/admin/settings/audit?actor=ADMIN@")).text
    future = await admin_ui.get("/admin/settings/audit?since=2999-01-01")
    assert 'data-audit="' not in future.text
    today = await admin_ui.get("/admin/settings/audit?since=2000-01-01&until=2999-12-31")
    assert 'data-audit="' in today.text
    bad = await admin_ui.get("/admin/settings/audit?since=yesterday")
    assert bad.status_code == 422
    assert 'id="error-since"' in bad.text
    paged = await admin_ui.get("/admin/settings/audit?page=2")
    assert paged.status_code == 200

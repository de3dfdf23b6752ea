"""Create and edit forms: each refuses bad input beside the field and keeps what was typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from core.constituents import consent, households, relations
from core.constituents.custom_fields import define_custom_field
from core.constituents.service import get_constituent
from core.testing import BrowserSession
from tests.admin.constituents.helpers import organisation, person

BASE = "/admin/constituents"


def assert_refused(response: httpx.Response, field: str, typed: str) -> None:
    """A 422 page with the message beside ``field`` and ``typed`` kept in the form."""
    assert response.status_code == 422, response.text[:2000]
    text = response.text
    assert f'id="error-{field}"' in text
    assert typed in text


async def test_create_each_kind(admin_ui: BrowserSession) -> None:
    form = await admin_ui.get(f"{BASE}/new?kind=individual")
    assert form.status_code == 200
    assert 'name="first_name"' in form.text
    bad = await admin_ui.submit(
        f"{BASE}/new",
        {
            "kind": "individual",
            "first_name": "Ada",
            "email": "not-an-email",
            "lifecycle_stage": "active",
        },
    )
    assert_refused(bad, "email", 'value="not-an-email"')
    assert 'value="Ada"' in bad.text
    nameless = await admin_ui.submit(
        f"{BASE}/new", {"kind": "individual", "birth_date": "1815-13-40", "notes": "kept"}
    )
    assert_refused(nameless, "birth_date", "kept")

    made = await admin_ui.submit(
        f"{BASE}/new",
        {
            "kind": "individual",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "phone": "+442079460123",
            "lifecycle_stage": "active",
        },
    )
    assert made.status_code == 303
    new_id = int(made.headers["location"].rsplit("/", 1)[1])
    detail = await get_constituent(new_id)
    assert detail.display_name == "Ada Lovelace"
    assert detail.primary_email == "ada@example.org"
    assert detail.lifecycle_stage == "active"

    missing = await admin_ui.submit(
        f"{BASE}/new", {"kind": "organisation", "organisation_name": "", "source": "fair"}
    )
    assert_refused(missing, "organisation_name", 'value="fair"')
    made = await admin_ui.submit(
        f"{BASE}/new",
        {
            "kind": "organisation",
            "organisation_name": "The Engine Co",
            "lifecycle_stage": "prospect",
        },
    )
    assert made.status_code == 303

    ada = await person("Ada", "Lovelace")
    firm = await organisation("Analytical Engines Ltd")
    bad = await admin_ui.submit(
        f"{BASE}/new", {"kind": "household", "household_name": "Home", "members": "abc"}
    )
    assert_refused(bad, "members", 'value="abc"')
    not_a_person = await admin_ui.submit(
        f"{BASE}/new", {"kind": "household", "household_name": "Home", "members": str(firm)}
    )
    assert_refused(not_a_person, "members", 'value="Home"')
    home = await admin_ui.submit(
        f"{BASE}/new", {"kind": "household", "household_name": "Lovelace home", "members": str(ada)}
    )
    assert home.status_code == 303
    home_id = int(home.headers["location"].rsplit("/", 1)[1])
    members = (await households.list_members(home_id)).items
    assert [m.member_id for m in members] == [ada]


async def test_edit_and_delete(admin_ui: BrowserSession) -> None:
    ada = await person("Ada", "Lovelace")
    forged = await admin_ui.post(
        f"{BASE}/{ada}/edit", data={"first_name": "Eve", "last_name": "Lovelace"}
    )
    assert forged.status_code == 403
    assert (await get_constituent(ada)).first_name == "Ada"
    form = await admin_ui.get(f"{BASE}/{ada}/edit")
    assert 'value="Lovelace"' in form.text
    bad = await admin_ui.submit(
        f"{BASE}/{ada}/edit",
        {
            "first_name": "Augusta Ada",
            "last_name": "Lovelace",
            "lifecycle_stage": "active",
            "deceased_date": "1852-11-27",
        },
    )
    assert_refused(bad, "deceased_date", 'value="Augusta Ada"')
    saved = await admin_ui.submit(
        f"{BASE}/{ada}/edit",
        {
            "first_name": "Augusta Ada",
            "last_name": "King",
            "lifecycle_stage": "lapsed",
            "deceased": "true",
            "deceased_date": "1852-11-27",
        },
    )
    assert saved.status_code == 303
    detail = await get_constituent(ada)
    assert (detail.display_name, detail.lifecycle_stage, detail.deceased) == (
        "Augusta Ada King",
        "lapsed",
        True,
    )

    assert (await admin_ui.get(f"{BASE}/{ada}/delete")).status_code == 200
    deleted = await admin_ui.submit(f"{BASE}/{ada}/delete", {})
    assert deleted.status_code == 303
    assert (await admin_ui.get(f"{BASE}/{ada}")).status_code == 404


async def test_contact_details(admin_ui: BrowserSession) -> None:
    ada = await person("Ada", "Lovelace", emails=[{"email": "ada@example.org"}])
    bad = await admin_ui.submit(f"{BASE}/{ada}/email/new", {"email": "nope@", "email_type": "work"})
    assert_refused(bad, "email", 'value="nope@"')
    duplicate = await admin_ui.submit(f"{BASE}/{ada}/email/new", {"email": "ada@example.org"})
    assert_refused(duplicate, "email", 'value="ada@example.org"')
    added = await admin_ui.submit(
        f"{BASE}/{ada}/email/new",
        {"email": "ada@work.example", "email_type": "work", "is_primary": "true"},
    )
    assert added.status_code == 303
    detail = await get_constituent(ada)
    assert detail.primary_email == "ada@work.example"

    work = next(e for e in detail.emails if e.email == "ada@work.example")
    edit = await admin_ui.get(f"{BASE}/{ada}/email/{work.id}/edit")
    assert 'value="ada@work.example"' in edit.text
    changed = await admin_ui.submit(
        f"{BASE}/{ada}/email/{work.id}/edit", {"email": "ada@office.example", "email_type": "work"}
    )
    assert changed.status_code == 303
    removed = await admin_ui.submit(f"{BASE}/{ada}/email/{work.id}/delete", {})
    assert removed.status_code == 303
    assert [e.email for e in (await get_constituent(ada)).emails] == ["ada@example.org"]

    phone = await admin_ui.submit(f"{BASE}/{ada}/phone/new", {"number": "12", "phone_type": "home"})
    assert_refused(phone, "number", 'value="12"')
    assert (
        await admin_ui.submit(f"{BASE}/{ada}/phone/new", {"number": "+442079460123"})
    ).status_code == 303
    address = await admin_ui.submit(
        f"{BASE}/{ada}/address/new", {"line1": "", "city": "London", "country": "ZZZ"}
    )
    assert_refused(address, "line1", 'value="London"')
    assert 'id="error-country"' in address.text
    assert (
        await admin_ui.submit(
            f"{BASE}/{ada}/address/new", {"line1": "12 St James's Square", "country": "GB"}
        )
    ).status_code == 303
    assert (await get_constituent(ada)).addresses[0].is_primary


async def test_relationships_and_household_membership(admin_ui: BrowserSession) -> None:
    ada = await person("Ada", "Lovelace")
    charles = await person("Charles", "Babbage")
    firm = await organisation("Analytical Engines Ltd")
    form = await admin_ui.get(f"{BASE}/{ada}/relationships/new")
    assert "Employee of" in form.text
    option = next(line.split('"')[1] for line in form.text.splitlines() if "Employee of" in line)
    bad = await admin_ui.submit(
        f"{BASE}/{ada}/relationships/new", {"relation": option, "related_id": "x", "notes": "kept"}
    )
    assert_refused(bad, "related_id", "kept")
    wrong_kind = await admin_ui.submit(
        f"{BASE}/{ada}/relationships/new", {"relation": option, "related_id": str(charles)}
    )
    assert_refused(wrong_kind, "relation", f'value="{charles}"')
    made = await admin_ui.submit(
        f"{BASE}/{ada}/relationships/new", {"relation": option, "related_id": str(firm)}
    )
    assert made.status_code == 303
    (view,) = (await relations.list_relationships(ada)).items
    assert (view.label, view.related_id) == ("Employee of", firm)
    ended = await admin_ui.submit(f"{BASE}/{ada}/relationships/{view.id}/end", {})
    assert ended.status_code == 303

    home = await households.create_household("Babbage home", [charles])
    assert (await admin_ui.get(f"{BASE}/{ada}/household")).status_code == 200
    bad = await admin_ui.submit(
        f"{BASE}/{ada}/household", {"household_id": str(firm), "role": "head"}
    )
    assert_refused(bad, "household_id", f'value="{firm}"')
    joined = await admin_ui.submit(
        f"{BASE}/{ada}/household", {"household_id": str(home.id), "role": "partner"}
    )
    assert joined.status_code == 303
    members = {m.member_id: m.role for m in (await households.list_members(home.id)).items}
    assert members == {charles: "member", ada: "partner"}

    not_person = await admin_ui.submit(
        f"{BASE}/{home.id}/members/new", {"member_id": str(firm), "role": "member"}
    )
    assert_refused(not_person, "member_id", f'value="{firm}"')
    left = await admin_ui.submit(f"{BASE}/{home.id}/members/{ada}/remove", {"back": str(ada)})
    assert left.status_code == 303
    assert left.headers["location"].startswith(f"{BASE}/{ada}")
    assert [m.member_id for m in (await households.list_members(home.id)).items] == [charles]


async def test_consent_and_do_not_contact(admin_ui: BrowserSession) -> None:
    ada = await person("Ada", "Lovelace")
    bad = await admin_ui.submit(
        f"{BASE}/{ada}/consent/new",
        {
            "purpose": "News Letter!",
            "channel": "email",
            "status": "granted",
            "method": "paper",
            "wording": "I agree to receive news.",
        },
    )
    assert_refused(bad, "purpose", "I agree to receive news.")
    no_wording = await admin_ui.submit(
        f"{BASE}/{ada}/consent/new",
        {"purpose": "newsletter", "channel": "email", "status": "granted", "method": "paper"},
    )
    assert_refused(no_wording, "wording", 'value="newsletter"')
    recorded = await admin_ui.submit(
        f"{BASE}/{ada}/consent/new",
        {
            "purpose": "newsletter",
            "channel": "email",
            "status": "withdrawn",
            "method": "phone",
            "wording": "Please stop the newsletter.",
            "occurred_at": "2024-03-01T10:30",
        },
    )
    assert recorded.status_code == 303
    (entry,) = await consent.current_consent(ada)
    assert (entry.status, entry.wording) == ("withdrawn", "Please stop the newsletter.")

    empty = await admin_ui.submit(f"{BASE}/{ada}/blocks/new", {"channel": "sms", "reason": ""})
    assert_refused(empty, "reason", 'value="sms" selected')
    blocked = await admin_ui.submit(
        f"{BASE}/{ada}/blocks/new", {"channel": "sms", "reason": "Asked"}
    )
    assert blocked.status_code == 303
    again = await admin_ui.submit(f"{BASE}/{ada}/blocks/new", {"channel": "sms", "reason": "Twice"})
    assert_refused(again, "channel", 'value="Twice"')
    assert await consent.is_blocked(ada, "sms")
    (block,) = (await consent.list_blocks(ada)).items
    assert (await admin_ui.submit(f"{BASE}/{ada}/blocks/{block.id}/lift", {})).status_code == 303
    assert not await consent.is_blocked(ada, "sms")


async def test_custom_fields(admin_ui: BrowserSession) -> None:
    await define_custom_field({"key": "shoe_size", "label": "Shoe size", "field_type": "number"})
    await define_custom_field(
        {"key": "tshirt", "label": "T-shirt", "field_type": "choice", "choices": ["S", "M", "L"]}
    )
    await define_custom_field({"key": "gift_aid", "label": "Gift Aid", "field_type": "boolean"})
    ada = await person("Ada", "Lovelace")
    form = await admin_ui.get(f"{BASE}/{ada}/custom-fields")
    assert 'name="cf_shoe_size"' in form.text
    bad = await admin_ui.submit(
        f"{BASE}/{ada}/custom-fields",
        {"cf_shoe_size": "1e999999", "cf_tshirt": "M", "cf_gift_aid": "true"},
    )
    assert_refused(bad, "cf_shoe_size", 'value="1e999999"')
    assert 'value="M" selected' in bad.text
    saved = await admin_ui.submit(
        f"{BASE}/{ada}/custom-fields",
        {"cf_shoe_size": "38.50", "cf_tshirt": "M", "cf_gift_aid": "true"},
    )
    assert saved.status_code == 303
    assert (await get_constituent(ada)).custom_fields == {
        "shoe_size": "38.5",
        "tshirt": "M",
        "gift_aid": True,
    }
    # A required field is asked for on the create form too.
    await define_custom_field(
        {"key": "region", "label": "Region", "field_type": "text", "required": True}
    )
    missing = await admin_ui.submit(f"{BASE}/new", {"kind": "individual", "first_name": "Mary"})
    assert_refused(missing, "cf_region", 'value="Mary"')


FORM_PAGES = [
    "/new?kind=individual",
    "/{id}/edit",
    "/{id}/delete",
    "/{id}/email/new",
    "/{id}/phone/new",
    "/{id}/address/new",
    "/{id}/relationships/new",
    "/{id}/household",
    "/{id}/consent/new",
    "/{id}/blocks/new",
    "/{id}/custom-fields",
]


@pytest.mark.parametrize("role", ["viewer"])
async def test_forms_need_the_write_permission(
    make_admin_ui: Callable[..., Awaitable[BrowserSession]], role: str
) -> None:
    ada = await person("Ada", "Lovelace")
    viewer = await make_admin_ui(roles=[role])
    for page in FORM_PAGES:
        url = BASE + page.format(id=ada)
        assert (await viewer.get(url)).status_code == 403, url
        assert (await viewer.submit(url, {"first_name": "x"})).status_code == 403, url
    staff = await make_admin_ui(roles=["staff"])
    # Staff may edit but not delete (constituents.delete).
    assert (await staff.get(f"{BASE}/{ada}/edit")).status_code == 200
    assert (await staff.get(f"{BASE}/{ada}/delete")).status_code == 403

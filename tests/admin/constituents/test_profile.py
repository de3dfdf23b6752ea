"""The constituent 360° page: header, plugin panels and facts, sections, tags, history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.constituents import consent, households, relations
from core.constituents.relationship_types import list_relationship_types
from core.constituents.tags import tags_of
from core.testing import BrowserSession
from tests.admin.constituents.helpers import organisation, person

BASE = "/admin/constituents"


async def test_the_360_page_shows_every_section(admin_ui: BrowserSession) -> None:
    ada = await person(
        "Ada",
        "Lovelace",
        lifecycle_stage="active",
        emails=[{"email": "ada@example.org"}, {"email": "ada@work.example", "email_type": "work"}],
        phones=[{"number": "+442079460123"}],
        addresses=[{"line1": "12 St James's Square", "postcode": "SW1Y 4JH", "country": "GB"}],
    )
    firm = await organisation("Analytical Engines Ltd")
    employer = next(
        t for t in (await list_relationship_types(per_page=100)).items if t.key == "employer"
    )
    await relations.create_relationship(ada, firm, employer.id, side="b")
    home = await households.create_household("Lovelace household", [ada])
    await consent.record_consent(
        ada,
        channel="email",
        purpose="newsletter",
        status="granted",
        method="paper",
        wording="Yes, send me the newsletter.",
    )
    await consent.block_contact(ada, "phone", "Asked not to be called")

    page = await admin_ui.get(f"{BASE}/{ada}")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Ada Lovelace</h1>" in html
    assert "Do not contact: Phone" in html
    # The plugin's panel and its key fact.
    assert "Giving summary" in html
    assert f"Panel for constituent {ada}" in html
    assert "<dt>Lifetime giving</dt><dd>£42.00</dd>" in html
    # Contact details with the primary flag, consent wording, relationships, household.
    assert "ada@work.example" in html
    assert "+442079460123" in html
    assert "SW1Y 4JH" in html
    assert "Primary" in html
    assert "Yes, send me the newsletter." in html
    assert "Asked not to be called" in html
    assert "Employee of" in html
    assert "Analytical Engines Ltd" in html
    assert f'href="/admin/constituents/{home.id}">Lovelace household</a>' in html
    # The timeline fragment and the log-interaction form belong to the interactions area.
    assert f'hx-get="/admin/constituents/{ada}/timeline" hx-trigger="load"' in html
    assert f'href="/admin/interactions/new?constituent_id={ada}"' in html
    # Audit history, newest first.
    assert "Change history" in html
    assert "block contact_block" in html
    assert html.index("block contact_block") < html.index("create constituent")

    household_page = await admin_ui.get(f"{BASE}/{home.id}")
    assert f'href="/admin/constituents/{ada}">Ada Lovelace</a>' in household_page.text


async def test_history_is_paged(admin_ui: BrowserSession) -> None:
    ada = await person("Ada", "Lovelace", deceased=True)
    assert "badge-bad" in (await admin_ui.get(f"{BASE}/{ada}")).text
    assert (await admin_ui.get(f"{BASE}/999999")).status_code == 404
    for n in range(22):
        await consent.record_consent(
            ada,
            channel="email",
            purpose=f"purpose{n}",
            status="granted",
            method="paper",
            wording="w",
        )
    first = await admin_ui.get(f"{BASE}/{ada}")
    assert f'href="/admin/constituents/{ada}?page=2"' in first.text
    second = await admin_ui.get(f"{BASE}/{ada}?page=2")
    assert second.status_code == 200
    assert "create constituent" in second.text


async def test_tags_inline_with_and_without_htmx(
    admin_ui: BrowserSession, make_admin_ui: Callable[..., Awaitable[BrowserSession]]
) -> None:
    ada = await person("Ada", "Lovelace")
    plain = await admin_ui.submit(f"{BASE}/{ada}/tags", {"tag": "Major donor"})
    assert plain.status_code == 303
    assert [t.name for t in await tags_of(ada)] == ["Major donor"]

    fragment = await admin_ui.post(
        f"{BASE}/{ada}/tags",
        data={"tag": "Volunteer"},
        headers={"HX-Request": "true", "X-CSRF-Token": admin_ui.csrf},
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith("<section")
    assert "<html" not in fragment.text
    assert "Volunteer" in fragment.text

    tag_id = next(t.id for t in await tags_of(ada) if t.name == "Volunteer")
    removed = await admin_ui.submit(f"{BASE}/{ada}/tags/{tag_id}/remove", {})
    assert removed.status_code == 303
    assert [t.name for t in await tags_of(ada)] == ["Major donor"]

    empty = await admin_ui.submit(f"{BASE}/{ada}/tags", {"tag": ""})
    assert empty.status_code == 422
    assert 'id="error-tag"' in empty.text

    # A viewer sees the page without edit controls and cannot tag.
    viewer = await make_admin_ui(roles=["viewer"])
    page = await viewer.get(f"{BASE}/{ada}")
    assert page.status_code == 200
    assert f'href="/admin/constituents/{ada}/edit"' not in page.text
    assert "Add tag" not in page.text
    assert (await viewer.submit(f"{BASE}/{ada}/tags", {"tag": "x"})).status_code == 403

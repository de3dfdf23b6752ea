"""The instant search offers similar names when nothing matches ("did you mean")."""

from __future__ import annotations

from core.testing import BrowserSession

HTMX = {"HX-Request": "true"}


async def make_person(admin_ui: BrowserSession, first: str, last: str) -> int:
    created = await admin_ui.post(
        "/api/v1/constituents",
        json={"kind": "individual", "first_name": first, "last_name": last},
        headers={"X-CSRF-Token": admin_ui.csrf},
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def test_a_typo_gets_did_you_mean_links(admin_ui: BrowserSession) -> None:
    zoe = await make_person(admin_ui, "Zoë", "Kavanagh")
    await make_person(admin_ui, "Mary", "Brown")
    fragment = await admin_ui.get("/admin/search?q=zoe+kavangh", headers=HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "No constituents match" in fragment.text
    assert "Did you mean:" in fragment.text
    assert f'<a href="/admin/constituents/{zoe}">Zoë Kavanagh</a>' in fragment.text
    assert "Mary Brown" not in fragment.text
    page = await admin_ui.get("/admin/search?q=zoe+kavangh")
    assert "<html" in page.text
    assert f'<a href="/admin/constituents/{zoe}">Zoë Kavanagh</a>' in page.text


async def test_no_suggestions_when_the_search_finds_someone(admin_ui: BrowserSession) -> None:
    await make_person(admin_ui, "Zoë", "Kavanagh")
    fragment = await admin_ui.get("/admin/search?q=kavanagh", headers=HTMX)
    assert "Zoë Kavanagh" in fragment.text
    assert "Did you mean:" not in fragment.text


async def test_nothing_similar_says_only_no_match(admin_ui: BrowserSession) -> None:
    await make_person(admin_ui, "Zoë", "Kavanagh")
    for q in ("quigley", "zz"):
        fragment = await admin_ui.get("/admin/search", params={"q": q}, headers=HTMX)
        assert fragment.status_code == 200
        assert "No constituents match" in fragment.text
        assert "Did you mean:" not in fragment.text


async def test_did_you_mean_in_spanish(admin_ui: BrowserSession) -> None:
    await make_person(admin_ui, "Zoë", "Kavanagh")
    fragment = await admin_ui.get(
        "/admin/search?q=zoe+kavangh", headers={**HTMX, "Accept-Language": "es"}
    )
    assert "Quizá quiso decir:" in fragment.text
    assert "Zoë Kavanagh" in fragment.text

"""A member of staff's day in a real browser (Debian's Chromium via Playwright).

Sign in, create a person and their household, log an interaction with a follow-up, find
the person by a search typed without accents, see the follow-up on the dashboard, switch
a module off and on, and check that a read-only user is refused a settings page. Each main
page is saved as a screenshot.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from core.testing_browser import LiveServer, screenshot_dir, sign_in

PERSON_URL = re.compile(r".*/admin/constituents/(\d+)$")


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"{name}.png"), full_page=True)


def create_person(page: Any) -> int:
    page.goto("/admin/constituents/new?kind=individual")
    page.get_by_label("First name").fill("Begoña")
    page.get_by_label("Last name").fill("Ibáñez")
    page.get_by_label("Email", exact=True).fill("begona.ibanez@example.org")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(PERSON_URL)
    match = PERSON_URL.match(page.url)
    assert match is not None
    return int(match.group(1))


def create_household(page: Any, member_id: int) -> None:
    page.goto("/admin/constituents/new?kind=household")
    page.get_by_label("Household name").fill("Ibáñez household")
    page.get_by_label("Members").fill(str(member_id))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(PERSON_URL)
    assert page.get_by_role("heading", name="Ibáñez household").is_visible()
    assert page.get_by_role("link", name="Begoña Ibáñez").first.is_visible()


def log_interaction_with_follow_up(page: Any, person_id: int) -> None:
    page.goto(f"/admin/constituents/{person_id}")
    page.get_by_role("link", name="Log interaction").click()
    page.get_by_label("Subject").fill("Thank-you call about the spring appeal")
    page.get_by_label("Follow up by").fill((date.today() + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Save interaction").click()
    page.wait_for_url(PERSON_URL)
    page.get_by_text("Thank-you call about the spring appeal").first.wait_for()


def test_staff_journey(browser_page: Any, live_server: LiveServer) -> None:
    page = browser_page
    sign_in(page, live_server)

    person_id = create_person(page)
    create_household(page, person_id)
    log_interaction_with_follow_up(page, person_id)
    shot(page, "constituent")

    page.goto("/admin/")
    page.get_by_label("Search constituents").fill("begona ibanez")
    hit = page.locator("#global-search-results").get_by_role("link", name=re.compile("Begoña"))
    hit.wait_for()
    shot(page, "search")
    hit.click()
    page.wait_for_url(f"**/admin/constituents/{person_id}")

    page.goto("/admin/")
    card = page.locator('[data-card="core.my_follow_ups"]')
    assert "Thank-you call about the spring appeal" in card.inner_text()
    shot(page, "dashboard-with-follow-up")

    page.goto("/admin/constituents/")
    shot(page, "constituents")
    page.goto("/admin/follow-ups/")
    assert page.get_by_text("Thank-you call about the spring appeal").first.is_visible()
    shot(page, "follow-ups")


def test_switching_a_module_off_hides_its_pages(browser_page: Any, live_server: LiveServer) -> None:
    page = browser_page
    sign_in(page, live_server)
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Donations").is_visible()
    page.goto("/admin/donations/")
    shot(page, "donations")

    page.goto("/admin/settings/modules")
    shot(page, "modules")
    with page.expect_navigation():
        page.get_by_role("button", name="Turn off Donations").click()
    assert nav.get_by_role("link", name="Donations").count() == 0
    assert page.goto("/admin/donations/").status == 404

    page.goto("/admin/settings/modules")
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on Donations").click()
    assert nav.get_by_role("link", name="Donations").is_visible()
    assert page.goto("/admin/donations/").status == 200


def test_read_only_staff_are_refused_settings(browser_page: Any, live_server: LiveServer) -> None:
    page = browser_page
    sign_in(page, live_server, live_server.viewer_email)
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Settings").count() == 0
    response = page.goto("/admin/settings/organisation")
    assert response.status == 403
    heading = page.get_by_role("heading", name="You do not have permission to see this page")
    assert heading.is_visible()
    shot(page, "forbidden")


def test_admin_fits_a_phone_screen(chromium: Any, live_server: LiveServer) -> None:
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, locale="es-ES"
    )
    try:
        page = context.new_page()
        sign_in_es(page, live_server)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        shot(page, "dashboard-phone-es")
    finally:
        context.close()


def sign_in_es(page: Any, server: LiveServer) -> None:
    page.goto("/admin/login")
    page.get_by_label("Correo electrónico").fill(server.admin_email)
    page.get_by_label("Contraseña").fill(server.password)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Panel").is_visible()

"""The admin shell in a real browser: sign-in, dashboard, language switch, sign-out."""

from __future__ import annotations

import re
from typing import Any

from core.testing_browser import LiveServer, screenshot_dir, sign_in


def test_sign_in_shows_dashboard_and_switches_language(
    browser_page: Any, live_server: LiveServer
) -> None:
    page = browser_page
    page.goto("/admin/")
    page.wait_for_url(re.compile(r".*/admin/login\?next=/admin$"))
    page.screenshot(path=str(screenshot_dir() / "login.png"), full_page=True)

    sign_in(page, live_server)
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    page.screenshot(path=str(screenshot_dir() / "dashboard.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_label("Language").select_option("es")
    assert page.get_by_role("heading", name="Panel").is_visible()
    assert page.locator("html").get_attribute("lang") == "es"

    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/admin/login")
    assert page.get_by_text("Ha cerrado la sesión.").is_visible()


def test_wrong_password_keeps_the_email_and_says_why(
    browser_page: Any, live_server: LiveServer
) -> None:
    page = browser_page
    page.goto("/admin/login")
    page.get_by_label("Email").fill(live_server.admin_email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Incorrect email or password."
    assert page.get_by_label("Email").input_value() == live_server.admin_email


def test_keyboard_reaches_the_skip_link_and_the_search_box(
    browser_page: Any, live_server: LiveServer
) -> None:
    page = browser_page
    sign_in(page, live_server)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Escape")
    page.locator("main h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search-input"

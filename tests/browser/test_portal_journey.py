"""A donor in the self-service portal, in a real browser: sign in with an emailed link,
update their profile, change a preference and download their data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from core.mail.testing import SmtpSink
from core.testing_browser import LiveServer, screenshot_dir, sign_in

LINK = re.compile(r"https?://\S+/portal/login/confirm\S*")
DONOR_EMAIL = "rocio.nunez@example.org"


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"portal-{name}.png"), full_page=True)


def create_donor(page: Any) -> None:
    page.goto("/admin/constituents/new?kind=individual")
    page.get_by_label("First name").fill("Rocío")
    page.get_by_label("Last name").fill("Núñez")
    page.get_by_label("Email", exact=True).fill(DONOR_EMAIL)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/constituents/\d+$"))


def sign_in_by_link(page: Any, sink: SmtpSink) -> None:
    already = len(sink.messages)
    page.goto("/portal/login")
    shot(page, "login")
    page.get_by_role("textbox", name="Email", exact=True).first.fill(DONOR_EMAIL)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_role("heading").first.wait_for()
    mail = sink.wait_for(already + 1, timeout=20)[already]
    assert mail.message["To"] == DONOR_EMAIL
    match = LINK.search(mail.part("plain"))
    assert match is not None, mail.part("plain")
    page.goto(match.group(0))
    shot(page, "confirm")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/")


def test_donor_signs_in_updates_profile_and_downloads_data(
    chromium: Any, live_server: LiveServer, mail_sink: SmtpSink, browser_page: Any
) -> None:
    sign_in(browser_page, live_server)
    create_donor(browser_page)

    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in_by_link(page, mail_sink)
        shot(page, "home")

        page.goto("/portal/profile")
        page.get_by_label("Phone").fill("+34 612 345 678")
        page.get_by_label("Address line 1").fill("Calle Betis 12")
        page.get_by_label("Town or city").fill("Sevilla")
        page.get_by_label("Postcode").fill("41010")
        page.get_by_label("Country code").fill("ES")
        page.get_by_role("button", name="Save my details").click()
        page.wait_for_url("**/portal/profile")
        page.get_by_text("Your details are saved.").wait_for()
        assert page.get_by_label("Town or city").input_value() == "Sevilla"
        shot(page, "profile")

        page.goto("/portal/preferences")
        first = page.locator('form[action="/portal/preferences"] input[type="checkbox"]').first
        was_checked = first.is_checked()
        first.set_checked(not was_checked)
        page.get_by_role("button", name="Save my preferences").click()
        page.wait_for_url("**/portal/preferences")
        assert page.locator(
            'form[action="/portal/preferences"] input[type="checkbox"]'
        ).first.is_checked() is (not was_checked)
        shot(page, "preferences")

        page.goto("/portal/my-data")
        shot(page, "my-data")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download as JSON").click()
        exported = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
        assert DONOR_EMAIL in json.dumps(exported)
        assert "Sevilla" in json.dumps(exported, ensure_ascii=False)
    finally:
        context.close()

"""In a real browser: a volunteer signs up in the portal, the coordinator sees it in the
roster, the volunteer checks in at the kiosk, and the hours show on their profile with
their value."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from core.mail.testing import SmtpSink
from core.testing_browser import LiveServer, screenshot_dir, sign_in

LINK = re.compile(r"https?://\S+/portal/login/confirm\S*")
EMAIL = "lucia.vidal@example.org"


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"volunteers-{name}.png"), full_page=True)


def set_up_shift(page: Any) -> tuple[int, int]:
    """As the coordinator: the volunteer's record, an opportunity, a rate and a shift."""
    page.goto("/admin/constituents/new?kind=individual")
    page.get_by_label("First name").fill("Lucía")
    page.get_by_label("Last name").fill("Vidal")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/constituents/\d+$"))
    person_id = int(page.url.rsplit("/", 1)[1])

    page.goto("/admin/volunteers/opportunities/new")
    page.get_by_label("Title").fill("Community garden")
    page.get_by_label("Location").fill("Huerto del barrio")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/admin/volunteers/opportunities/\d+$"))

    page.goto("/admin/volunteers/rates")
    page.get_by_label("From date").fill("2020-01-01")
    page.get_by_label(re.compile("Value of one hour")).fill("20.00")
    page.get_by_role("button", name="Add").click()
    page.get_by_text("Rate added.").wait_for()

    page.goto("/admin/volunteers/shifts/new")
    page.get_by_label("Opportunity").select_option(label="Community garden")
    page.get_by_label(re.compile("^Date")).fill((date.today() + timedelta(days=2)).isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Length in minutes").fill("180")
    page.get_by_label("Places").fill("5")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r".*/admin/volunteers/shifts/\d+$"))
    shift_id = int(page.url.rsplit("/", 1)[1])
    return person_id, shift_id


def volunteer_signs_up(chromium: Any, live_server: LiveServer, sink: SmtpSink, shift: int) -> None:
    """As the volunteer: sign in by emailed link, find the shift in the calendar, sign up."""
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        already = len(sink.messages)
        page.goto("/portal/login")
        page.get_by_role("textbox", name="Email", exact=True).first.fill(EMAIL)
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.get_by_role("heading").first.wait_for()
        mail = sink.wait_for(already + 1, timeout=20)[already]
        match = LINK.search(mail.part("plain"))
        assert match is not None, mail.part("plain")
        page.goto(match.group(0))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/portal/")
        page.goto("/portal/volunteers/")
        shot(page, "portal-calendar")
        link = page.locator(f'a[href="/portal/volunteers/shifts/{shift}"]')
        assert "Community garden" in link.inner_text()
        page.goto(str(link.get_attribute("href")))
        page.get_by_role("button", name="Sign up").click()
        page.get_by_text("You are signed up. Thank you!").wait_for()
        shot(page, "portal-signed-up")
    finally:
        context.close()


def test_volunteer_signs_up_checks_in_and_hours_show_with_value(
    chromium: Any, live_server: LiveServer, mail_sink: SmtpSink, browser_page: Any
) -> None:
    page = browser_page
    sign_in(page, live_server)
    person_id, shift_id = set_up_shift(page)

    volunteer_signs_up(chromium, live_server, mail_sink, shift_id)

    # The coordinator sees the sign-up in the roster.
    page.goto(f"/admin/volunteers/shifts/{shift_id}")
    roster = page.locator("table")
    assert roster.get_by_role("link", name="Lucía Vidal").is_visible()
    assert roster.get_by_role("cell", name="Signed up", exact=True).is_visible()
    assert roster.get_by_role("cell", name="Portal", exact=True).is_visible()
    shot(page, "roster")

    # At the kiosk, the volunteer finds her name and checks in.
    page.goto(f"/admin/volunteers/kiosk/{shift_id}")
    page.get_by_label("Your name").fill("lucia vid")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Check in Lucía Vidal").click()
    page.get_by_text("Welcome, Lucía Vidal: you are checked in.").wait_for()
    shot(page, "kiosk")

    # The coordinator records when she left (a correction of the kiosk's times).
    page.goto(f"/admin/volunteers/shifts/{shift_id}")
    assert page.locator("table").get_by_role("cell", name="Attended", exact=True).is_visible()
    page.locator("input[name=checked_in]").fill("10:00")
    page.locator("input[name=checked_out]").fill("12:30")
    with page.expect_navigation():
        page.get_by_role("button", name="Correct times").click()
    page.get_by_text("Attendance corrected.").wait_for()

    # Her profile shows 2.5 hours worth 2.5 x 20.00 euros.
    page.goto(f"/admin/constituents/{person_id}")
    panel = page.get_by_role("region", name="Volunteering")
    panel.get_by_text("Hours to date").wait_for()
    assert panel.get_by_text("2.5", exact=True).is_visible()
    assert panel.get_by_text(re.compile(r"50[.,]00")).first.is_visible()
    shot(page, "profile")

"""In a real browser: a mention carrying markup and script renders as inert text on every
page that shows it (stream, detail, dashboard, review queue, profile panel and timeline)."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from typing import Any

from core.testing_browser import LiveServer, screenshot_dir, sign_in
from plugins.social.sources.webhook import signature

SECRET = "browser-test-secret-0123456789"
PAYLOAD = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
SOURCE_URL = re.compile(r".*/admin/social/sources/(\d+)$")
PERSON_URL = re.compile(r".*/admin/constituents/(\d+)$")


def _deliver(
    server: LiveServer, source_id: int, mentions: list[dict[str, object]]
) -> dict[str, Any]:
    body = json.dumps({"mentions": mentions}).encode()
    stamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - the loopback test server
        f"{server.url}/api/v1/social/webhooks/{source_id}",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Social-Timestamp": stamp,
            "X-Social-Signature": signature(SECRET, stamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        result: dict[str, Any] = json.loads(response.read())
    return result


def _mention(n: int, name: str, handle: str, text: str) -> dict[str, object]:
    return {
        "external_id": f"xss-{n}",
        "url": f"https://evil.example/{n}",
        "author_name": name,
        "author_handle": handle,
        "text": text,
        "posted_at": "2026-11-21T10:00:00Z",
    }


def _assert_inert(page: Any, path: str, shot: str) -> None:
    page.goto(path)
    assert page.evaluate("typeof window.__pwned") == "undefined", path
    html = page.content()
    assert "<script>window.__pwned" not in html, path
    assert "&lt;script&gt;window.__pwned" in html, path
    assert page.locator("main script, main img[onerror]").count() == 0, path
    assert page.get_by_text(
        "<script>window.__pwned = 1</script>", exact=False
    ).first.is_visible(), path
    page.screenshot(path=str(screenshot_dir() / f"social-{shot}.png"), full_page=True)


def test_script_in_a_mention_renders_inert_everywhere(
    browser_page: Any, live_server: LiveServer
) -> None:
    page = browser_page
    sign_in(page, live_server)

    page.goto("/admin/constituents/new?kind=individual")
    page.get_by_label("First name").fill("Mallory")
    page.get_by_label("Last name").fill("Attacker")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(PERSON_URL)
    match = PERSON_URL.match(page.url)
    assert match is not None
    person_id = int(match.group(1))

    page.goto(f"/admin/social/constituents/{person_id}/handles")
    page.locator("#f-platform").select_option("webhook")
    page.locator("#f-handle").fill("@mallory@evil.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Add handle").click()

    page.goto("/admin/social/sources/new?kind=webhook")
    page.locator("#f-name").fill("Inbound <b>hooks</b>")
    page.locator("#f-s_secret").fill(SECRET)
    page.get_by_role("button", name="Save source").click()
    page.wait_for_url(SOURCE_URL)
    source_match = SOURCE_URL.match(page.url)
    assert source_match is not None
    source_id = int(source_match.group(1))

    stored = _deliver(
        live_server,
        source_id,
        [
            _mention(
                1, f"{PAYLOAD}Mallory", "@mallory@evil.example", f"{PAYLOAD} hello <b>bold</b>"
            ),
            _mention(2, "Mallory Atacker", "@other@evil.example", f"Second {PAYLOAD}"),
            *[
                _mention(10 + n, PAYLOAD, "@stranger@evil.example", f"Again {PAYLOAD}")
                for n in range(3)
            ],
        ],
    )
    assert stored["new"] == 5

    _assert_inert(page, "/admin/social/mentions", "stream")
    _assert_inert(page, "/admin/social/mentions?q=pwned", "stream-search")
    _assert_inert(page, "/admin/social/", "dashboard")
    _assert_inert(page, "/admin/social/review", "review")
    _assert_inert(page, f"/admin/constituents/{person_id}", "profile")
    _assert_inert(page, f"/admin/constituents/{person_id}/timeline", "timeline")
    page.goto("/admin/social/mentions")
    page.get_by_role("link", name=re.compile(r"\d")).first.click()
    page.wait_for_url(re.compile(r".*/admin/social/mentions/\d+$"))
    _assert_inert(page, page.url.replace(live_server.url, ""), "detail")
    _assert_inert(page, f"/admin/social/mentions?constituent_id={person_id}", "linked")

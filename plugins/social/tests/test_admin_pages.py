"""Admin pages: dashboard, stream filters and paging, detail actions, sources with "test this
source", queries, handles, review queue, CSV; permissions."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from core import db
from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.testing import BrowserSession
from plugins.social import ingest, source_store, spikes
from plugins.social.sources.base import MentionIn
from plugins.social.tests.server import LoopbackServer, Reply, fixture_bytes

MakeUI = Callable[..., Awaitable[BrowserSession]]


async def _seed(count: int = 30) -> int:
    source = await source_store.create_source(
        source_store.SourceIn(kind="webhook", name="Inbound", settings={"secret": "0" * 20})
    )
    now = datetime.now(UTC)
    mentions = [
        MentionIn(
            external_id=f"x{n}",
            author_name="Grace Hopper" if n % 2 else "Alan Turing",
            author_handle="@grace@x.example" if n % 2 else "@alan@y.example",
            platform="mastodon",
            text="Amazing volunteers!" if n % 3 else "Terrible wait, really disappointing.",
            posted_at=now - timedelta(hours=n),
            language="en",
        )
        for n in range(count)
    ]
    await ingest.store_mentions(source.id, mentions)
    return source.id


async def test_dashboard_stream_and_paging(admin_ui: BrowserSession) -> None:
    await _seed(30)
    dashboard = await admin_ui.get("/admin/social/")
    assert dashboard.status_code == 200
    assert dashboard.text.count('<svg class="chart"') == 4
    assert "Inbound" in dashboard.text
    first = await admin_ui.get("/admin/social/mentions")
    assert first.status_code == 200
    assert "30 mentions" in first.text
    assert first.text.count("social-mention-item") == 25
    second = await admin_ui.get("/admin/social/mentions?page=2")
    assert second.text.count("social-mention-item") == 5
    negative = await admin_ui.get("/admin/social/mentions?sentiment=negative")
    assert "10 mentions" in negative.text
    words = await admin_ui.get("/admin/social/mentions?q=terrible&sentiment=negative")
    assert "10 mentions" in words.text
    bad = await admin_ui.get("/admin/social/mentions?sentiment=angry")
    assert bad.status_code == 422
    csv_file = await admin_ui.get("/admin/social/mentions.csv?sentiment=negative")
    assert csv_file.status_code == 200
    assert csv_file.text.count("\n") == 11  # header + 10 rows
    unlinked = await admin_ui.get("/admin/social/mentions?linked=no")
    assert "30 mentions" in unlinked.text
    raised = await spikes.check_spikes()
    assert raised
    with_alert = await admin_ui.get("/admin/social/")
    assert "Spike in mentions" in with_alert.text
    seen = await admin_ui.submit(f"/admin/social/alerts/{raised[0]}/acknowledge")
    assert seen.status_code == 303
    assert (await spikes.recent_alerts())[0]["acknowledged_at"] is not None


async def test_detail_correct_and_link(admin_ui: BrowserSession) -> None:
    await _seed(3)
    person = await create_constituent(
        ConstituentIn(kind="individual", first_name="Grace", last_name="Hopper")
    )
    mention_id = int(await db.fetch_value("SELECT MIN(id) FROM social_mention"))
    page = await admin_ui.get(f"/admin/social/mentions/{mention_id}")
    assert page.status_code == 200
    saved = await admin_ui.submit(
        f"/admin/social/mentions/{mention_id}/sentiment", {"label": "neutral"}
    )
    assert saved.status_code == 303
    row = await db.fetch_one("SELECT corrected_label FROM social_mention WHERE id = {}", mention_id)
    assert row == {"corrected_label": "neutral"}
    bad = await admin_ui.submit(
        f"/admin/social/mentions/{mention_id}/link", {"constituent_id": "99999"}
    )
    assert bad.status_code == 303
    linked = await admin_ui.submit(
        f"/admin/social/mentions/{mention_id}/link", {"constituent_id": str(person.id)}
    )
    assert linked.status_code == 303
    row = await db.fetch_one(
        "SELECT link_status, constituent_id FROM social_mention WHERE id = {}", mention_id
    )
    assert row == {"link_status": "confirmed", "constituent_id": person.id}
    profile = await admin_ui.get(f"/admin/constituents/{person.id}")
    assert profile.status_code == 200
    assert "Social media" in profile.text
    timeline = await admin_ui.get(f"/admin/constituents/{person.id}/timeline")
    assert timeline.status_code == 200
    assert f'href="/admin/social/mentions/{mention_id}"' in timeline.text
    review = await admin_ui.get("/admin/social/review")
    assert review.status_code == 200
    no_csrf = await admin_ui.post(f"/admin/social/mentions/{mention_id}/reject", data={})
    assert no_csrf.status_code == 403


async def test_sources_queries_and_test_button(
    admin_ui: BrowserSession, server: LoopbackServer
) -> None:
    server.routes["/feed.xml"] = [
        Reply(200, fixture_bytes("feed.rss.xml"), {"Content-Type": "application/rss+xml"})
    ]
    listing = await admin_ui.get("/admin/social/sources")
    assert listing.status_code == 200
    form = await admin_ui.get("/admin/social/sources/new?kind=rss")
    assert form.status_code == 200
    assert 'name="s_url"' in form.text
    invalid = await admin_ui.submit(
        "/admin/social/sources/new?kind=rss",
        {"name": "News", "s_url": "not a url", "enabled": "true"},
    )
    assert invalid.status_code == 422
    before_saving = await admin_ui.submit(
        "/admin/social/sources/test?kind=rss", {"name": "News", "s_url": server.url("/feed.xml")}
    )
    assert before_saving.status_code == 200
    assert "Council meeting postponed" in before_saving.text
    assert 'value="News"' in before_saving.text  # the form keeps what was typed
    assert await db.fetch_value("SELECT COUNT(*) FROM social_source") == 0
    created = await admin_ui.submit(
        "/admin/social/sources/new?kind=rss",
        {
            "name": "News",
            "s_url": server.url("/feed.xml"),
            "enabled": "true",
            "poll_interval_minutes": "30",
        },
    )
    assert created.status_code == 303, created.text
    url = created.headers["location"]
    tested = await admin_ui.submit(f"{url}/test")
    assert tested.status_code == 200
    assert "Food bank volunteers praised after flood" in tested.text
    assert await db.fetch_value("SELECT COUNT(*) FROM social_mention") == 0
    polled = await admin_ui.submit(f"{url}/poll")
    assert polled.status_code == 303
    assert await db.fetch_value("SELECT COUNT(*) FROM social_mention") == 2
    mastodon = await admin_ui.get("/admin/social/sources/new?kind=mastodon")
    assert 'name="s_mode"' in mastodon.text
    query = await admin_ui.submit(
        "/admin/social/queries/new",
        {"name": "Ours", "hashtags": "#RiversideFoodBank", "active": "true"},
    )
    assert query.status_code == 303
    empty = await admin_ui.submit("/admin/social/queries/new", {"name": "Nothing"})
    assert empty.status_code == 422
    assert (await admin_ui.get("/admin/social/queries")).status_code == 200
    assert (await admin_ui.get(query.headers["location"])).status_code == 200
    missing = await admin_ui.get("/admin/social/sources/new?kind=myspace")
    assert missing.status_code == 404


async def test_handles_page(admin_ui: BrowserSession) -> None:
    person = await create_constituent(
        ConstituentIn(kind="individual", first_name="Ada", last_name="Lovelace")
    )
    url = f"/admin/social/constituents/{person.id}/handles"
    assert (await admin_ui.get(url)).status_code == 200
    bad = await admin_ui.submit(url, {"platform": "mastodon", "handle": "no spaces allowed"})
    assert bad.status_code == 422
    ok = await admin_ui.submit(url, {"platform": "mastodon", "handle": "@ada@m.example"})
    assert ok.status_code == 303
    dup = await admin_ui.submit(url, {"platform": "mastodon", "handle": "@ADA@m.example"})
    assert dup.status_code == 422
    handle_id = int(await db.fetch_value("SELECT id FROM social_handle"))
    removed = await admin_ui.submit(f"/admin/social/handles/{handle_id}/delete")
    assert removed.status_code == 303


async def test_staff_without_social_permission_is_refused(make_admin_ui: MakeUI) -> None:
    staff = await make_admin_ui(roles=["staff"])
    page = await staff.get("/admin/social/")
    assert page.status_code == 403
    home = await staff.get("/admin/")
    assert not re.search(r'href="/admin/social/"', home.text)


async def test_test_result_shows_fetched_markup_as_text(
    admin_ui: BrowserSession, server: LoopbackServer
) -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b"<item><title>&lt;script&gt;alert(1)&lt;/script&gt; hi</title><guid>1</guid>"
        b"<description>&lt;img src=x onerror=alert(2)&gt;</description></item></channel></rss>"
    )
    server.routes["/evil.xml"] = [Reply(200, feed, {"Content-Type": "application/rss+xml"})]
    created = await admin_ui.submit(
        "/admin/social/sources/new?kind=rss",
        {"name": "Evil", "s_url": server.url("/evil.xml"), "enabled": "true"},
    )
    tested = await admin_ui.submit(f"{created.headers['location']}/test")
    assert tested.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hi" in tested.text
    assert "<script>alert(1)" not in tested.text
    assert "onerror=alert(2)" not in tested.text  # markup in a summary is stripped to text

"""Polling real-format fixtures from a loopback server: ingestion, dedup, pagination,
conditional GET, backoff on 429/5xx, and a broken source failing visibly on its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core import db
from core.clock import utc_now
from plugins.social import polling, queries, source_store
from plugins.social.source_store import SourceIn
from plugins.social.tests.server import LoopbackServer, Reply, fixture_bytes

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM = {"Content-Type": "application/atom+xml"}
JSON = {"Content-Type": "application/json"}


async def _source(kind: str, name: str, settings: dict[str, object], **extra: object) -> int:
    data = SourceIn(kind=kind, name=name, settings=settings, **extra)
    return (await source_store.create_source(data)).id


async def _mentions(source_id: int) -> list[dict[str, Any]]:
    return await db.fetch_all(
        "SELECT * FROM social_mention WHERE source_id = {} ORDER BY posted_at DESC", source_id
    )


async def test_rss_feed_is_ingested_once_and_polled_conditionally(
    registry: object, server: LoopbackServer
) -> None:
    server.routes["/feed.xml"] = [
        Reply(
            200,
            fixture_bytes("feed.rss.xml"),
            {**RSS, "ETag": '"v1"', "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT"},
        ),
        Reply(304, b"", {"ETag": '"v1"'}),
        Reply(200, fixture_bytes("feed.rss.xml"), {**RSS, "ETag": '"v2"'}),
    ]
    source_id = await _source("rss", "Local news", {"url": server.url("/feed.xml")})
    first = await polling.poll_source(source_id)
    assert first.ok
    assert first.new == 2
    rows = await _mentions(source_id)
    assert [r["external_id"] for r in rows] == ["news-2026-1101", "news-2026-1102"]
    top = rows[0]
    assert top["url"] == "https://news.example.org/2026/11/food-bank-volunteers"
    assert top["author_name"] == "Jane Reporter"
    assert top["language"] == "en"
    assert "<b>" not in top["text"]
    assert "amazing job" in top["text"]
    assert top["sentiment_label"] == "positive"

    second = await polling.poll_source(source_id)
    assert second.ok
    assert second.not_modified
    assert second.new == 0
    conditional = server.requests_to("/feed.xml")[1].headers
    assert conditional["if-none-match"] == '"v1"'
    assert conditional["if-modified-since"] == "Sat, 21 Nov 2026 10:00:00 GMT"

    third = await polling.poll_source(source_id)  # changed ETag, same entries: dedup
    assert third.ok
    assert third.new == 0
    assert third.duplicates == 2
    assert len(await _mentions(source_id)) == 2
    health = await source_store.get_source(source_id)
    assert health.health == "ok"
    assert health.mentions_total == 2
    assert health.last_success_at


async def test_atom_feed_in_spanish(registry: object, server: LoopbackServer) -> None:
    server.routes["/atom"] = [Reply(200, fixture_bytes("feed.atom.xml"), ATOM)]
    source_id = await _source("rss", "Blog", {"url": server.url("/atom")})
    outcome = await polling.poll_source(source_id)
    assert outcome.ok
    assert outcome.new == 2
    rows = {r["url"]: r for r in await _mentions(source_id)}
    thanks = rows["https://blog.example.net/2026/gracias"]
    assert thanks["author_name"] == "María López"
    assert thanks["language"] == "es"
    assert thanks["sentiment_label"] == "positive"
    assert rows["https://blog.example.net/2026/criticas"]["sentiment_label"] == "negative"


def _mastodon_routes(server: LoopbackServer) -> None:
    tag = "/api/v1/timelines/tag/riversidefoodbank"

    def timeline(seen: object) -> Reply:
        query = seen.query  # type: ignore[attr-defined]
        if "min_id" in query:
            if query["min_id"] == ["113500000000000003"]:
                newer = f'<{server.url(tag)}?min_id=113500000000000004>; rel="prev"'
                return Reply(200, fixture_bytes("mastodon_tag_newer.json"), {**JSON, "Link": newer})
            return Reply(200, b"[]", JSON)
        if query.get("max_id") == ["113500000000000002"]:
            return Reply(200, fixture_bytes("mastodon_tag_page2.json"), JSON)
        link = (
            f'<{server.url(tag)}?limit=40&max_id=113500000000000002>; rel="next", '
            f'<{server.url(tag)}?limit=40&min_id=113500000000000003>; rel="prev"'
        )
        return Reply(200, fixture_bytes("mastodon_tag_page1.json"), {**JSON, "Link": link})

    server.routes[tag] = timeline


async def test_mastodon_hashtag_pages_with_link_headers(
    registry: object, server: LoopbackServer
) -> None:
    _mastodon_routes(server)
    source_id = await _source(
        "mastodon",
        "Tag",
        {"instance_url": server.url("/"), "mode": "hashtag", "value": "#RiversideFoodBank"},
    )
    first = await polling.poll_source(source_id)
    assert first.ok
    assert first.pages == 2
    assert first.new == 3
    rows = {r["external_id"]: r for r in await _mentions(source_id)}
    bob = rows["https://other.example/users/bob/statuses/55"]
    assert bob["author_handle"] == "@bob@other.example"
    assert "<script>" not in bob["text"]
    assert "alert(1)" not in bob["text"]
    assert bob["sentiment_label"] == "negative"
    alice = rows["https://mastodon.example/users/alice/statuses/113500000000000003"]
    assert alice["author_handle"] == "@alice@127.0.0.1"
    assert alice["author_id"] == "https://mastodon.example/users/alice"
    assert alice["text"].startswith("Volunteered at the #RiversideFoodBank today.")

    second = await polling.poll_source(source_id)  # asks for newer only, follows rel=prev
    assert second.ok
    assert second.new == 1
    assert second.duplicates == 0
    newer = [s for s in server.seen if "min_id" in s.query]
    assert newer[0].query["min_id"] == ["113500000000000003"]
    assert len(await _mentions(source_id)) == 4


async def test_bluesky_search_with_cursor(registry: object, server: LoopbackServer) -> None:
    path = "/xrpc/app.bsky.feed.searchPosts"

    def search(seen: object) -> Reply:
        query = seen.query  # type: ignore[attr-defined]
        assert query["q"] == ["Riverside Food Bank"]
        assert query["sort"] == ["latest"]
        if query.get("cursor") == ["2"]:
            return Reply(200, fixture_bytes("bluesky_search_page2.json"), JSON)
        return Reply(200, fixture_bytes("bluesky_search_page1.json"), JSON)

    server.routes[path] = search
    source_id = await _source(
        "bluesky", "Search", {"service_url": server.url("/"), "value": "Riverside Food Bank"}
    )
    first = await polling.poll_source(source_id)
    assert first.ok
    assert first.pages == 2
    assert first.new == 3
    rows = {r["external_id"]: r for r in await _mentions(source_id)}
    dana = rows["at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbxyz2aaaa2k"]
    assert dana["author_id"] == "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
    assert dana["url"] == "https://bsky.app/profile/dana.bsky.social/post/3lbxyz2aaaa2k"
    assert dana["sentiment_label"] == "positive"
    eve = rows["at://did:plc:abcd1234abcd1234abcd1234/app.bsky.feed.post/3lbxyz1bbbb2k"]
    assert eve["language"] == "es"
    assert eve["sentiment_label"] == "negative"

    second = await polling.poll_source(source_id)  # stops at the newest post already seen
    assert second.ok
    assert second.new == 0
    assert second.pages == 1


async def test_bluesky_resume_cursor_when_page_limit_cuts_a_poll(
    settings: object, registry: object, server: LoopbackServer
) -> None:
    from plugins.social.common import config

    config().max_pages_per_poll = 1
    try:
        path = "/xrpc/app.bsky.feed.searchPosts"
        server.routes[path] = lambda seen: Reply(
            200,
            fixture_bytes(
                "bluesky_search_page2.json"
                if seen.query.get("cursor") == ["2"]
                else "bluesky_search_page1.json"
            ),
            JSON,
        )
        source_id = await _source(
            "bluesky", "Search", {"service_url": server.url("/"), "value": "Riverside Food Bank"}
        )
        first = await polling.poll_source(source_id)
        assert first.new == 2
        row = await source_store.source_row(source_id)
        assert '"resume": "2"' in row["cursor"]
        second = await polling.poll_source(source_id)
        assert second.new == 1  # continued from the resume cursor
        assert server.seen[-1].query["cursor"] == ["2"]
        assert '"resume"' not in (await source_store.source_row(source_id))["cursor"]
    finally:
        config().max_pages_per_poll = 5


async def test_backoff_on_429_and_5xx_respects_retry_after(
    registry: object, server: LoopbackServer
) -> None:
    server.routes["/busy"] = [
        Reply(429, b"", {"Retry-After": "7200"}),
        Reply(503, b""),
        Reply(500, b""),
        Reply(200, fixture_bytes("feed.rss.xml"), RSS),
    ]
    source_id = await _source(
        "rss", "Busy", {"url": server.url("/busy")}, poll_interval_seconds=600
    )
    before = utc_now()
    first = await polling.poll_source(source_id)
    assert not first.ok
    assert "429" in first.error
    assert first.retry_in_seconds == 7200
    second = await polling.poll_source(source_id)
    assert not second.ok
    assert second.retry_in_seconds == 1200
    third = await polling.poll_source(source_id)
    assert third.retry_in_seconds == 2400
    health = await source_store.get_source(source_id)
    assert health.health == "failing"
    assert health.consecutive_failures == 3
    assert "HTTP 500" in health.last_error
    assert health.next_poll_at is not None
    assert health.next_poll_at >= before + timedelta(seconds=2400)
    assert source_id not in await source_store.due_sources(utc_now())
    recovered = await polling.poll_source(source_id)
    assert recovered.ok
    assert recovered.new == 2
    health = await source_store.get_source(source_id)
    assert health.health == "ok"
    assert health.consecutive_failures == 0


async def test_garbage_source_fails_visibly_without_stopping_others(
    registry: object, server: LoopbackServer
) -> None:
    from core.jobs.execution import run_one

    server.routes["/garbage"] = [Reply(200, b"\x00\x01 this is not a feed {{{", RSS)]
    server.routes["/json-garbage"] = [Reply(200, b'{"unexpected": true}', JSON)]
    server.routes["/feed.xml"] = [Reply(200, fixture_bytes("feed.rss.xml"), RSS)]
    bad = await _source("rss", "Broken", {"url": server.url("/garbage")})
    bad_mastodon = await _source(
        "mastodon", "Odd", {"instance_url": server.url("/json-garbage/"), "value": "x"}
    )
    server.routes["/json-garbage/api/v1/timelines/tag/x"] = [
        Reply(200, b'{"unexpected": true}', JSON)
    ]
    good = await _source("rss", "Good", {"url": server.url("/feed.xml")})
    await polling.dispatch_polls()
    await polling.dispatch_polls()  # a second dispatch queues nothing new (dedupe keys)
    jobs = await db.fetch_all(
        "SELECT payload FROM core_job WHERE name = 'social.poll_source' ORDER BY id"
    )
    assert len(jobs) == 3
    while await run_one("test-worker"):  # the core worker runs each queued poll
        pass
    broken = await source_store.get_source(bad)
    assert broken.health == "failing"
    assert "not an RSS or Atom feed" in broken.last_error
    odd = await source_store.get_source(bad_mastodon)
    assert "not a list of statuses" in odd.last_error
    ok = await source_store.get_source(good)
    assert ok.health == "ok"
    assert ok.mentions_total == 2
    states = await db.fetch_all("SELECT status FROM core_job WHERE name = 'social.poll_source'")
    assert {s["status"] for s in states} == {"succeeded"}


async def test_require_match_keeps_only_matching_posts(
    registry: object, server: LoopbackServer
) -> None:
    await queries.save_query(queries.QueryIn(name="Food bank", phrases="food bank"))
    server.routes["/feed.xml"] = [Reply(200, fixture_bytes("feed.rss.xml"), RSS)]
    source_id = await _source(
        "rss", "Filtered", {"url": server.url("/feed.xml")}, require_match=True
    )
    outcome = await polling.poll_source(source_id)
    assert outcome.new == 1
    assert outcome.unmatched == 1
    matched = await db.fetch_all("SELECT query_id FROM social_mention_match")
    assert len(matched) == 1


async def test_preview_does_not_store(registry: object, server: LoopbackServer) -> None:
    server.routes["/feed.xml"] = [Reply(200, fixture_bytes("feed.rss.xml"), RSS)]
    result = await polling.preview("rss", {"url": server.url("/feed.xml")})
    assert result.ok
    assert len(result.mentions) == 2
    assert await db.fetch_value("SELECT COUNT(*) FROM social_mention") == 0
    refused = await polling.preview("rss", {"url": "http://169.254.169.254/latest"})
    assert not refused.ok
    assert "non-public" in refused.error
    invalid = await polling.preview("rss", {"url": "not a url"})
    assert not invalid.ok
    assert "url" in invalid.error


async def test_mastodon_account_statuses(registry: object, server: LoopbackServer) -> None:
    server.routes["/api/v1/accounts/lookup"] = [
        Reply(200, fixture_bytes("mastodon_account_lookup.json"), JSON)
    ]
    server.routes["/api/v1/accounts/109000000000000003/statuses"] = [
        Reply(200, fixture_bytes("mastodon_tag_page2.json"), JSON)
    ]
    source_id = await _source(
        "mastodon",
        "Carmen",
        {"instance_url": server.url("/"), "mode": "account", "value": "@carmen"},
    )
    outcome = await polling.poll_source(source_id)
    assert outcome.ok
    assert outcome.new == 1
    assert server.requests_to("/api/v1/accounts/lookup")[0].query["acct"] == ["carmen"]
    state = (await source_store.source_row(source_id))["cursor"]
    assert '"account_id": "109000000000000003"' in state
    again = await polling.poll_source(source_id)  # the account id is remembered
    assert again.ok
    assert len(server.requests_to("/api/v1/accounts/lookup")) == 1


async def test_bluesky_author_feed(registry: object, server: LoopbackServer) -> None:
    server.routes["/xrpc/app.bsky.feed.getAuthorFeed"] = [
        Reply(200, fixture_bytes("bluesky_author_feed.json"), JSON)
    ]
    source_id = await _source(
        "bluesky",
        "Our account",
        {"service_url": server.url("/"), "mode": "author", "value": "@riverside.org"},
    )
    outcome = await polling.poll_source(source_id)
    assert outcome.ok
    assert outcome.new == 1
    assert server.seen[-1].query["actor"] == ["riverside.org"]
    rows = await _mentions(source_id)
    assert rows[0]["author_id"] == "did:plc:riverside000000000000000"
    assert rows[0]["sentiment_label"] == "positive"


async def test_a_deleted_source_is_skipped_by_its_queued_poll(registry: object) -> None:
    source_id = await _source("rss", "Gone", {"url": "https://example.org/feed"})
    await source_store.delete_source(source_id)
    await polling.poll_source_job(source_id)  # nothing raised: the job succeeds
    assert (
        await db.fetch_value("SELECT COUNT(*) AS n FROM social_source WHERE id = {}", source_id)
        == 0
    )
    assert await _mentions(source_id) == []


async def test_mastodon_search_where_allowed(registry: object, server: LoopbackServer) -> None:
    statuses = fixture_bytes("mastodon_tag_page1.json").decode()
    body = f'{{"accounts": [], "statuses": {statuses}, "hashtags": []}}'.encode()
    server.routes["/api/v2/search"] = [Reply(200, body, JSON)]
    settings: dict[str, object] = {
        "instance_url": server.url("/"),
        "mode": "search",
        "value": "Riverside Food Bank",
    }
    source_id = await _source("mastodon", "Search", {**settings, "access_token": "tok-123"})
    outcome = await polling.poll_source(source_id)
    assert outcome.ok
    assert outcome.new == 2
    sent = server.requests_to("/api/v2/search")[0]
    assert sent.query["type"] == ["statuses"]
    assert sent.headers["authorization"] == "Bearer tok-123"
    shown = await source_store.get_source(source_id)
    assert shown.settings["access_token"] == "********"
    refused = await _source("mastodon", "No search here", settings)
    server.routes["/api/v2/search"] = [
        Reply(401, b'{"error": "This method requires an authenticated user"}', JSON)
    ]
    failed = await polling.poll_source(refused)
    assert not failed.ok
    assert "HTTP 401" in (await source_store.get_source(refused)).last_error

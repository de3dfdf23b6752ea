"""Linking: handles link automatically onto the timeline, name matches wait for review,
frequent unknown authors become prospects; merge, export, erasure, segments, cards, demo."""

from __future__ import annotations

from datetime import UTC, datetime

from core import db
from core.auth.service import ensure_builtin_roles
from core.constituents import merge
from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.settings import Settings
from core.testing import create_test_user
from plugins.social import hooks, ingest, linking, source_store, spikes
from plugins.social.sources.base import MentionIn


async def _person(first: str, last: str) -> int:
    return (
        await create_constituent(ConstituentIn(kind="individual", first_name=first, last_name=last))
    ).id


async def _source() -> int:
    data = source_store.SourceIn(
        kind="webhook", name="Inbound", settings={"secret": "0123456789abcdef0123"}
    )
    return (await source_store.create_source(data)).id


def _mention(
    n: int, name: str, handle: str, text: str = "Thanks, wonderful people!", **extra: object
) -> MentionIn:
    values: dict[str, object] = {
        "external_id": f"m{n}",
        "author_name": name,
        "author_handle": handle,
        "author_id": f"https://mastodon.example/users/{n}",
        "platform": "mastodon",
        "text": text,
        "posted_at": datetime.now(UTC),
        "language": "en",
        **extra,
    }
    return MentionIn.model_validate(values)


async def _timeline_count(constituent_id: int) -> int:
    return int(
        await db.fetch_value(
            "SELECT COUNT(*) FROM core_interaction WHERE constituent_id = {} AND "
            "interaction_type = 'social.mention' AND deleted_at IS NULL",
            constituent_id,
        )
    )


async def test_known_handle_links_automatically_and_reaches_the_timeline(registry: object) -> None:
    ada = await _person("Ada", "Lovelace")
    await linking.add_handle(
        ada, linking.HandleIn(platform="mastodon", handle="@Ada@Mastodon.example")
    )
    source = await _source()
    result = await ingest.store_mentions(source, [_mention(1, "A. L.", "@ada@mastodon.example")])
    assert result.new == 1
    row = await db.fetch_one(
        "SELECT constituent_id, link_status, interaction_id FROM social_mention"
    )
    assert row is not None
    assert (row["constituent_id"], row["link_status"]) == (ada, "auto")
    assert await _timeline_count(ada) == 1
    # A handle recorded later links the author's earlier mentions too.
    await ingest.store_mentions(source, [_mention(2, "Bob", "@bob@other.example")])
    bob = await _person("Robert", "Other")
    await linking.add_handle(bob, linking.HandleIn(platform="mastodon", handle="bob@other.example"))
    assert await _timeline_count(bob) == 1
    # Deleting the source takes its mentions off the timelines too.
    await source_store.delete_source(source)
    assert await _timeline_count(ada) == 0
    assert await _timeline_count(bob) == 0


async def test_name_similarity_waits_for_review(registry: object) -> None:
    grace = await _person("Grace", "Hopper")
    source = await _source()
    await ingest.store_mentions(source, [_mention(1, "Grace Hopper", "@gh@x.example")])
    await ingest.store_mentions(source, [_mention(2, "Grace Hoper", "@gh2@x.example")])
    await ingest.store_mentions(source, [_mention(3, "Someone Else", "@se@x.example")])
    queue = await linking.review_queue()
    assert {r["constituent_id"] for r in queue} == {grace}
    assert len(queue) == 2
    assert await _timeline_count(grace) == 0  # nothing on the timeline until confirmed
    await linking.confirm_link(queue[0]["id"])
    assert await _timeline_count(grace) == 1
    await linking.reject_link(queue[1]["id"])
    statuses = {
        r["link_status"] for r in await db.fetch_all("SELECT link_status FROM social_mention")
    }
    assert statuses == {"confirmed", "rejected", "none"}
    assert await linking.review_queue() == []
    # Unlinking a confirmed mention takes it off the timeline.
    await linking.reject_link(queue[0]["id"])
    assert await _timeline_count(grace) == 0


async def test_frequent_unknown_author_becomes_a_prospect(registry: object) -> None:
    source = await _source()
    await ingest.store_mentions(
        source, [_mention(n, "Nora Fan", "@nora@fans.example") for n in range(3)]
    )
    authors = await linking.frequent_unknown_authors(min_mentions=3)
    assert [(a["author_handle"], int(a["mentions"])) for a in authors] == [
        ("@nora@fans.example", 3)
    ]
    new_id = await linking.add_author_as_prospect("mastodon", "@nora@fans.example")
    person = await db.fetch_one(
        "SELECT first_name, last_name, lifecycle_stage FROM core_constituent WHERE id = {}", new_id
    )
    assert person == {"first_name": "Nora", "last_name": "Fan", "lifecycle_stage": "prospect"}
    assert await _timeline_count(new_id) == 3
    assert await linking.frequent_unknown_authors(min_mentions=1) == []


async def test_merge_export_erasure(registry: object) -> None:
    keep, dup = await _person("Kim", "Keep"), await _person("Kim", "Dup")
    await linking.add_handle(dup, linking.HandleIn(platform="bluesky", handle="kim.bsky.social"))
    source = await _source()
    await ingest.store_mentions(
        source, [_mention(1, "Kim", "@kim.bsky.social", platform="bluesky")]
    )
    await merge.merge_constituents(keep, dup)
    assert [h.handle for h in await linking.list_handles(keep)] == ["@kim.bsky.social"]
    section = await hooks.steward_personal_data_export(constituent_id=keep)
    assert section.records["handles"][0]["handle"] == "@kim.bsky.social"
    assert section.records["mentions"][0]["text"] == "Thanks, wonderful people!"
    report = await hooks.steward_personal_data_erasure(constituent_id=keep)
    assert report.erased == {"mentions": 1, "handles": 1}
    assert await db.fetch_value("SELECT COUNT(*) FROM social_mention") == 0


async def test_merge_undo_gives_handles_and_mentions_back(registry: object) -> None:
    keep, dup = await _person("Kim", "Keep"), await _person("Kim", "Dup")
    await linking.add_handle(keep, linking.HandleIn(platform="bluesky", handle="kim.bsky.social"))
    await linking.add_handle(dup, linking.HandleIn(platform="mastodon", handle="@kim@m.example"))
    source = await _source()
    await ingest.store_mentions(source, [_mention(1, "Kim", "@kim@m.example")])
    result = await merge.merge_constituents(keep, dup)
    assert len(await linking.list_handles(keep)) == 2
    undone = await merge.undo_merge(result.merge_id)
    assert "social" not in undone.plugins_not_reversed
    assert [h.handle for h in await linking.list_handles(keep)] == ["@kim.bsky.social"]
    assert [h.handle for h in await linking.list_handles(dup)] == ["@kim@m.example"]
    linked = "SELECT COUNT(*) AS n FROM social_mention WHERE constituent_id = {}"
    assert await db.fetch_value(linked, dup) == 1


async def test_segments_cards_panels_and_spikes(registry: object) -> None:
    ada = await _person("Ada", "Lovelace")
    await linking.add_handle(ada, linking.HandleIn(platform="mastodon", handle="@ada@m.example"))
    source = await _source()
    await ingest.store_mentions(
        source,
        [_mention(n, "Ada", "@ada@m.example", "Awful, disappointing and rude.") for n in range(12)],
    )
    filters = {f.key: f for f in hooks.steward_segment_filters()}

    async def matching(key: str, value: object) -> set[int]:
        condition, args = filters[key].sql(value)
        rows = await db.fetch_all(f"SELECT c.id FROM core_constituent c WHERE {condition}", *args)
        return {int(r["id"]) for r in rows}

    assert await matching("social.mentioned_recently", {"days": 7}) == {ada}
    assert await matching("social.mention_sentiment", {"sentiment": "negative"}) == {ada}
    assert await matching("social.mention_sentiment", {"sentiment": "positive"}) == set()
    panel = (await hooks.steward_profile_panels(constituent_id=ada))[0]
    assert panel.context["total"] == 12
    await ensure_builtin_roles()
    reader = await create_test_user("listener@example.org", ["admin"])
    viewer = await create_test_user("viewer@example.org", ["viewer"])
    assert await hooks.steward_dashboard_cards(user_id=viewer.user_id) == []
    card = (await hooks.steward_dashboard_cards(user_id=reader.user_id))[0]
    assert card.context["counts"]["negative"] == 12
    # Twelve negative mentions in an hour against an empty baseline: both kinds of spike.
    raised = await spikes.check_spikes()
    kinds = {r["kind"] for r in await spikes.recent_alerts()}
    assert len(raised) == 2
    assert kinds == {"volume", "negative"}
    assert await spikes.check_spikes() == []  # the same spike is not raised twice
    mails = await db.fetch_all(
        "SELECT to_address, subject FROM core_mail_outbox WHERE tag = 'social.spike_alert'"
    )
    assert len(mails) == 2
    assert all(m["to_address"] == "alerts@example.org" for m in mails)
    assert await spikes.mail_pending() == 0  # already mailed: a rerun sends nothing
    await spikes.acknowledge(raised[0])
    card = (await hooks.steward_dashboard_cards(user_id=reader.user_id))[0]
    assert [a["id"] for a in card.context["alerts"]] == [raised[1]]


async def test_demo_data_is_deterministic(registry: object, settings: Settings) -> None:
    from plugins.social.demo import build_demo

    await _person("Ada", "Lovelace")
    stored = await build_demo(settings, seed=7)
    assert stored == 90
    assert await build_demo(settings, seed=7) == 0  # idempotent
    texts = [
        r["external_id"]
        for r in await db.fetch_all("SELECT external_id FROM social_mention ORDER BY id")
    ]
    assert texts[:3] == ["demo-7-0", "demo-7-1", "demo-7-2"]
    linked = await db.fetch_value("SELECT COUNT(*) FROM social_mention WHERE link_status = 'auto'")
    assert linked > 0


async def test_a_new_or_changed_query_matches_stored_mentions(registry: object) -> None:
    from plugins.social import queries

    source = await _source()
    await ingest.store_mentions(
        source,
        [
            _mention(1, "A", "@a@x.example", "The #FoodBank opened today"),
            _mention(2, "B", "@b@x.example", "Lovely concert at the food bank"),
            _mention(3, "C", "@c@x.example", "Nothing to see", language="es"),
        ],
    )
    query = await queries.save_query(queries.QueryIn(name="Tag", hashtags="foodbank"))
    assert query.mentions == 1
    changed = await queries.save_query(
        queries.QueryIn(name="Tag", hashtags="foodbank", phrases="food bank"), query.id
    )
    assert changed.mentions == 2
    english_only = await queries.save_query(
        queries.QueryIn(name="Tag", include_terms="see, today", languages="en"), query.id
    )
    assert english_only.mentions == 1  # "Nothing to see" is Spanish-tagged
    excluded = await queries.save_query(
        queries.QueryIn(
            name="Tag", hashtags="foodbank", phrases="food bank", exclude_terms="concert"
        ),
        query.id,
    )
    assert excluded.mentions == 1

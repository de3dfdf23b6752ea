"""Other plugins add kinds of source through the registry; the built-in four are there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, HttpUrl

from plugins.social import polling, source_store
from plugins.social.sources import base
from plugins.social.sources.base import (
    MentionIn,
    PollContext,
    PollResult,
    PollState,
    SourceKind,
    register_source_kind,
    source_kinds,
)
from plugins.social.tests.server import LoopbackServer, Reply


class ForumSettings(BaseModel):
    url: HttpUrl


class ForumSource(SourceKind):
    """A kind as another plugin would write it."""

    kind = "test-forum"
    settings_model = ForumSettings

    @classmethod
    def label(cls) -> str:
        return "Forum"

    async def poll(self, settings: Any, state: PollState, ctx: PollContext) -> PollResult:
        posts = await ctx.get_json(str(settings.url))
        return PollResult(
            mentions=[
                MentionIn(
                    external_id=str(p["id"]),
                    text=p["body"],
                    author_name=p["who"],
                    platform="other",
                    posted_at=datetime.now(UTC),
                )
                for p in posts
            ],
            state=state,
            pages=1,
        )


@pytest.fixture
def forum_kind() -> Iterator[type[SourceKind]]:
    register_source_kind(ForumSource)
    yield ForumSource
    base._KINDS.pop(ForumSource.kind, None)


def test_builtin_kinds_are_registered(registry: object) -> None:
    assert {"rss", "mastodon", "bluesky", "webhook"} <= set(source_kinds())


def test_a_second_kind_with_a_used_key_is_refused(forum_kind: type[SourceKind]) -> None:
    class Impostor(ForumSource):
        pass

    with pytest.raises(ValueError, match="already registered"):
        register_source_kind(Impostor)


async def test_a_plugin_kind_is_polled_like_the_builtin_ones(
    registry: object, server: LoopbackServer, forum_kind: type[SourceKind]
) -> None:
    server.routes["/posts"] = [Reply(200, b'[{"id": 1, "body": "Lovely people", "who": "Zed"}]')]
    created = await source_store.create_source(
        source_store.SourceIn(
            kind="test-forum", name="Forum", settings={"url": server.url("/posts")}
        )
    )
    outcome = await polling.poll_source(created.id)
    assert outcome.ok
    assert outcome.new == 1
    preview = await polling.preview("test-forum", {"url": "http://10.0.0.1/posts"})
    assert not preview.ok  # the plugin's kind inherits the address checks
    assert "non-public" in preview.error

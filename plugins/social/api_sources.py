"""API for sources, listening queries and the inbound webhook."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, patch, post, put
from litestar.params import JSONBody
from pydantic import BaseModel

from plugins.social import inbound, polling, queries, source_store
from plugins.social.api_support import READ, TAGS, WRITE, Id
from plugins.social.sources import source_kinds
from plugins.social.sources.base import MentionIn
from plugins.social.sources.webhook import MAX_BODY, WebhookSignatureError


class KindOut(BaseModel):
    """A kind of source and the JSON schema of its settings."""

    kind: str
    label: str
    pollable: bool
    settings_schema: dict[str, Any]


class PollOut(BaseModel):
    """What a poll did."""

    ok: bool
    new: int
    duplicates: int
    unmatched: int
    pages: int
    not_modified: bool
    error: str
    retry_in_seconds: int


class PreviewOut(BaseModel):
    """What a source would bring now, nothing stored."""

    ok: bool
    pages: int
    error: str
    mentions: list[MentionIn]


class IngestOut(BaseModel):
    """What a webhook delivery stored."""

    new: int
    duplicates: int
    unmatched: int


@get("/source-kinds", opt=READ, tags=TAGS)
async def list_kinds() -> list[KindOut]:
    """Every registered kind of source (built-in and from other plugins)."""
    return [
        KindOut(
            kind=key,
            label=cls.label(),
            pollable=cls.pollable,
            settings_schema=cls.settings_model.model_json_schema(),
        )
        for key, cls in source_kinds().items()
    ]


@get("/sources", opt=READ, tags=TAGS)
async def list_sources() -> list[source_store.SourceOut]:
    """Every source with its health (secrets masked)."""
    return await source_store.list_sources()


@post("/sources", opt=WRITE, tags=TAGS)
async def create_source(data: JSONBody[source_store.SourceIn]) -> source_store.SourceOut:
    """Add a source; its settings are validated by its kind."""
    return await source_store.create_source(data)


@get("/sources/{source_id:int}", opt=READ, tags=TAGS)
async def get_source(source_id: Id) -> source_store.SourceOut:
    """One source with its health."""
    return await source_store.get_source(source_id)


@patch("/sources/{source_id:int}", opt=WRITE, tags=TAGS)
async def update_source(
    source_id: Id, data: JSONBody[source_store.SourcePatch]
) -> source_store.SourceOut:
    """Change a source (masked secrets keep their stored value)."""
    return await source_store.update_source(source_id, data)


@delete("/sources/{source_id:int}", opt=WRITE, tags=TAGS)
async def delete_source(source_id: Id) -> None:
    """Delete a source and its mentions."""
    await source_store.delete_source(source_id)


@post("/sources/{source_id:int}/test", opt=WRITE, status_code=200, tags=TAGS)
async def test_source(source_id: Id) -> PreviewOut:
    """Fetch one page now and show what it holds, storing nothing."""
    result = await polling.preview_source(source_id)
    return PreviewOut(
        ok=result.ok, pages=result.pages, error=result.error, mentions=result.mentions
    )


@post("/sources/{source_id:int}/poll", opt=WRITE, status_code=200, tags=TAGS)
async def poll_now(source_id: Id) -> PollOut:
    """Poll a source now (also outside its schedule) and store what is new."""
    outcome = await polling.poll_source(source_id)
    return PollOut(
        ok=outcome.ok,
        new=outcome.new,
        duplicates=outcome.duplicates,
        unmatched=outcome.unmatched,
        pages=outcome.pages,
        not_modified=outcome.not_modified,
        error=outcome.error,
        retry_in_seconds=outcome.retry_in_seconds,
    )


@get("/queries", opt=READ, tags=TAGS)
async def list_queries() -> list[queries.QueryOut]:
    """Listening queries with their mention counts."""
    return await queries.list_queries()


@post("/queries", opt=WRITE, tags=TAGS)
async def create_query(data: JSONBody[queries.QueryIn]) -> queries.QueryOut:
    """Add a listening query."""
    return await queries.save_query(data)


@get("/queries/{query_id:int}", opt=READ, tags=TAGS)
async def get_query(query_id: Id) -> queries.QueryOut:
    """One listening query."""
    return await queries.get_query(query_id)


@put("/queries/{query_id:int}", opt=WRITE, tags=TAGS)
async def replace_query(query_id: Id, data: JSONBody[queries.QueryIn]) -> queries.QueryOut:
    """Replace a listening query."""
    await queries.get_query(query_id)
    return await queries.save_query(data, query_id)


@delete("/queries/{query_id:int}", opt=WRITE, tags=TAGS)
async def delete_query(query_id: Id) -> None:
    """Delete a listening query (the mentions stay)."""
    await queries.delete_query(query_id)


@post(
    "/webhooks/{source_id:int}",
    opt={"public": True, "exclude_from_csrf": True},
    status_code=200,
    tags=TAGS,
)
async def receive_webhook(source_id: Id, request: Request[Any, Any, Any]) -> IngestOut:
    """Mentions pushed by another system, signed with the source's secret (see docs)."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise WebhookSignatureError("payload too large")
    result = await inbound.receive(
        source_id,
        body,
        request.headers.get("x-social-timestamp"),
        request.headers.get("x-social-signature"),
    )
    return IngestOut(new=result.new, duplicates=result.duplicates, unmatched=result.unmatched)


ROUTES: list[Any] = [
    list_kinds,
    list_sources,
    create_source,
    get_source,
    update_source,
    delete_source,
    test_source,
    poll_now,
    list_queries,
    create_query,
    get_query,
    replace_query,
    delete_query,
    receive_webhook,
]

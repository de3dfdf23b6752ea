"""Receiving a signed webhook delivery for a webhook source."""

from __future__ import annotations

from pydantic import ValidationError

from core import db
from core.clock import utc_now
from core.errors import InvalidInputError, NotFoundError
from plugins.social import ingest, source_store
from plugins.social.common import as_bool, config, loads_object
from plugins.social.sources.webhook import WebhookSignatureError, parse_body, verify


async def receive(
    source_id: int, body: bytes, timestamp: str | None, given: str | None
) -> ingest.IngestResult:
    """Verify and store a delivery. Unknown or disabled sources answer as a bad signature would
    (WebhookSignatureError), so the endpoint does not reveal which ids exist."""
    try:
        row = await source_store.source_row(source_id)
    except NotFoundError:
        raise WebhookSignatureError("unknown webhook") from None
    if row["kind"] != "webhook" or not as_bool(row["enabled"]):
        raise WebhookSignatureError("unknown webhook")
    settings = loads_object(row["settings"])
    verify(
        str(settings.get("secret", "")), body, timestamp, given, config().webhook_tolerance_seconds
    )
    try:
        mentions = parse_body(body, str(settings.get("platform") or "webhook"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInputError(f"invalid webhook body: {where}: {first['msg']}") from exc
    result = await ingest.store_mentions(source_id, mentions, as_bool(row["require_match"]))
    now = utc_now()
    await db.execute(
        "UPDATE social_source SET last_polled_at = {}, last_success_at = {}, "
        "consecutive_failures = 0 WHERE id = {}",
        now,
        now,
        source_id,
    )
    return result

"""The signed inbound webhook and the JSON API (validation, permissions, filters)."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable

import httpx

from core import db
from plugins.social.sources.webhook import signature

SECRET = "a-long-shared-secret-0123456789"
MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


def _body(*items: dict[str, object]) -> bytes:
    return json.dumps({"mentions": list(items)}).encode()


def _item(n: int, text: str = "Great work by the food bank!", **extra: object) -> dict[str, object]:
    return {
        "external_id": f"ext-{n}",
        "url": f"https://forum.example/t/{n}",
        "author_name": "Grace Hopper",
        "author_handle": "@grace@forum.example",
        "text": text,
        "posted_at": "2026-11-21T10:00:00Z",
        **extra,
    }


def _headers(body: bytes, secret: str = SECRET, when: int | None = None) -> dict[str, str]:
    stamp = str(when if when is not None else int(time.time()))
    return {
        "X-Social-Timestamp": stamp,
        "X-Social-Signature": signature(secret, stamp, body),
        "Content-Type": "application/json",
    }


async def _webhook_source(api: httpx.AsyncClient) -> int:
    created = await api.post(
        "/api/v1/social/sources",
        json={"kind": "webhook", "name": "Forum", "settings": {"secret": SECRET}},
    )
    assert created.status_code == 201, created.text
    assert created.json()["settings"]["secret"] == "********"
    return int(created.json()["id"])


async def test_signed_delivery_is_stored_once(
    api: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    source_id = await _webhook_source(api)
    url = f"/api/v1/social/webhooks/{source_id}"
    body = _body(_item(1), _item(2, "Terrible queue, very disappointing."))
    first = await client.post(url, content=body, headers=_headers(body))
    assert first.status_code == 200, first.text
    assert first.json() == {"new": 2, "duplicates": 0, "unmatched": 0}
    again = await client.post(url, content=body, headers=_headers(body))  # a retry
    assert again.json() == {"new": 0, "duplicates": 2, "unmatched": 0}
    listed = (await api.get("/api/v1/social/mentions", params={"sentiment": "negative"})).json()
    assert listed["total"] == 1
    assert listed["items"][0]["platform"] == "webhook"


async def test_forged_stale_and_malformed_deliveries_are_refused(
    api: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    source_id = await _webhook_source(api)
    url = f"/api/v1/social/webhooks/{source_id}"
    body = _body(_item(1))
    forged = await client.post(url, content=body, headers=_headers(body, secret="x" * 30))
    assert forged.status_code == 401
    stale = await client.post(
        url, content=body, headers=_headers(body, when=int(time.time()) - 3600)
    )
    assert stale.status_code == 401
    unsigned = await client.post(url, content=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    tampered = body.replace(b"Great", b"Awful")
    swapped = await client.post(url, content=tampered, headers=_headers(body))
    assert swapped.status_code == 401
    unknown = await client.post("/api/v1/social/webhooks/999", content=body, headers=_headers(body))
    assert unknown.status_code == 401
    bad = b'{"mentions": [{"external_id": "x"}]}'
    malformed = await client.post(url, content=bad, headers=_headers(bad))
    assert malformed.status_code == 422
    assert "posted_at" in malformed.text
    assert await db.fetch_value("SELECT COUNT(*) FROM social_mention") == 0


async def test_source_and_query_validation(api: httpx.AsyncClient) -> None:
    bad_kind = await api.post("/api/v1/social/sources", json={"kind": "myspace", "name": "x"})
    assert bad_kind.status_code == 422
    bad_url = await api.post(
        "/api/v1/social/sources", json={"kind": "rss", "name": "x", "settings": {"url": "ftp:/x"}}
    )
    assert bad_url.status_code == 422
    assert "url" in bad_url.text
    short = await api.post(
        "/api/v1/social/sources",
        json={"kind": "webhook", "name": "x", "settings": {"secret": "short"}},
    )
    assert short.status_code == 422
    kinds = {k["kind"] for k in (await api.get("/api/v1/social/source-kinds")).json()}
    assert {"rss", "mastodon", "bluesky", "webhook"} <= kinds
    empty = await api.post("/api/v1/social/queries", json={"name": "Nothing"})
    assert empty.status_code == 422
    lang = await api.post(
        "/api/v1/social/queries", json={"name": "x", "include_terms": "a", "languages": "english"}
    )
    assert lang.status_code == 422
    ok = await api.post(
        "/api/v1/social/queries",
        json={"name": "Ours", "include_terms": "food bank, pantry", "languages": "EN, es"},
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["include_terms"] == "food bank\npantry"
    assert ok.json()["languages"] == "en, es"
    page = await api.get("/api/v1/social/mentions", params={"sentiment": "angry"})
    assert page.status_code == 422
    too_far = await api.get("/api/v1/social/mentions", params={"per_page": 100000})
    assert too_far.status_code == 422


async def test_permissions(make_api_client: MakeClient, api: httpx.AsyncClient) -> None:
    staff = await make_api_client(roles=["staff"])
    assert (await staff.get("/api/v1/social/mentions")).status_code == 403
    assert (await staff.post("/api/v1/social/queries", json={"name": "x"})).status_code == 403
    assert (await api.get("/api/v1/social/mentions")).status_code == 200


async def test_sentiment_correction_is_kept(
    api: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    source_id = await _webhook_source(api)
    body = _body(_item(1))
    await client.post(f"/api/v1/social/webhooks/{source_id}", content=body, headers=_headers(body))
    mention = (await api.get("/api/v1/social/mentions")).json()["items"][0]
    assert mention["label"] == "positive"
    corrected = await api.post(
        f"/api/v1/social/mentions/{mention['id']}/sentiment", json={"label": "negative"}
    )
    assert corrected.status_code == 200
    data = corrected.json()
    assert (data["label"], data["sentiment_label"], data["corrected_label"]) == (
        "negative",
        "positive",
        "negative",
    )
    assert data["corrected_at"]
    audit = await db.fetch_one(
        "SELECT action, actor_kind FROM core_audit_log WHERE entity_type = 'social_mention'"
    )
    assert audit is not None
    assert audit["action"] == "correct_sentiment"
    neg = (await api.get("/api/v1/social/mentions", params={"sentiment": "negative"})).json()
    assert neg["total"] == 1
    bad = await api.post(
        f"/api/v1/social/mentions/{mention['id']}/sentiment", json={"label": "meh"}
    )
    assert bad.status_code in (400, 422)


async def test_masked_secret_is_kept_on_update(
    api: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    source_id = await _webhook_source(api)
    renamed = await api.patch(
        f"/api/v1/social/sources/{source_id}",
        json={"name": "Forum (renamed)", "settings": {"secret": "********", "platform": "other"}},
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["settings"] == {"secret": "********", "platform": "other"}
    body = _body(_item(1))
    delivered = await client.post(
        f"/api/v1/social/webhooks/{source_id}", content=body, headers=_headers(body)
    )
    assert delivered.status_code == 200  # still signed with the original secret
    platform = await db.fetch_value("SELECT platform FROM social_mention")
    assert platform == "other"
    tested = await api.post(f"/api/v1/social/sources/{source_id}/test")
    assert tested.json()["ok"] is False
    assert "cannot be fetched" in tested.json()["error"]

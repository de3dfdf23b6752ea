"""The append-only consent log and do-not-contact blocks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from core import audit
from core.constituents import consent
from core.constituents.contactability import contactability, is_contactable
from core.errors import ConflictError, InvalidInputError
from core.plugins.registry import PluginRegistry
from tests.core.constituents.relations_helpers import (
    capture_events,
    errors_of,
    make_constituent,
    names_of,
    soft_delete,
)

API = "/api/v1"
MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]
WORDING = "  Yes, email me news about\nyour work.\n\tYou can unsubscribe at any time.  "


def statement(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "channel": "email",
        "purpose": "newsletter",
        "status": "granted",
        "method": "web_form",
        "wording": WORDING,
    }
    body.update(overrides)
    return body


async def test_record_consent_stores_the_exact_wording(api: httpx.AsyncClient) -> None:
    events = capture_events()
    ada = await make_constituent("Ada")
    response = await api.post(
        f"{API}/constituents/{ada}/consent", json=statement(source="spring-appeal")
    )
    assert response.status_code == 201, response.text
    entry = response.json()
    assert entry["wording"] == WORDING
    assert entry["recorded_by"] == "admin@example.org"
    assert entry["source"] == "spring-appeal"
    assert (entry["channel"], entry["purpose"], entry["status"]) == (
        "email",
        "newsletter",
        "granted",
    )
    occurred = datetime.fromisoformat(entry["occurred_at"])
    assert abs(occurred - datetime.now(UTC)) < timedelta(minutes=1)

    assert names_of(events) == ["consent.recorded"]
    assert events[0].payload["status"] == "granted"
    entries = await audit.entries_for(entity_type="consent", constituent_id=ada)
    assert entries[0]["action"] == "create"
    assert entries[0]["after"]["wording"] == WORDING


async def test_current_state_is_the_latest_statement(api: httpx.AsyncClient) -> None:
    ada = await make_constituent("Ada")
    url = f"{API}/constituents/{ada}/consent"
    now = datetime.now(UTC)
    assert (await api.post(url, json=statement())).status_code == 201
    withdrawn = await api.post(
        url, json=statement(status="withdrawn", method="phone", wording="Asked us to stop.")
    )
    assert withdrawn.status_code == 201
    # A paper form from last month, typed in today, does not override the later withdrawal.
    month_ago = (now - timedelta(days=30)).astimezone().isoformat()
    old_paper = await api.post(url, json=statement(method="paper", occurred_at=month_ago))
    assert old_paper.status_code == 201
    post_mail = await api.post(
        url,
        json=statement(
            channel="mail",
            purpose="fundraising",
            occurred_at=(now - timedelta(days=1)).isoformat(),
            method="in_person",
        ),
    )
    assert post_mail.status_code == 201

    overview = (await api.get(url)).json()
    current = {(c["channel"], c["purpose"]): c["status"] for c in overview["current"]}
    assert current == {("email", "newsletter"): "withdrawn", ("mail", "fundraising"): "granted"}
    assert overview["total"] == 4
    log = [(i["method"], i["status"]) for i in overview["items"]]
    assert log == [
        ("phone", "withdrawn"),
        ("web_form", "granted"),
        ("in_person", "granted"),
        ("paper", "granted"),
    ]
    filtered = (await api.get(url, params={"channel": "mail", "per_page": 1})).json()
    assert filtered["total"] == 1
    assert filtered["items"][0]["purpose"] == "fundraising"
    assert await consent.consent_status(ada, "email", "newsletter") == "withdrawn"
    assert await consent.consent_status(ada, "sms", "newsletter") is None


async def test_occurred_at_keeps_the_instant(api: httpx.AsyncClient) -> None:
    ada = await make_constituent("Ada")
    response = await api.post(
        f"{API}/constituents/{ada}/consent",
        json=statement(occurred_at="2024-03-10T09:30:00+05:30"),
    )
    assert response.status_code == 201
    stored = datetime.fromisoformat(response.json()["occurred_at"])
    assert stored == datetime(2024, 3, 10, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"wording": ""}, "wording"),
        ({"wording": "   \n\t "}, "wording"),
        ({"wording": "x" * 10_001}, "wording"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"channel": "all"}, "channel"),
        ({"method": "telepathy"}, "method"),
        ({"status": "maybe"}, "status"),
        ({"purpose": "News Letter"}, "purpose"),
        ({"purpose": "p" * 61}, "purpose"),
        ({"source": "s" * 101}, "source"),
        ({"occurred_at": "2024-03-10T09:30:00"}, "occurred_at"),
        ({"occurred_at": "next tuesday"}, "occurred_at"),
        ({"recorded_by": "someone else"}, "recorded_by"),
    ],
)
async def test_bad_consent_is_422(
    api: httpx.AsyncClient, overrides: dict[str, object], field: str
) -> None:
    ada = await make_constituent("Ada")
    response = await api.post(f"{API}/constituents/{ada}/consent", json=statement(**overrides))
    assert response.status_code == 422, response.text
    assert any(field in key for key in errors_of(response.json())), response.json()
    assert (await api.get(f"{API}/constituents/{ada}/consent")).json()["total"] == 0


async def test_consent_in_the_future_is_refused(api: httpx.AsyncClient) -> None:
    ada = await make_constituent("Ada")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = await api.post(
        f"{API}/constituents/{ada}/consent", json=statement(occurred_at=tomorrow)
    )
    assert response.status_code == 422
    assert "occurred_at" in errors_of(response.json())


async def test_the_log_is_append_only(api: httpx.AsyncClient) -> None:
    ada = await make_constituent("Ada")
    url = f"{API}/constituents/{ada}/consent"
    entry = (await api.post(url, json=statement())).json()
    for method in ("PUT", "PATCH", "DELETE"):
        assert (await api.request(method, url)).status_code == 405
        assert (await api.request(method, f"{url}/{entry['id']}")).status_code in (404, 405)
    assert (await api.get(url)).json()["total"] == 1


async def test_unknown_or_deleted_constituents_are_404(api: httpx.AsyncClient) -> None:
    gone = await make_constituent("Gone", deleted=True)
    for path in ("consent", "contact-blocks"):
        assert (await api.get(f"{API}/constituents/{gone}/{path}")).status_code == 404
        assert (await api.get(f"{API}/constituents/999999/{path}")).status_code == 404
    assert (
        await api.post(f"{API}/constituents/999999/consent", json=statement())
    ).status_code == 404
    blocked = await api.post(
        f"{API}/constituents/{gone}/contact-blocks", json={"channel": "sms", "reason": "asked"}
    )
    assert blocked.status_code == 404


# -- do-not-contact ----------------------------------------------------------------------


async def test_block_and_lift_keep_history(api: httpx.AsyncClient) -> None:
    events = capture_events()
    ada = await make_constituent("Ada")
    url = f"{API}/constituents/{ada}/contact-blocks"
    blocked = await api.post(url, json={"channel": "phone", "reason": "Asked not to be called"})
    assert blocked.status_code == 201, blocked.text
    block = blocked.json()
    assert block["active"] is True
    assert block["created_by"] == "admin@example.org"
    assert await consent.is_blocked(ada, "phone")
    assert not await consent.is_blocked(ada, "email")

    duplicate = await api.post(url, json={"channel": "phone", "reason": "again"})
    assert duplicate.status_code == 409

    lifted = await api.post(f"{API}/contact-blocks/{block['id']}/lift")
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["active"] is False
    assert lifted.json()["lifted_by"] == "admin@example.org"
    assert lifted.json()["lifted_at"] is not None
    assert not await consent.is_blocked(ada, "phone")
    assert (await api.post(f"{API}/contact-blocks/{block['id']}/lift")).status_code == 409
    assert (await api.post(f"{API}/contact-blocks/999999/lift")).status_code == 404

    history = (await api.get(url)).json()
    assert history["total"] == 1
    assert (await api.get(url, params={"active": "true"})).json()["total"] == 0
    assert (await api.get(url, params={"active": "false"})).json()["total"] == 1
    # Once lifted, the channel can be blocked again.
    assert (await api.post(url, json={"channel": "phone", "reason": "again"})).status_code == 201

    assert names_of(events) == ["contact.blocked", "contact.unblocked", "contact.blocked"]
    entries = await audit.entries_for(entity_type="contact_block", entity_id=block["id"])
    assert [e["action"] for e in entries] == ["lift", "block"]
    assert entries[0]["after"]["lifted_by"] == "admin@example.org"


async def test_block_on_all_covers_every_channel(registry: PluginRegistry) -> None:
    ada = await make_constituent("Ada")
    block = await consent.block_contact(ada, "all", "Deceased family member asked")
    for channel in consent.CHANNELS:
        assert await consent.is_blocked(ada, channel)
    assert block.created_by == "system"
    await consent.lift_block(block.id)
    assert not await consent.is_blocked(ada, "mail")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "fax", "reason": "r"}, "channel"),
        ({"channel": "email", "reason": ""}, "reason"),
        ({"channel": "email", "reason": "   "}, "reason"),
        ({"channel": "email", "reason": "r" * 301}, "reason"),
        ({"channel": "email"}, "reason"),
        ({"channel": "email", "reason": "r", "until": "2030-01-01"}, "until"),
    ],
)
async def test_bad_blocks_are_422(
    api: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    ada = await make_constituent("Ada")
    response = await api.post(f"{API}/constituents/{ada}/contact-blocks", json=body)
    assert response.status_code == 422, response.text
    assert any(field in key for key in errors_of(response.json())), response.json()


async def test_service_validates_too(registry: PluginRegistry) -> None:
    ada = await make_constituent("Ada")
    with pytest.raises(InvalidInputError):
        await consent.record_consent(
            ada, channel="email", purpose="news", status="granted", method="api", wording=" "
        )
    naive = datetime(2024, 1, 1, 12, 0)
    with pytest.raises(InvalidInputError):
        await consent.record_consent(
            ada,
            channel="email",
            purpose="news",
            status="granted",
            method="api",
            wording="w",
            occurred_at=naive,
        )
    await consent.block_contact(ada, "sms", "asked")
    with pytest.raises(ConflictError):
        await consent.block_contact(ada, "sms", "asked twice")


async def test_lifting_a_block_of_a_deleted_constituent_is_404(api: httpx.AsyncClient) -> None:
    ada = await make_constituent("Ada")
    block = (
        await api.post(
            f"{API}/constituents/{ada}/contact-blocks", json={"channel": "mail", "reason": "r"}
        )
    ).json()
    await soft_delete(ada)
    assert (await api.post(f"{API}/contact-blocks/{block['id']}/lift")).status_code == 404


async def test_permissions(make_api_client: MakeClient) -> None:
    viewer = await make_api_client(roles=["viewer"])
    ada = await make_constituent("Ada")
    assert (await viewer.get(f"{API}/constituents/{ada}/consent")).status_code == 200
    assert (await viewer.get(f"{API}/constituents/{ada}/contact-blocks")).status_code == 200
    denied = await viewer.post(f"{API}/constituents/{ada}/consent", json=statement())
    assert denied.status_code == 403
    staff = await make_api_client(roles=["staff"])
    allowed = await staff.post(f"{API}/constituents/{ada}/consent", json=statement())
    assert allowed.status_code == 201
    assert allowed.json()["recorded_by"].startswith("user")


async def test_wording_with_control_characters_is_refused(api: httpx.AsyncClient) -> None:
    # NUL cannot be stored by PostgreSQL; the wording is kept verbatim, so it is refused.
    ada = await make_constituent("Ada")
    url = f"{API}/constituents/{ada}/consent"
    for wording in ("Yes\x00please", "bell\x07"):
        response = await api.post(url, json=statement(wording=wording))
        assert response.status_code == 422
        assert "wording" in errors_of(response.json())
    assert (await api.get(url, params={"purpose": "bad\x00purpose"})).status_code == 422
    ancient = statement(occurred_at="0001-01-01T00:00:00+14:00")
    assert (await api.post(url, json=ancient)).status_code == 422


# -- is_contactable ----------------------------------------------------------------------


async def test_blocks_stop_contact(registry: PluginRegistry) -> None:
    ada = await make_constituent("Ada")
    assert await is_contactable(ada, "phone")
    phone = await consent.block_contact(ada, "phone", "no calls")
    assert not await is_contactable(ada, "phone")
    assert await is_contactable(ada, "email")
    assert (await contactability(ada, "phone")).reasons == ("do not contact by phone",)
    everything = await consent.block_contact(ada, "all", "no contact at all")
    assert not await is_contactable(ada, "email")
    await consent.lift_block(everything.id)
    await consent.lift_block(phone.id)
    for channel in consent.CHANNELS:
        assert await is_contactable(ada, channel)


async def test_a_purpose_needs_granted_consent(registry: PluginRegistry) -> None:
    ada = await make_constituent("Ada")
    assert not await is_contactable(ada, "email", "newsletter")
    assert (await contactability(ada, "email", "newsletter")).reasons == (
        "no consent for newsletter by email",
    )
    await consent.record_consent(
        ada, channel="email", purpose="newsletter", status="granted", method="api", wording="Yes"
    )
    assert await is_contactable(ada, "email", "newsletter")
    assert not await is_contactable(ada, "sms", "newsletter")
    assert not await is_contactable(ada, "email", "fundraising")
    await consent.record_consent(
        ada, channel="email", purpose="newsletter", status="withdrawn", method="api", wording="No"
    )
    assert not await is_contactable(ada, "email", "newsletter")
    # Without a purpose only blocks and the record itself matter.
    assert await is_contactable(ada, "email")


async def test_consent_does_not_override_a_block_or_death(registry: PluginRegistry) -> None:
    ada = await make_constituent("Ada")
    await consent.record_consent(
        ada, channel="mail", purpose="appeals", status="granted", method="paper", wording="Yes"
    )
    await consent.block_contact(ada, "mail", "returned mail")
    assert not await is_contactable(ada, "mail", "appeals")
    late = await make_constituent("Late", deceased=True)
    await consent.record_consent(
        late, channel="mail", purpose="appeals", status="granted", method="paper", wording="Yes"
    )
    assert not await is_contactable(late, "mail", "appeals")

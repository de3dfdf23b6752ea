"""Bad input is a 4xx problem-details response with field-level messages, never a 500."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.core.constituents.record_helpers import MARIA, errors_of

BASE = "/api/v1/constituents"
HUGE_INTEGER = "1" + "0" * 999_999  # 10^999999 written out


def _problem(response: httpx.Response, status: int = 422) -> dict[str, str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return errors_of(body)


INVALID_CONSTITUENTS: list[tuple[dict[str, Any], str]] = [
    ({**MARIA, "favourite_colour": "blue"}, "favourite_colour"),
    ({"kind": "robot", "last_name": "R2"}, "kind"),
    ({"kind": "individual"}, "first_name"),
    ({"kind": "organisation"}, "organisation_name"),
    ({"kind": "individual", "last_name": "x" * 101}, "last_name"),
    ({"kind": "individual", "last_name": "x" * 100_000}, "last_name"),
    ({**MARIA, "notes": "x" * 10_001}, "notes"),
    ({**MARIA, "lifecycle_stage": "vip"}, "lifecycle_stage"),
    ({**MARIA, "birth_date": "yesterday"}, "birth_date"),
    ({**MARIA, "emails": [{"email": "not-an-email"}]}, "emails.0.email"),
    ({**MARIA, "emails": [{"email": "a@b.c" + "x" * 300}]}, "emails.0.email"),
    ({**MARIA, "emails": [{"email": "a@example.org", "type": "home"}]}, "emails.0.type"),
    ({**MARIA, "phones": [{"number": "call me maybe"}]}, "phones.0.number"),
    ({**MARIA, "phones": [{"number": "12"}]}, "phones.0.number"),
    ({**MARIA, "phones": [{"number": "1" * 41}]}, "phones.0.number"),
    ({**MARIA, "addresses": [{"line1": "x", "country": "Narnia"}]}, "addresses.0.country"),
    ({**MARIA, "tags": ["one"]}, "tags.0"),
    ({**MARIA, "tags": [99]}, "tags.0"),
    ({**MARIA, "tags": [2**40]}, "tags.0"),
    ({**MARIA, "emails": [{"email": f"p{i}@example.org"} for i in range(21)]}, "emails"),
]


async def test_invalid_constituents_are_422_with_field_errors(api: httpx.AsyncClient) -> None:
    # One app for every case: each request is independent and nothing may be written.
    for body, field in INVALID_CONSTITUENTS:
        errors = _problem(await api.post(BASE, json=body))
        assert errors.get(field), (field, errors)
    assert (await api.get(BASE)).json()["total"] == 0


async def test_patch_rejects_unknown_fields_and_kind_changes(api: httpx.AsyncClient) -> None:
    cid = (await api.post(BASE, json=MARIA)).json()["id"]
    assert "kind" in _problem(await api.patch(f"{BASE}/{cid}", json={"kind": "organisation"}))
    assert "shoe" in _problem(await api.patch(f"{BASE}/{cid}", json={"shoe": 1}))
    assert "deceased" in _problem(await api.patch(f"{BASE}/{cid}", json={"deceased": "maybe"}))


async def test_malformed_contacts_on_their_own_endpoints(api: httpx.AsyncClient) -> None:
    cid = (await api.post(BASE, json=MARIA)).json()["id"]
    assert "email" in _problem(await api.post(f"{BASE}/{cid}/emails", json={"email": "@@"}))
    assert "email_type" in _problem(
        await api.post(f"{BASE}/{cid}/emails", json={"email": "a@example.org", "email_type": "x"})
    )
    assert "number" in _problem(await api.post(f"{BASE}/{cid}/phones", json={"number": "abc"}))
    assert "line1" in _problem(await api.post(f"{BASE}/{cid}/addresses", json={"city": "Leeds"}))
    assert "valid_to" in _problem(
        await api.post(
            f"{BASE}/{cid}/addresses",
            json={"line1": "1 High St", "valid_from": "2024-02-01", "valid_to": "2024-01-01"},
        )
    )


@pytest.fixture
async def shoe_field(api: httpx.AsyncClient) -> int:
    """A constituent and a number field, a choice field and a boolean field to fill in."""
    for definition in (
        {"key": "shoe_size", "label": "Shoe size", "field_type": "number"},
        {"key": "tshirt", "label": "T-shirt", "field_type": "choice", "choices": ["S", "M"]},
        {"key": "vegan", "label": "Vegan", "field_type": "boolean"},
        {"key": "joined", "label": "Joined", "field_type": "date"},
    ):
        assert (await api.post("/api/v1/custom-fields", json=definition)).status_code == 201
    cid: int = (await api.post(BASE, json=MARIA)).json()["id"]
    return cid


INVALID_VALUES: list[tuple[str, bytes, str]] = [
    ("shoe_size", b'{"value": 1e999999}', "between"),
    ("shoe_size", b'{"value": -1e999999}', "between"),
    ("shoe_size", b'{"value": ' + HUGE_INTEGER.encode() + b"}", "between"),
    ("shoe_size", b'{"value": "' + HUGE_INTEGER.encode() + b'"}', "characters"),
    ("shoe_size", b'{"value": "1e999999"}', "between"),
    ("shoe_size", b'{"value": NaN}', "finite"),
    ("shoe_size", b'{"value": Infinity}', "finite"),
    ("shoe_size", b'{"value": "NaN"}', "decimal number"),
    ("shoe_size", b'{"value": 0.1234567}', "decimal places"),
    ("shoe_size", b'{"value": true}', "not true or false"),
    ("shoe_size", b'{"value": [1, 2]}', "must be a string, a number"),
    ("shoe_size", b'{"value": {"n": 1}}', "must be a string, a number"),
    ("tshirt", b'{"value": "XXL"}', "one of"),
    ("tshirt", b'{"value": 1}', "text"),
    ("vegan", b'{"value": "perhaps"}', "true or false"),
    ("joined", b'{"value": "2023-02-29"}', "YYYY-MM-DD"),
]


async def test_invalid_custom_values_are_422_naming_the_value(
    api: httpx.AsyncClient, shoe_field: int
) -> None:
    for key, raw_body, message in INVALID_VALUES:
        response = await api.put(
            f"{BASE}/{shoe_field}/custom-fields/{key}",
            content=raw_body,
            headers={"content-type": "application/json"},
        )
        errors = _problem(response)
        assert message in errors.get("value", ""), (key, raw_body[:40], errors)
    assert (await api.get(f"{BASE}/{shoe_field}")).json()["custom_fields"] == {}


async def test_huge_numbers_in_a_new_constituent_name_their_field(
    api: httpx.AsyncClient, shoe_field: int
) -> None:
    body = (
        b'{"kind": "individual", "last_name": "Big", "custom_fields": {"shoe_size": '
        + HUGE_INTEGER.encode()
        + b', "tshirt": "XXL"}}'
    )
    response = await api.post(BASE, content=body, headers={"content-type": "application/json"})
    errors = _problem(response)
    assert "between" in errors["custom_fields.shoe_size"]
    assert "one of" in errors["custom_fields.tshirt"]


async def test_huge_numbers_in_typed_fields_are_refused_quickly(api: httpx.AsyncClient) -> None:
    cases = [
        (b'{"kind": "individual", "last_name": "X", "tags": [1e999999]}', "tags.0"),
        (
            b'{"kind": "individual", "last_name": "X", "tags": [' + HUGE_INTEGER.encode() + b"]}",
            "tags.0",
        ),
        (b'{"kind": "individual", "last_name": "X", "tags": [1.0]}', "tags.0"),
        (b'{"kind": "individual", "last_name": "X", "deceased": 1e999999}', "deceased"),
        (b'{"kind": "individual", "last_name": "X", "birth_date": 1e999999}', "birth_date"),
        (b'{"kind": "individual", "last_name": ' + HUGE_INTEGER.encode() + b"}", "last_name"),
    ]
    for raw_body, field in cases:
        started = time.monotonic()
        response = await api.post(
            BASE, content=raw_body, headers={"content-type": "application/json"}
        )
        # Converting a million-digit number to int takes minutes; refusing it, milliseconds.
        assert time.monotonic() - started < 10, field
        assert field in _problem(response), raw_body[:60]


async def test_custom_field_definitions_are_validated(api: httpx.AsyncClient) -> None:
    bad = [
        ({"key": "Shoe Size", "label": "x", "field_type": "text"}, "key"),
        ({"key": "size", "label": "x", "field_type": "colour"}, "field_type"),
        ({"key": "size", "label": "x", "field_type": "choice"}, "choices"),
        ({"key": "size", "label": "x", "field_type": "text", "max_length": 10**9}, "max_length"),
        ({"key": "size", "label": "x", "field_type": "text", "max_length": 5.5}, "max_length"),
        ({"key": "size", "label": "x" * 121, "field_type": "text"}, "label"),
    ]
    for body, field in bad:
        assert field in _problem(await api.post("/api/v1/custom-fields", json=body)), body


async def test_malformed_json_and_out_of_range_parameters_are_4xx(api: httpx.AsyncClient) -> None:
    broken = await api.post(
        BASE, content=b'{"kind": ', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.headers["content-type"].startswith("application/problem+json")
    deep = await api.post(
        BASE, content=b"[" * 100_000, headers={"content-type": "application/json"}
    )
    assert deep.status_code == 400
    assert (await api.get(f"{BASE}/99999999999999999999")).status_code == 422
    assert (await api.get(f"{BASE}/{2**31}")).status_code == 422
    assert (await api.get(f"{BASE}/0")).status_code == 422
    assert (await api.get(BASE, params={"per_page": 201})).status_code == 422
    assert (await api.get(BASE, params={"tag": 2**40})).status_code == 422
    assert "sort" in _problem(await api.get(BASE, params={"sort": "password"}))
    assert "kind" in _problem(await api.get(BASE, params={"kind": "robot"}))
    assert (await api.get(BASE, params={"created_from": "last tuesday"})).status_code == 422
    assert (await api.get(BASE, params={"q": "x" * 201})).status_code == 422
    bad_key = await api.put(f"{BASE}/1/custom-fields/Bad-Key", json={"value": 1})
    assert bad_key.status_code == 422

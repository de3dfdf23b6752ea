"""Custom fields: definitions and typed, canonical values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from core import db
from core.constituents import custom_fields, service
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.plugins.registry import PluginRegistry
from tests.core.constituents.record_helpers import MARIA, capture_dispatched, names_of

FIELDS: list[dict[str, Any]] = [
    {"key": "nickname", "label": "Nickname", "field_type": "text", "max_length": 10},
    {"key": "shoe_size", "label": "Shoe size", "field_type": "number"},
    {"key": "joined", "label": "Joined", "field_type": "date"},
    {"key": "tshirt", "label": "T-shirt", "field_type": "choice", "choices": ["S", "M", "L"]},
    {"key": "vegan", "label": "Vegan", "field_type": "boolean"},
]


async def _setup() -> int:
    for field in FIELDS:
        await custom_fields.define_custom_field(field)
    return (await service.create_constituent(MARIA)).id


async def _stored(constituent_id: int, key: str) -> str | None:
    value = await db.fetch_value(
        "SELECT v.value FROM core_custom_value v JOIN core_custom_field f ON f.id = v.field_id "
        "WHERE v.constituent_id = {} AND f.key = {}",
        constituent_id,
        key,
    )
    return None if value is None else str(value)


async def test_define_and_list_fields(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = capture_dispatched(monkeypatch)
    for field in FIELDS:
        await custom_fields.define_custom_field(field)
    page = await custom_fields.list_custom_fields()
    assert [f.key for f in page.items] == sorted(f["key"] for f in FIELDS)
    tshirt = await custom_fields.get_custom_field("tshirt")
    assert tshirt.choices == ["S", "M", "L"]
    assert tshirt.active is True
    assert names_of(seen) == ["custom_field.defined"] * len(FIELDS)
    with pytest.raises(ConflictError):
        await custom_fields.define_custom_field(FIELDS[0])


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        ({"key": "size", "label": "Size", "field_type": "choice"}, "choices"),
        ({"key": "age", "label": "Age", "field_type": "number", "choices": ["1"]}, "choices"),
        (
            {"key": "x", "label": "X", "field_type": "choice", "choices": ["A", "a"]},
            "choices.1",
        ),
        ({"key": "y", "label": "   ", "field_type": "text"}, "label"),
    ],
)
async def test_invalid_definitions(
    registry: PluginRegistry, definition: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await custom_fields.define_custom_field(definition)
    assert field in caught.value.errors


@pytest.mark.parametrize(
    ("key", "raw", "stored", "read_back"),
    [
        ("nickname", "  Pepa  ", "Pepa", "Pepa"),
        ("shoe_size", "38.50", "38.5", "38.5"),
        ("shoe_size", 42, "42", "42"),
        ("shoe_size", 0.1, "0.1", "0.1"),
        ("shoe_size", Decimal("-1E+2"), "-100", "-100"),
        ("shoe_size", "999999999999999.999999", "999999999999999.999999", "999999999999999.999999"),
        ("joined", "2024-02-29", "2024-02-29", "2024-02-29"),
        ("joined", date(2020, 1, 2), "2020-01-02", "2020-01-02"),
        ("tshirt", "M", "M", "M"),
        ("vegan", True, "true", True),
        ("vegan", "FALSE", "false", False),
    ],
)
async def test_values_are_stored_canonically(
    registry: PluginRegistry, key: str, raw: Any, stored: str, read_back: Any
) -> None:
    cid = await _setup()
    values = await custom_fields.set_custom_value(cid, key, raw)
    assert values[key] == read_back
    assert await _stored(cid, key) == stored
    assert (await service.get_constituent(cid)).custom_fields[key] == read_back


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("shoe_size", "1e999999", "between"),
        ("shoe_size", Decimal("1E+999999"), "between"),
        ("shoe_size", Decimal(10) ** 20, "between"),
        ("shoe_size", 2**200, "between"),
        ("shoe_size", "1" + "0" * 5000, "decimal number"),
        ("shoe_size", float("nan"), "finite"),
        ("shoe_size", float("inf"), "finite"),
        ("shoe_size", Decimal("NaN"), "finite"),
        ("shoe_size", "NaN", "decimal number"),
        ("shoe_size", "Infinity", "decimal number"),
        ("shoe_size", "0.1234567", "decimal places"),
        ("shoe_size", "12 apples", "decimal number"),
        ("shoe_size", True, "not true or false"),
        ("shoe_size", [1], "must be a number"),
        ("joined", "2023-02-29", "YYYY-MM-DD"),
        ("joined", "20240101", "YYYY-MM-DD"),
        ("joined", 20240101, "YYYY-MM-DD"),
        ("tshirt", "XL", "one of"),
        ("tshirt", "m", "one of"),
        ("vegan", "yes", "true or false"),
        ("vegan", 1, "true or false"),
        ("nickname", "far too long a nickname", "at most 10"),
        ("nickname", 12, "text"),
    ],
)
async def test_invalid_values_are_refused_by_field(
    registry: PluginRegistry, key: str, raw: Any, message: str
) -> None:
    cid = await _setup()
    with pytest.raises(InvalidInputError) as caught:
        await custom_fields.set_custom_value(cid, key, raw)
    assert message in caught.value.errors["value"]
    assert await _stored(cid, key) is None


async def test_clearing_and_required_fields(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = await _setup()
    seen = capture_dispatched(monkeypatch)
    await custom_fields.set_custom_value(cid, "nickname", "Pepa")
    await custom_fields.set_custom_value(cid, "nickname", "Pepa")  # unchanged: no event
    assert await custom_fields.set_custom_value(cid, "nickname", None) == {}
    assert names_of(seen) == ["custom_value.set", "custom_value.cleared"]

    await custom_fields.define_custom_field(
        {"key": "member_no", "label": "Member no.", "field_type": "text", "required": True}
    )
    with pytest.raises(InvalidInputError) as caught:
        await service.create_constituent({"kind": "individual", "last_name": "New"})
    assert caught.value.errors == {"custom_fields.member_no": "is required"}
    created = await service.create_constituent(
        {"kind": "individual", "last_name": "New", "custom_fields": {"member_no": "A-1"}}
    )
    assert created.custom_fields == {"member_no": "A-1"}
    with pytest.raises(InvalidInputError):
        await custom_fields.set_custom_value(created.id, "member_no", "  ")


async def test_create_validates_custom_values_by_path(registry: PluginRegistry) -> None:
    await _setup()
    with pytest.raises(InvalidInputError) as caught:
        await service.create_constituent(
            {**MARIA, "custom_fields": {"shoe_size": "1e999999", "tshirt": "XXL", "ghost": 1}}
        )
    assert set(caught.value.errors) == {
        "custom_fields.shoe_size",
        "custom_fields.tshirt",
        "custom_fields.ghost",
    }


async def test_updating_definitions(registry: PluginRegistry) -> None:
    cid = await _setup()
    await custom_fields.set_custom_value(cid, "tshirt", "M")
    with pytest.raises(ConflictError, match="'M'"):
        await custom_fields.update_custom_field("tshirt", {"choices": ["S", "L"]})
    updated = await custom_fields.update_custom_field(
        "tshirt", {"choices": ["S", "M", "L", "XL"], "label": "T-shirt size", "position": 5}
    )
    assert updated.choices == ["S", "M", "L", "XL"]
    assert updated.label == "T-shirt size"
    assert updated.field_type == "choice"

    await custom_fields.update_custom_field("tshirt", {"active": False})
    with pytest.raises(ConflictError, match="inactive"):
        await custom_fields.set_custom_value(cid, "tshirt", "S")
    # The stored value is kept but no longer shown.
    assert "tshirt" not in (await service.get_constituent(cid)).custom_fields
    active = await custom_fields.list_custom_fields(include_inactive=False)
    assert "tshirt" not in [f.key for f in active.items]
    with pytest.raises(NotFoundError):
        await custom_fields.update_custom_field("nope", {"label": "x"})
    with pytest.raises(NotFoundError):
        await custom_fields.set_custom_value(cid, "nope", "x")

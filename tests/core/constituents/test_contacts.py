"""Emails, phones and addresses: normalisation, one primary each, constituent kept in sync."""

from __future__ import annotations

import asyncio

import pytest

from core import db
from core.constituents import contacts, service
from core.constituents.schemas import MAX_EMAILS
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.plugins.registry import PluginRegistry
from tests.core.constituents.record_helpers import (
    MARIA,
    audit_actions,
    capture_dispatched,
    names_of,
)


async def _constituent() -> int:
    return (await service.create_constituent(MARIA)).id


async def _primaries(table: str, constituent_id: int) -> list[int]:
    rows = await db.fetch_all(
        f"SELECT id FROM {table} WHERE constituent_id = {{}} AND is_primary = {{}} ORDER BY id",
        constituent_id,
        True,
    )
    return [r["id"] for r in rows]


async def _column(column: str, constituent_id: int) -> object:
    return await db.fetch_value(
        f"SELECT {column} FROM core_constituent WHERE id = {{}}", constituent_id
    )


async def test_emails_keep_exactly_one_primary_in_sync(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = await _constituent()
    seen = capture_dispatched(monkeypatch)
    first = await contacts.add_email(cid, {"email": " Maria@Example.ORG "})
    assert first.email == "maria@example.org"
    assert first.is_primary is True
    second = await contacts.add_email(cid, {"email": "pepa@example.org", "email_type": "work"})
    assert second.is_primary is False
    assert await _column("primary_email", cid) == "maria@example.org"

    await contacts.update_email(cid, second.id, {"is_primary": True})
    assert await _primaries("core_email", cid) == [second.id]
    assert await _column("primary_email", cid) == "pepa@example.org"

    with pytest.raises(InvalidInputError) as caught:
        await contacts.update_email(cid, second.id, {"is_primary": False})
    assert "is_primary" in caught.value.errors

    await contacts.remove_email(cid, second.id)
    assert await _primaries("core_email", cid) == [first.id]
    assert await _column("primary_email", cid) == "maria@example.org"
    await contacts.remove_email(cid, first.id)
    assert await _column("primary_email", cid) is None
    assert names_of(seen) == [
        "email.added",
        "email.added",
        "email.changed",
        "email.removed",
        "email.removed",
    ]
    actions = [a for a in await audit_actions(cid) if a[1] == "email"]
    assert actions == [
        ("create", "email"),
        ("create", "email"),
        ("update", "email"),
        ("delete", "email"),
        ("delete", "email"),
    ]


async def test_adding_a_primary_email_demotes_the_old_one(registry: PluginRegistry) -> None:
    cid = await _constituent()
    await contacts.add_email(cid, {"email": "a@example.org"})
    newer = await contacts.add_email(cid, {"email": "b@example.org", "is_primary": True})
    assert await _primaries("core_email", cid) == [newer.id]
    listed = await contacts.list_emails(cid)
    assert [e.email for e in listed] == ["a@example.org", "b@example.org"]


async def test_changing_an_email_updates_search_text(registry: PluginRegistry) -> None:
    cid = await _constituent()
    email = await contacts.add_email(cid, {"email": "old@example.org"})
    changed = await contacts.update_email(cid, email.id, {"email": "New@Example.org"})
    assert changed.email == "new@example.org"
    search_text = str(await _column("search_text", cid))
    assert "new@example.org" in search_text
    assert "old@example.org" not in search_text


async def test_duplicate_and_malformed_emails(registry: PluginRegistry) -> None:
    cid = await _constituent()
    email = await contacts.add_email(cid, {"email": "a@example.org"})
    with pytest.raises(ConflictError):
        await contacts.add_email(cid, {"email": "A@EXAMPLE.ORG"})
    other = await contacts.add_email(cid, {"email": "b@example.org"})
    with pytest.raises(ConflictError):
        await contacts.update_email(cid, other.id, {"email": "a@example.org"})
    with pytest.raises(InvalidInputError) as caught:
        await contacts.add_email(cid, {"email": "no at sign"})
    assert "email" in caught.value.errors
    # Re-saving an email unchanged is fine.
    assert (await contacts.update_email(cid, email.id, {"email_type": "work"})).email_type == "work"


async def test_email_limit(registry: PluginRegistry) -> None:
    cid = await _constituent()
    for index in range(MAX_EMAILS):
        await contacts.add_email(cid, {"email": f"p{index}@example.org"})
    with pytest.raises(ConflictError, match="at most"):
        await contacts.add_email(cid, {"email": "one-too-many@example.org"})


async def test_phones_in_e164_with_digits_and_primary(registry: PluginRegistry) -> None:
    cid = await _constituent()
    home = await contacts.add_phone(cid, {"number": "(202) 555-0143", "phone_type": "home"})
    assert home.number == "+12025550143"
    assert home.digits == "12025550143"
    assert home.is_primary is True
    spain = await contacts.add_phone(cid, {"number": "+34 911 23 45 67", "is_primary": True})
    assert await _primaries("core_phone", cid) == [spain.id]
    assert await _column("primary_phone", cid) == "+34911234567"
    with pytest.raises(ConflictError):
        await contacts.add_phone(cid, {"number": "202-555-0143"})
    with pytest.raises(InvalidInputError) as caught:
        await contacts.add_phone(cid, {"number": "12"})
    assert "number" in caught.value.errors
    changed = await contacts.update_phone(cid, home.id, {"number": "+44 20 7946 0958"})
    assert changed.digits == "442079460958"
    await contacts.remove_phone(cid, spain.id)
    assert await _column("primary_phone", cid) == "+442079460958"


async def test_national_numbers_are_read_in_the_default_country(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = await _constituent()
    british = registry.settings.model_copy(update={"default_country": "GB"})
    monkeypatch.setattr(registry, "settings", british)
    phone = await contacts.add_phone(cid, {"number": "020 7946 0958"})
    assert phone.number == "+442079460958"


async def test_addresses_normalised_and_primary_postcode(registry: PluginRegistry) -> None:
    cid = await _constituent()
    home = await contacts.add_address(
        cid,
        {
            "line1": "  10   Downing Street ",
            "city": "London",
            "postcode": "sw1a  2aa",
            "country": "gb",
            "valid_from": "2020-01-01",
        },
    )
    assert home.line1 == "10 Downing Street"
    assert home.postcode == "SW1A 2AA"
    assert home.country == "GB"
    assert home.is_primary is True
    assert await _column("primary_postcode", cid) == "SW1A 2AA"
    assert "sw1a2aa" in str(await _column("search_text", cid))

    work = await contacts.add_address(
        cid, {"line1": "Calle Mayor 1", "postcode": "28013", "country": "ES", "is_primary": True}
    )
    assert await _column("primary_postcode", cid) == "28013"
    moved = await contacts.update_address(cid, work.id, {"postcode": "28014", "line2": "2º"})
    assert moved.line1 == "Calle Mayor 1"
    assert moved.line2 == "2º"
    assert await _column("primary_postcode", cid) == "28014"
    cleared = await contacts.update_address(cid, work.id, {"line2": None})
    assert cleared.line2 is None
    await contacts.remove_address(cid, work.id)
    assert await _column("primary_postcode", cid) == "SW1A 2AA"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"line1": "1 High St", "country": "ZZ"}, "country"),
        ({"line1": "1 High St", "valid_from": "2024-02-01", "valid_to": "2024-01-01"}, "valid_to"),
        ({"line1": "   "}, "line1"),
    ],
)
async def test_invalid_addresses(
    registry: PluginRegistry, data: dict[str, str], field: str
) -> None:
    cid = await _constituent()
    with pytest.raises(InvalidInputError) as caught:
        await contacts.add_address(cid, data)
    assert field in caught.value.errors


async def test_contacts_of_missing_deleted_or_other_constituents(
    registry: PluginRegistry,
) -> None:
    cid = await _constituent()
    other = await _constituent()
    email = await contacts.add_email(cid, {"email": "a@example.org"})
    with pytest.raises(NotFoundError):
        await contacts.update_email(other, email.id, {"email_type": "work"})
    with pytest.raises(NotFoundError):
        await contacts.remove_email(other, email.id)
    await service.soft_delete_constituent(cid)
    with pytest.raises(NotFoundError):
        await contacts.add_email(cid, {"email": "b@example.org"})
    with pytest.raises(NotFoundError):
        await contacts.list_emails(cid)
    with pytest.raises(NotFoundError):
        await contacts.add_phone(4242, {"number": "+34 911 23 45 67"})


async def test_concurrent_first_emails_still_make_one_primary(registry: PluginRegistry) -> None:
    cid = await _constituent()
    await asyncio.gather(
        *(contacts.add_email(cid, {"email": f"racer{i}@example.org"}) for i in range(5))
    )
    assert len(await _primaries("core_email", cid)) == 1
    primary = await db.fetch_value(
        "SELECT email FROM core_email WHERE constituent_id = {} AND is_primary = {}", cid, True
    )
    assert await _column("primary_email", cid) == primary

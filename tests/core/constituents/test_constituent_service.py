"""The constituent service: create, read, update, deceased, soft delete and restore."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import audit, db
from core.constituents import custom_fields, service, tags
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.plugins.registry import PluginRegistry
from tests.core.constituents.record_helpers import (
    MARIA,
    audit_actions,
    capture_dispatched,
    count,
    names_of,
)


async def test_create_with_everything_in_one_call(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = capture_dispatched(monkeypatch)
    major = await tags.create_tag({"name": "Major donor"})
    await custom_fields.define_custom_field(
        {"key": "shoe_size", "label": "Shoe size", "field_type": "number"}
    )
    detail = await service.create_constituent(
        {
            **MARIA,
            "birth_date": "1970-05-01",
            "external_id": "CRM-1",
            "emails": [
                {"email": "maria@example.org"},
                {"email": "Pepa@Work.Example.org", "email_type": "work", "is_primary": True},
            ],
            "phones": [{"number": "(202) 555-0143"}],
            "addresses": [{"line1": "1 High St", "postcode": "sw1a  1aa", "country": "gb"}],
            "tags": [major.id],
            "custom_fields": {"shoe_size": "38.50"},
        }
    )
    assert detail.display_name == "Dr. María José García López Jr."
    assert detail.sort_name == "García López, María José"
    assert detail.informal_name == "Pepa García López"
    assert detail.greeting_name == "Pepa"
    assert detail.lifecycle_stage == "prospect"
    assert [e.is_primary for e in detail.emails] == [False, True]
    assert detail.primary_email == "pepa@work.example.org"
    assert detail.primary_phone == "+12025550143"
    assert detail.phones[0].digits == "12025550143"
    assert detail.primary_postcode == "SW1A 1AA"
    assert detail.addresses[0].country == "GB"
    assert [t.name for t in detail.tags] == ["Major donor"]
    assert detail.custom_fields == {"shoe_size": "38.5"}
    search_text = await db.fetch_value(
        "SELECT search_text FROM core_constituent WHERE id = {}", detail.id
    )
    assert "garcia lopez" in search_text
    assert "maria@example.org" in search_text
    assert "sw1a 1aa" in search_text
    assert ("create", "constituent") in await audit_actions(detail.id)
    assert "constituent.created" in names_of(seen)
    assert "constituent.tagged" in names_of(seen)


async def test_create_reports_every_problem_and_writes_nothing(registry: PluginRegistry) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await service.create_constituent(
            {
                "kind": "individual",
                "emails": [{"email": "ok@example.org"}, {"email": "not-an-email"}],
                "phones": [{"number": "12"}],
                "addresses": [{"line1": "1 High St", "country": "XX"}],
                "tags": [999],
                "custom_fields": {"nope": "x"},
            }
        )
    errors = caught.value.errors
    assert set(errors) >= {
        "first_name",
        "last_name",
        "emails.1.email",
        "phones.0.number",
        "addresses.0.country",
        "tags.0",
        "custom_fields.nope",
    }
    assert await count("core_constituent") == 0
    assert await count("core_email") == 0


async def test_create_refuses_two_primaries_and_duplicate_emails(registry: PluginRegistry) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await service.create_constituent(
            {
                "kind": "individual",
                "last_name": "Twice",
                "emails": [
                    {"email": "a@example.org", "is_primary": True},
                    {"email": "A@example.org", "is_primary": True},
                ],
            }
        )
    assert set(caught.value.errors) == {"emails.1.is_primary", "emails.1.email"}


async def test_external_id_is_unique(registry: PluginRegistry) -> None:
    first = await service.create_constituent({**MARIA, "external_id": "X-1"})
    with pytest.raises(ConflictError):
        await service.create_constituent(
            {"kind": "individual", "last_name": "B", "external_id": "X-1"}
        )
    other = await service.create_constituent({"kind": "individual", "last_name": "B"})
    with pytest.raises(ConflictError):
        await service.update_constituent(other.id, {"external_id": "X-1"})
    # Saving its own external id again is not a clash.
    same = await service.update_constituent(first.id, {"external_id": "X-1", "notes": "n"})
    assert same.external_id == "X-1"


async def test_partial_update_recomputes_names_and_audits(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = await service.create_constituent({**MARIA, "middle_name": "Elena"})
    seen = capture_dispatched(monkeypatch)
    updated = await service.update_constituent(
        created.id, {"last_name": "Núñez", "middle_name": None, "lifecycle_stage": "active"}
    )
    assert updated.display_name == "Dr. María José Núñez Jr."
    assert updated.sort_name == "Núñez, María José"
    assert updated.middle_name is None
    assert updated.preferred_name == "Pepa"  # untouched
    assert updated.lifecycle_stage == "active"
    search_text = await db.fetch_value(
        "SELECT search_text FROM core_constituent WHERE id = {}", created.id
    )
    assert "nunez" in search_text
    assert "garcia" not in search_text
    entry = (await audit.entries_for(entity_type="constituent", entity_id=created.id))[0]
    assert entry["action"] == "update"
    assert entry["before"]["last_name"] == "García López"
    assert entry["after"]["last_name"] == "Núñez"
    assert names_of(seen) == ["constituent.updated"]
    assert seen[0].payload["fields"] == [
        "display_name",
        "last_name",
        "lifecycle_stage",
        "middle_name",
        "sort_name",
    ]


async def test_update_without_changes_writes_no_audit(registry: PluginRegistry) -> None:
    created = await service.create_constituent(MARIA)
    before = len(await audit_actions(created.id))
    await service.update_constituent(created.id, {"first_name": "  María   José "})
    assert len(await audit_actions(created.id)) == before


async def test_update_cannot_remove_the_last_name_part(registry: PluginRegistry) -> None:
    created = await service.create_constituent({"kind": "individual", "last_name": "Solo"})
    with pytest.raises(InvalidInputError) as caught:
        await service.update_constituent(created.id, {"last_name": None})
    assert "last_name" in caught.value.errors


async def test_marking_deceased(registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    created = await service.create_constituent({**MARIA, "birth_date": "1950-01-01"})
    seen = capture_dispatched(monkeypatch)
    died = await service.update_constituent(
        created.id, {"deceased": True, "deceased_date": "2024-03-01"}
    )
    assert died.deceased is True
    assert died.deceased_date == date(2024, 3, 1)
    assert names_of(seen) == ["constituent.updated", "constituent.deceased"]
    undone = await service.update_constituent(created.id, {"deceased": False})
    assert undone.deceased is False
    assert undone.deceased_date is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deceased_date": "2024-03-01"}, "deceased_date"),
        ({"deceased": True, "deceased_date": "1940-01-01"}, "deceased_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
    ],
)
async def test_inconsistent_life_dates_are_refused(
    registry: PluginRegistry, changes: dict[str, object], field: str
) -> None:
    created = await service.create_constituent({**MARIA, "birth_date": "1950-01-01"})
    with pytest.raises(InvalidInputError) as caught:
        await service.update_constituent(created.id, changes)
    assert field in caught.value.errors


async def test_future_deceased_date_and_non_individual_deceased_are_refused(
    registry: PluginRegistry,
) -> None:
    tomorrow = date.today() + timedelta(days=2)
    with pytest.raises(InvalidInputError) as caught:
        await service.create_constituent({**MARIA, "deceased": True, "deceased_date": tomorrow})
    assert "deceased_date" in caught.value.errors
    with pytest.raises(InvalidInputError) as caught:
        await service.create_constituent(
            {"kind": "organisation", "organisation_name": "Acme", "deceased": True}
        )
    assert caught.value.errors == {"deceased": "applies only to individuals"}


async def test_soft_delete_and_restore(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = await service.create_constituent(MARIA)
    seen = capture_dispatched(monkeypatch)
    await service.soft_delete_constituent(created.id)
    with pytest.raises(NotFoundError):
        await service.get_constituent(created.id)
    hidden = await service.get_constituent(created.id, include_deleted=True)
    assert hidden.deleted_at is not None
    with pytest.raises(NotFoundError):
        await service.soft_delete_constituent(created.id)
    with pytest.raises(NotFoundError):
        await service.update_constituent(created.id, {"notes": "x"})
    restored = await service.restore_constituent(created.id)
    assert restored.deleted_at is None
    with pytest.raises(ConflictError):
        await service.restore_constituent(created.id)
    assert names_of(seen) == ["constituent.deleted", "constituent.restored"]
    assert [a for a in await audit_actions(created.id) if a[1] == "constituent"][-2:] == [
        ("delete", "constituent"),
        ("restore", "constituent"),
    ]


async def test_a_merged_constituent_cannot_be_restored(registry: PluginRegistry) -> None:
    survivor = await service.create_constituent(MARIA)
    merged = await service.create_constituent({"kind": "individual", "last_name": "Dup"})
    await db.execute(
        "UPDATE core_constituent SET deleted_at = updated_at, merged_into_id = {} WHERE id = {}",
        survivor.id,
        merged.id,
    )
    with pytest.raises(ConflictError, match="merged"):
        await service.restore_constituent(merged.id)


async def test_failed_change_rolls_back_and_dispatches_nothing(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    await service.create_constituent({**MARIA, "external_id": "E-1"})
    seen = capture_dispatched(monkeypatch)
    with pytest.raises(ConflictError):
        await service.create_constituent(
            {"kind": "organisation", "organisation_name": "Acme", "external_id": "E-1"}
        )
    assert seen == []
    assert await count("core_constituent") == 1


async def test_missing_constituent_is_not_found(registry: PluginRegistry) -> None:
    with pytest.raises(NotFoundError):
        await service.get_constituent(4242)
    with pytest.raises(NotFoundError):
        await service.update_constituent(4242, {"notes": "x"})

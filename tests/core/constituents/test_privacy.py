"""Personal data: subject-access export and erasure across every enabled plugin."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx
import pytest

from core import audit, db, hookimpl
from core.constituents import custom_fields, hooks, privacy, service, tags
from core.errors import ConflictError, NotFoundError
from core.plugins.registry import PluginRegistry
from core.plugins.types import ErasureReport, ExportSection
from tests.core.constituents.record_helpers import (
    MARIA,
    add_test_plugin,
    capture_dispatched,
    count,
    names_of,
)

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


async def _full_constituent() -> int:
    tag = await tags.create_tag({"name": "Major donor"})
    await custom_fields.define_custom_field(
        {"key": "vegan", "label": "Vegan", "field_type": "boolean"}
    )
    detail = await service.create_constituent(
        {
            **MARIA,
            "birth_date": "1970-05-01",
            "external_id": "EXT-9",
            "notes": "Met at the gala.\nLikes opera.",
            "emails": [{"email": "maria@example.org"}],
            "phones": [{"number": "+34 911 23 45 67"}],
            "addresses": [{"line1": "Calle Mayor 1", "postcode": "28013", "country": "ES"}],
            "tags": [tag.id],
            "custom_fields": {"vegan": True},
        }
    )
    return detail.id


async def test_export_gathers_core_data(registry: PluginRegistry) -> None:
    cid = await _full_constituent()
    export = await privacy.export_personal_data(cid)
    section = next(s for s in export.sections if s.plugin == "constituents")
    records = section.records
    assert records["constituent"][0]["first_name"] == "María José"
    assert records["constituent"][0]["notes"] == "Met at the gala.\nLikes opera."
    assert "search_text" not in records["constituent"][0]
    assert [e["email"] for e in records["emails"]] == ["maria@example.org"]
    assert [p["number"] for p in records["phones"]] == ["+34911234567"]
    assert records["addresses"][0]["postcode"] == "28013"
    assert [t["name"] for t in records["tags"]] == ["Major donor"]
    assert records["custom_fields"][0]["key"] == "vegan"
    assert records["custom_fields"][0]["value"] is True
    json.dumps(export.model_dump(mode="json"))  # JSON-ready all the way down
    assert (await audit.entries_for(entity_type="constituent", entity_id=cid))[0][
        "action"
    ] == "export"


async def test_export_includes_other_plugins_sections(registry: PluginRegistry) -> None:
    cid = await _full_constituent()

    @hookimpl
    def steward_personal_data_export(constituent_id: int) -> ExportSection:
        return ExportSection(
            plugin="gifts_test", records={"gifts": [{"constituent_id": constituent_id}]}
        )

    add_test_plugin("gifts_test", steward_personal_data_export=steward_personal_data_export)
    export = await privacy.export_personal_data(cid)
    by_plugin = {s.plugin: s.records for s in export.sections}
    assert by_plugin["gifts_test"] == {"gifts": [{"constituent_id": cid}]}
    assert "constituents" in by_plugin


async def test_erasure_anonymises_deletes_and_redacts(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = await _full_constituent()
    other = (await service.create_constituent({"kind": "individual", "last_name": "Keep"})).id
    seen = capture_dispatched(monkeypatch)
    result = await privacy.erase_personal_data(cid)
    report = next(r for r in result.reports if r.plugin == "constituents")
    assert report.erased["emails"] == 1
    assert report.erased["phones"] == 1
    assert report.erased["addresses"] == 1
    assert report.erased["custom_values"] == 1
    assert report.erased["tags"] == 1
    assert report.erased["audit_entries"] > 0
    assert "constituent" in report.retained

    row = await db.fetch_one("SELECT * FROM core_constituent WHERE id = {}", cid)
    assert row is not None
    assert row["display_name"] == f"Erased constituent {cid}"
    for column in ("first_name", "last_name", "preferred_name", "birth_date", "external_id"):
        assert row[column] is None
    assert row["notes"] == ""
    assert row["primary_email"] is None
    assert row["search_text"] == ""
    assert row["deleted_at"] is not None
    for table in ("core_email", "core_phone", "core_address", "core_custom_value"):
        assert await count(table, "constituent_id = {}", cid) == 0

    entries = await audit.entries_for(constituent_id=cid, limit=500)
    dumped = json.dumps([[e["before"], e["after"]] for e in entries], default=str)
    assert "María" not in dumped
    assert "maria@example.org" not in dumped
    assert entries[0]["action"] == "erase"
    # Other constituents' history is untouched.
    kept = await audit.entries_for(constituent_id=other)
    assert kept[0]["after"]["last_name"] == "Keep"
    assert names_of(seen) == ["constituent.erased"]

    with pytest.raises(NotFoundError):
        await service.get_constituent(cid)
    with pytest.raises(ConflictError, match="erased"):
        await service.restore_constituent(cid)
    export = await privacy.export_personal_data(cid)
    section = next(s for s in export.sections if s.plugin == "constituents")
    assert section.records["emails"] == []
    assert section.records["constituent"][0]["first_name"] is None


async def test_a_failing_plugin_rolls_the_whole_erasure_back(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = await _full_constituent()

    @hookimpl
    def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
        raise RuntimeError("gift archive unavailable")

    add_test_plugin("broken_test", steward_personal_data_erasure=steward_personal_data_erasure)
    seen = capture_dispatched(monkeypatch)
    with pytest.raises(RuntimeError, match="gift archive"):
        await privacy.erase_personal_data(cid)
    detail = await service.get_constituent(cid)
    assert detail.first_name == "María José"
    assert [e.email for e in detail.emails] == ["maria@example.org"]
    entries = await audit.entries_for(constituent_id=cid, limit=500)
    assert not any(e["redacted"] for e in entries)
    assert seen == []


async def test_other_plugins_reports_are_returned(registry: PluginRegistry) -> None:
    cid = await _full_constituent()

    @hookimpl
    async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
        return ErasureReport(
            plugin="gifts_test", erased={"gift_notes": 2}, retained={"gifts": "tax law"}
        )

    add_test_plugin("gifts_test", steward_personal_data_erasure=steward_personal_data_erasure)
    result = await privacy.erase_personal_data(cid)
    by_plugin = {r.plugin: r for r in result.reports}
    assert by_plugin["gifts_test"].erased == {"gift_notes": 2}
    assert by_plugin["gifts_test"].retained == {"gifts": "tax law"}


async def test_erasing_an_unknown_constituent_is_not_found(registry: PluginRegistry) -> None:
    with pytest.raises(NotFoundError):
        await privacy.erase_personal_data(4242)
    with pytest.raises(NotFoundError):
        await privacy.export_personal_data(4242)


async def test_export_and_erase_over_the_api(
    api: httpx.AsyncClient, make_api_client: MakeClient
) -> None:
    created = await api.post(
        "/api/v1/constituents", json={**MARIA, "emails": [{"email": "m@example.org"}]}
    )
    cid = created.json()["id"]
    staff = await make_api_client(roles=["staff"])
    manager = await make_api_client(roles=["manager"])

    assert (await staff.get(f"/api/v1/constituents/{cid}/export")).status_code == 403
    exported = await manager.get(f"/api/v1/constituents/{cid}/export")
    assert exported.status_code == 200
    body = exported.json()
    assert body["constituent_id"] == cid
    core = next(s for s in body["sections"] if s["plugin"] == "constituents")
    assert core["records"]["emails"][0]["email"] == "m@example.org"

    assert (await staff.post(f"/api/v1/constituents/{cid}/erase")).status_code == 403
    erased = await manager.post(f"/api/v1/constituents/{cid}/erase")
    assert erased.status_code == 200
    assert any(r["plugin"] == "constituents" for r in erased.json()["reports"])
    assert (await api.get(f"/api/v1/constituents/{cid}")).status_code == 404
    shown = await api.get(f"/api/v1/constituents/{cid}", params={"include_deleted": "true"})
    assert shown.json()["first_name"] is None
    assert shown.json()["emails"] == []


async def test_core_parts_extend_through_the_hook_lists(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = await _full_constituent()

    async def export_notes(constituent_id: int) -> dict[str, list[dict[str, object]]]:
        return {"case_notes": [{"constituent_id": constituent_id}]}

    async def erase_notes(constituent_id: int) -> ErasureReport:
        return ErasureReport(
            plugin="constituents", erased={"case_notes": 3}, retained={"log": "legal"}
        )

    monkeypatch.setattr(hooks, "EXPORTERS", [*hooks.EXPORTERS, export_notes])
    monkeypatch.setattr(hooks, "ERASERS", [*hooks.ERASERS, erase_notes])
    export = await privacy.export_personal_data(cid)
    core = next(s for s in export.sections if s.plugin == "constituents")
    assert core.records["case_notes"] == [{"constituent_id": cid}]
    assert "emails" in core.records
    result = await privacy.erase_personal_data(cid)
    report = next(r for r in result.reports if r.plugin == "constituents")
    assert report.erased["case_notes"] == 3
    assert report.erased["emails"] == 1
    assert report.retained["log"] == "legal"
    assert "constituent" in report.retained

"""Relationships, households, consent and blocks take part in export and erasure."""

from __future__ import annotations

from core import db
from core.constituents import consent, households, privacy, relations, relationship_types, service
from core.plugins.registry import PluginRegistry


async def _person(first: str, last: str) -> int:
    created = await service.create_constituent(
        {"kind": "individual", "first_name": first, "last_name": last}
    )
    return created.id


async def _connected_pair() -> tuple[int, int]:
    await relationship_types.ensure_default_relationship_types()
    types = await relationship_types.list_relationship_types(per_page=100)
    sibling = next(t.id for t in types.items if t.key == "sibling")
    ana, luis = await _person("Ana", "Ruiz"), await _person("Luis", "Ruiz")
    await relations.create_relationship(ana, luis, sibling)
    await households.create_household("Familia Ruiz", [ana, luis], primary_contact_id=ana)
    await consent.record_consent(
        ana, channel="email", purpose="newsletter", status="granted", method="paper",
        wording="Sí, quiero el boletín.",
    )  # fmt: skip
    await consent.block_contact(ana, "phone", "Asked not to be called")
    return ana, luis


async def test_export_includes_relations_consent_and_blocks(registry: PluginRegistry) -> None:
    ana, _ = await _connected_pair()
    export = await privacy.export_personal_data(ana)
    section = next(s for s in export.sections if s.plugin == "constituents")
    records = section.records
    assert len(records["relationships"]) == 1
    assert len(records["household_memberships"]) == 1
    assert records["consent"][0]["wording"] == "Sí, quiero el boletín."
    assert records["contact_blocks"][0]["channel"] == "phone"


async def test_erasure_removes_relations_and_keeps_the_consent_log(
    registry: PluginRegistry,
) -> None:
    ana, luis = await _connected_pair()
    result = await privacy.erase_personal_data(ana)
    report = next(r for r in result.reports if r.plugin == "constituents")
    assert report.erased["relationships"] == 1
    assert report.erased["household_memberships"] == 1
    assert report.erased["contact_blocks"] == 1
    assert "consent_log" in report.retained
    remaining = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_relationship WHERE constituent_a_id = {} "
        "OR constituent_b_id = {}",
        ana,
        ana,
    )
    assert remaining == 0
    assert (
        await db.fetch_value(
            "SELECT COUNT(*) AS n FROM core_consent WHERE constituent_id = {}", ana
        )
        == 1
    )
    assert (await service.get_constituent(luis)).id == luis  # the other person is untouched

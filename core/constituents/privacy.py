"""Subject-access export and erasure of a constituent's personal data, across every plugin.

:func:`export_personal_data` gathers each enabled plugin's ``steward_personal_data_export``
section; :func:`erase_personal_data` calls each enabled plugin's
``steward_personal_data_erasure`` inside one unit of work, so that one plugin's failure rolls
the whole erasure back. Core's own part (this plugin's hook implementations) is
:func:`core_export_section` and :func:`core_erasure_report` over the parts listed in
:mod:`core.constituents.hooks`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core import audit, db
from core.constituents.common import fetch_constituent, now
from core.constituents.custom_values import typed_value
from core.constituents.schemas import (
    ErasureReportOut,
    ErasureResult,
    ExportSectionOut,
    PersonalDataExport,
)
from core.events import emit, unit_of_work
from core.plugins.registry import current_registry
from core.plugins.types import ErasureReport, ExportSection

PLUGIN_NAME = "constituents"
# Parts of this plugin's own export and erasure (see core.constituents.hooks).
Exporter = Callable[[int], Awaitable[Mapping[str, list[Mapping[str, Any]]]]]
Eraser = Callable[[int], Awaitable[ErasureReport]]
# Rows deleted outright on erasure: (table, name in the report).
ERASED_TABLES: tuple[tuple[str, str], ...] = (
    ("core_email", "emails"),
    ("core_phone", "phones"),
    ("core_address", "addresses"),
    ("core_custom_value", "custom_values"),
    ("core_constituent_tag", "tags"),
)


def _plain(value: Any) -> Any:
    """A JSON-ready copy: instants and dates as ISO text, decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


async def export_record_data(constituent_id: int) -> dict[str, list[Mapping[str, Any]]]:
    """The constituent record, contact details, tags and custom values (deleted ones too)."""
    row = await fetch_constituent(constituent_id, include_deleted=True)
    row.pop("search_text", None)
    records: dict[str, list[Mapping[str, Any]]] = {"constituent": [_plain(row)]}
    for table, name in ERASED_TABLES[:3]:
        rows = await db.fetch_all(
            f"SELECT * FROM {table} WHERE constituent_id = {{}} ORDER BY id", constituent_id
        )
        records[name] = [_plain(r) for r in rows]
    tags = await db.fetch_all(
        "SELECT t.name, t.description, ct.created_at AS tagged_at FROM core_constituent_tag ct "
        "JOIN core_tag t ON t.id = ct.tag_id WHERE ct.constituent_id = {} ORDER BY t.name",
        constituent_id,
    )
    records["tags"] = [_plain(t) for t in tags]
    values = await db.fetch_all(
        "SELECT f.key, f.label, f.field_type, v.value, v.updated_at FROM core_custom_value v "
        "JOIN core_custom_field f ON f.id = v.field_id WHERE v.constituent_id = {} "
        "ORDER BY f.position, f.key",
        constituent_id,
    )
    records["custom_fields"] = [
        _plain({**v, "value": typed_value(v["field_type"], v["value"])}) for v in values
    ]
    return records


async def erase_record_data(constituent_id: int) -> ErasureReport:
    """Anonymise the record and delete contact details, tags and custom values.

    Runs inside the caller's transaction. The anonymised row stays (soft-deleted) so that
    other plugins' rows pointing at it keep their meaning.
    """
    erased: dict[str, int] = {}
    for table, name in ERASED_TABLES:
        count = await db.fetch_value(
            f"SELECT COUNT(*) AS n FROM {table} WHERE constituent_id = {{}}", constituent_id
        )
        await db.execute(f"DELETE FROM {table} WHERE constituent_id = {{}}", constituent_id)
        erased[name] = int(count or 0)
    stamp = now()
    label = f"Erased constituent {constituent_id}"
    await db.execute(
        "UPDATE core_constituent SET prefix = {}, first_name = {}, middle_name = {}, "
        "last_name = {}, suffix = {}, preferred_name = {}, organisation_name = {}, "
        "household_name = {}, display_name = {}, sort_name = {}, search_text = {}, "
        "birth_date = {}, deceased_date = {}, primary_email = {}, primary_phone = {}, "
        "primary_postcode = {}, source = {}, external_id = {}, notes = {}, updated_at = {}, "
        "deleted_at = COALESCE(deleted_at, {}) WHERE id = {}",
        *([None] * 8),
        label,
        label,
        "",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "",
        stamp,
        stamp,
        constituent_id,
    )
    erased["constituent"] = 1
    return ErasureReport(
        plugin=PLUGIN_NAME,
        erased=erased,
        retained={
            "constituent": "an anonymised, deleted record keeps the id so that gifts, "
            "memberships and the audit trail still add up",
        },
        order=0,
    )


async def core_export_section(constituent_id: int, exporters: Sequence[Exporter]) -> ExportSection:
    """This plugin's export section: every exporter's named record lists, merged."""
    records: dict[str, list[Mapping[str, Any]]] = {}
    for exporter in exporters:
        for name, rows in (await exporter(constituent_id)).items():
            records[name] = [_plain(r) for r in rows]
    return ExportSection(plugin=PLUGIN_NAME, records=records, order=0)


async def core_erasure_report(constituent_id: int, erasers: Sequence[Eraser]) -> ErasureReport:
    """Run every eraser, then redact the constituent's audit history; one merged report."""
    erased: dict[str, int] = {}
    retained: dict[str, str] = {}
    for eraser in erasers:
        report = await eraser(constituent_id)
        erased.update(report.erased)
        retained.update(report.retained)
    erased["audit_entries"] = await audit.redact_constituent(constituent_id)
    return ErasureReport(plugin=PLUGIN_NAME, erased=erased, retained=retained, order=0)


async def export_personal_data(constituent_id: int) -> PersonalDataExport:
    """Everything every enabled plugin holds about a constituent; the export is audited."""
    await fetch_constituent(constituent_id, include_deleted=True)
    sections = await current_registry().collect(
        "steward_personal_data_export", constituent_id=constituent_id
    )
    result = PersonalDataExport(
        constituent_id=constituent_id,
        generated_at=now(),
        sections=[
            ExportSectionOut(
                plugin=s.plugin,
                records={name: [_plain(r) for r in rows] for name, rows in s.records.items()},
            )
            for s in sections
        ],
    )
    async with unit_of_work():
        await audit.record_change(
            "export",
            "constituent",
            constituent_id,
            after={"sections": [s.plugin for s in result.sections]},
            constituent_id=constituent_id,
        )
    return result


async def erase_personal_data(constituent_id: int) -> ErasureResult:
    """Erase the constituent's personal data in every enabled plugin, all or nothing.

    Each plugin's ``steward_personal_data_erasure`` runs in one transaction and any
    exception rolls everything back. The hooks are gathered with ``collect`` rather than
    ``call_each(isolate=False)``: both propagate failures, but only ``collect`` keeps each
    plugin's :class:`ErasureReport`. Audit entries written during erasure are redacted too.
    """
    async with unit_of_work():
        await fetch_constituent(constituent_id, include_deleted=True, lock=True)
        reports = await current_registry().collect(
            "steward_personal_data_erasure", constituent_id=constituent_id
        )
        await audit.redact_constituent(constituent_id)
        stamp = now()
        await audit.record_change(
            "erase",
            "constituent",
            constituent_id,
            after={"erased": {r.plugin: dict(r.erased) for r in reports}},
            constituent_id=constituent_id,
        )
        await emit("constituent.erased", {"constituent_id": constituent_id})
    return ErasureResult(
        constituent_id=constituent_id,
        erased_at=stamp,
        reports=[
            ErasureReportOut(plugin=r.plugin, erased=dict(r.erased), retained=dict(r.retained))
            for r in reports
        ],
    )

"""Hook implementations of the internal ``constituents`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.constituents import (
    api,
    contacts_api,
    fields_api,
    merge_api,
    privacy,
    relations_api,
    relationship_types,
)
from core.constituents.relations_privacy import erase_relations_data, export_relations_data
from core.hookimpl import hookimpl
from core.plugins.types import ErasureReport, EventType, ExportSection, Permission
from core.settings import Settings


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """Constituents, their contact details, tags, custom fields and personal data."""
    return [
        *api.ROUTES,
        *contacts_api.ROUTES,
        *fields_api.ROUTES,
        *relations_api.ROUTES,
        *merge_api.ROUTES,
    ]


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Permissions over constituent records."""
    return [
        Permission("constituents.read", "Read constituents", order=30),
        Permission("constituents.write", "Create and edit constituents and tags", order=31),
        Permission(
            "constituents.delete",
            "Delete, restore and erase constituents",
            "Includes erasing personal data, which cannot be undone",
            order=32,
        ),
        Permission("custom_fields.manage", "Define custom fields", order=33),
        Permission("data.export", "Export personal data", "Subject-access exports", order=34),
        *relations_api.PERMISSIONS,
        *merge_api.PERMISSIONS,
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events about constituent records."""
    return [
        EventType("constituent.created", "A constituent was created", order=30),
        EventType("constituent.updated", "A constituent's record changed", order=30),
        EventType("constituent.deceased", "A constituent was marked deceased", order=30),
        EventType("constituent.deleted", "A constituent was soft-deleted", order=30),
        EventType("constituent.restored", "A soft-deleted constituent was restored", order=30),
        EventType("constituent.erased", "A constituent's personal data was erased", order=30),
        EventType("constituent.tagged", "A tag was put on a constituent", order=31),
        EventType("constituent.untagged", "A tag was taken off a constituent", order=31),
        EventType("email.added", "An email address was added", order=32),
        EventType("email.changed", "An email address was changed", order=32),
        EventType("email.removed", "An email address was removed", order=32),
        EventType("phone.added", "A phone number was added", order=32),
        EventType("phone.changed", "A phone number was changed", order=32),
        EventType("phone.removed", "A phone number was removed", order=32),
        EventType("address.added", "A postal address was added", order=32),
        EventType("address.changed", "A postal address was changed", order=32),
        EventType("address.removed", "A postal address was removed", order=32),
        EventType("tag.created", "A tag was defined", order=33),
        EventType("tag.changed", "A tag was renamed or re-described", order=33),
        EventType("tag.deleted", "A tag was deleted", order=33),
        EventType("custom_field.defined", "A custom field was defined", order=34),
        EventType("custom_field.changed", "A custom field definition changed", order=34),
        EventType("custom_value.set", "A constituent's custom field value was set", order=34),
        EventType(
            "custom_value.cleared", "A constituent's custom field value was cleared", order=34
        ),
        *relations_api.EVENT_TYPES,
        *merge_api.EVENT_TYPES,
    ]


# The parts of this plugin's personal data; each area of core/constituents adds its own.
EXPORTERS: list[privacy.Exporter] = [privacy.export_record_data, export_relations_data]
ERASERS: list[privacy.Eraser] = [privacy.erase_record_data, erase_relations_data]


@hookimpl
async def steward_personal_data_export(constituent_id: int) -> ExportSection:
    """The constituent record, contact details, tags and custom values."""
    return await privacy.core_export_section(constituent_id, EXPORTERS)


@hookimpl
async def steward_personal_data_erasure(constituent_id: int) -> ErasureReport:
    """Anonymise the record, delete contact details and custom values, redact the audit log."""
    return await privacy.core_erasure_report(constituent_id, ERASERS)


@hookimpl
async def steward_startup(settings: Settings) -> None:
    """Add the default relationship types that are missing (idempotent)."""
    await relationship_types.ensure_default_relationship_types()

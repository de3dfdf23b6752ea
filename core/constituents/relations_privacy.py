"""Relationships, households, consent and blocks in subject-access exports and erasure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import db
from core.constituents.relations import export_relations
from core.plugins.types import ErasureReport

# Tables whose rows about the person are deleted on erasure: (table, column(s), report name).
_ERASED: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("core_relationship", ("constituent_a_id", "constituent_b_id"), "relationships"),
    ("core_household_member", ("member_id",), "household_memberships"),
    ("core_contact_block", ("constituent_id",), "contact_blocks"),
)


async def export_relations_data(constituent_id: int) -> dict[str, list[Mapping[str, Any]]]:
    """The relations part of a subject-access export."""
    return {name: list(rows) for name, rows in (await export_relations(constituent_id)).items()}


async def erase_relations_data(constituent_id: int) -> ErasureReport:
    """Delete relationships, household memberships and blocks; keep the consent log.

    The consent log stays as the organisation's evidence of what was agreed and withdrawn;
    once the record is anonymised it no longer identifies the person.
    """
    erased: dict[str, int] = {}
    for table, columns, name in _ERASED:
        condition = " OR ".join(f"{column} = {{}}" for column in columns)
        args = [constituent_id] * len(columns)
        count = await db.fetch_value(f"SELECT COUNT(*) AS n FROM {table} WHERE {condition}", *args)
        await db.execute(f"DELETE FROM {table} WHERE {condition}", *args)
        erased[name] = int(count or 0)
    return ErasureReport(
        plugin="constituents",
        erased=erased,
        retained={"consent_log": "kept as evidence of consent given and withdrawn"},
    )

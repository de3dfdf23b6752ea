"""Helpers for import/export tests: CSV files written in the tests, database snapshots."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from core import db
from core.hookimpl import hookimpl
from core.plugins.manifest import PluginInfo
from core.plugins.registry import PluginRegistry
from core.plugins.types import DomainEvent
from core.testing import cloned_database


def write_csv(path: Path, text: str, encoding: str = "utf-8", bom: bool = False) -> Path:
    """Write ``text`` (lines joined with CRLF as spreadsheets do) in an encoding."""
    data = text.replace("\n", "\r\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


async def count(table: str) -> int:
    """Rows in a table."""
    return int(await db.fetch_value(f"SELECT COUNT(*) AS n FROM {table}") or 0)


async def constituent(external_id: str) -> dict[str, Any]:
    """One constituent row by external id."""
    row = await db.fetch_one("SELECT * FROM core_constituent WHERE external_id = {}", external_id)
    assert row is not None, f"no constituent {external_id}"
    return row


async def snapshot() -> list[dict[str, Any]]:
    """Everything an export carries about every constituent, comparable across databases."""
    rows = await db.fetch_all(
        "SELECT id, kind, prefix, first_name, middle_name, last_name, suffix, preferred_name, "
        "organisation_name, household_name, display_name, sort_name, search_text, "
        "lifecycle_stage, birth_date, primary_email, primary_phone, primary_postcode, source, "
        "external_id, notes, deleted_at FROM core_constituent"
    )
    result = []
    for row in rows:
        cid = row.pop("id")
        address = await db.fetch_one(
            "SELECT line1, line2, line3, city, region, postcode, country FROM core_address "
            "WHERE constituent_id = {} AND is_primary = {}",
            cid,
            True,
        )
        tags = await db.fetch_all(
            "SELECT t.name FROM core_tag t JOIN core_constituent_tag ct ON ct.tag_id = t.id "
            "WHERE ct.constituent_id = {} ORDER BY t.name",
            cid,
        )
        custom = await db.fetch_all(
            "SELECT f.key, v.value FROM core_custom_value v "
            "JOIN core_custom_field f ON f.id = v.field_id WHERE v.constituent_id = {}",
            cid,
        )
        row["deleted"] = row.pop("deleted_at") is not None
        row["address"] = address
        row["tags"] = [t["name"] for t in tags]
        row["custom"] = {c["key"]: c["value"] for c in custom}
        result.append(row)
    return sorted(result, key=lambda r: (r["sort_name"], r["external_id"] or ""))


class EventRecorder:
    """A throw-away plugin collecting committed domain events."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []

    @hookimpl
    def steward_on_event(self, event: DomainEvent) -> None:
        """Collect the event."""
        self.events.append(event)

    def named(self, name: str) -> list[DomainEvent]:
        """The collected events with this name."""
        return [e for e in self.events if e.name == name]


@pytest.fixture
def events(registry: PluginRegistry) -> EventRecorder:
    """Domain events dispatched during the test."""
    recorder = EventRecorder()
    registry.add_plugin(
        PluginInfo(name="dataio_events", version="0", label="events", hooks=__name__), recorder
    )
    return recorder


@pytest.fixture
async def second_database_url(template_database: str, tmp_path: Path) -> AsyncIterator[str]:
    """Another fresh, migrated database (for round trips between two databases)."""
    async with cloned_database(template_database, tmp_path, "second") as url:
        yield url

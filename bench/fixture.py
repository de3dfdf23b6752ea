"""Benchmark databases, built once per scale and cached under ``var/bench/<scale>/``.

* ``migrated.db``: ``steward init`` on an empty file (every installed plugin).
* ``people.db``: the constituents file imported by ``steward import constituents``'s service.
* ``loaded.db``: people plus every gift and interaction, loaded in bulk (the workloads read
  it; building it is not what they measure), with donor rollups rebuilt, and an
  administrator whose API token is kept in ``credentials.json``.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.env import booted, run_steward, sqlite_url
from bench.generate import ensure_generated, read_rows
from bench.scales import Scale

ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "a long benchmark password 123"  # noqa: S105 - local benchmark database
CHUNK = 5_000
STAMP = datetime(2026, 7, 1, tzinfo=UTC).isoformat(sep=" ")

GIFT_SQL = (
    "INSERT INTO donations_gift (donor_id, amount_minor, currency, gift_date, fiscal_year, "
    "payment_method, status, anonymous, non_deductible_minor, source, external_id, notes, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'received', 0, 0, 'import', ?, '', ?, ?)"
)
INTERACTION_SQL = (
    "INSERT INTO core_interaction (constituent_id, interaction_type, channel, direction, "
    "subject, initiated_by, occurred_at, follow_up_status, source_plugin, payload, "
    "external_ref, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'none', ?, ?, ?, ?, ?)"
)


def copy_database(source: Path, target: Path) -> Path:
    """A fresh copy of a SQLite database file (and nothing of a previous copy)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def migrated_db(scale: Scale) -> Path:
    """An empty, fully migrated database (cached)."""
    path = scale.data_dir / "migrated.db"
    if not path.exists():
        scale.data_dir.mkdir(parents=True, exist_ok=True)
        building = scale.data_dir / "migrated.building.db"
        building.unlink(missing_ok=True)
        run_steward(sqlite_url(building), "init")
        building.rename(path)
    return path


def people_db(scale: Scale) -> Path:
    """The migrated database with the scale's constituents imported (cached)."""
    path = scale.data_dir / "people.db"
    if not path.exists():
        ensure_generated(scale)
        building = copy_database(migrated_db(scale), scale.data_dir / "people.building.db")
        asyncio.run(_import_people(scale, building))
        building.rename(path)
    return path


async def _import_people(scale: Scale, path: Path) -> None:
    from core.dataio.importer import ImportOptions, import_constituents

    async with booted(sqlite_url(path)):
        report = await import_constituents(
            scale.data_dir / "constituents.csv", ImportOptions(batch_size=1000)
        )
    if report.errors:
        raise RuntimeError(f"import rejected rows: {report.errors[:5]}")


def external_ids(connection: sqlite3.Connection) -> dict[str, int]:
    """Constituent external id → id."""
    rows = connection.execute("SELECT external_id, id FROM core_constituent")
    return {str(ext): int(cid) for ext, cid in rows if ext}


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def gift_rows(path: Path, ids: dict[str, int], first_id: int = 1) -> Iterator[tuple[Any, ...]]:
    """donations_gift rows (GIFT_SQL order) for a generated gifts file (fiscal year = calendar
    year: the benchmark organisation's fiscal year starts on 1 January)."""
    for row in read_rows(path):
        day = date.fromisoformat(row["gift_date"])
        yield (
            ids[row["donor_external_id"]],
            round(float(row["amount"]) * 100),
            row["currency"],
            day.isoformat(),
            day.year,
            row["payment_method"],
            row["external_id"],
            STAMP,
            STAMP,
        )


def gift_interaction(gift_id: int, gift: tuple[Any, ...]) -> tuple[Any, ...]:
    """The ``donations.gift`` timeline row of an inserted gift (INTERACTION_SQL order)."""
    payload = json.dumps(
        {
            "gift_id": gift_id,
            "amount_minor": gift[1],
            "currency": gift[2],
            "status": "received",
            "payment_method": gift[5],
        }
    )
    occurred = f"{gift[3]} 12:00:00+00:00"
    return (gift[0], "donations.gift", "other", "inbound", f"Gift {gift_id}", "constituent",
            occurred, "donations", payload, f"gift:{gift_id}", STAMP, STAMP)  # fmt: skip


def interaction_rows(path: Path, ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    """core_interaction rows (INTERACTION_SQL order) for a generated interactions file."""
    for row in read_rows(path):
        yield (
            ids[row["constituent_external_id"]],
            row["interaction_type"],
            row["channel"],
            row["direction"],
            row["subject"],
            "staff",
            datetime.fromisoformat(row["occurred_at"]).isoformat(sep=" "),
            "core",
            "{}",
            None,
            STAMP,
            STAMP,
        )


def insert_gifts(connection: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert gifts and their timeline rows; returns how many gifts (ids assigned in order)."""
    next_id = int(
        connection.execute("SELECT COALESCE(MAX(id), 0) FROM donations_gift").fetchone()[0]
    )
    count = 0
    for chunk in _chunks(rows):
        connection.executemany(GIFT_SQL, chunk)
        timeline = [gift_interaction(next_id + i + 1, g) for i, g in enumerate(chunk)]
        connection.executemany(INTERACTION_SQL, timeline)
        next_id += len(chunk)
        count += len(chunk)
    return count


def loaded_db(scale: Scale) -> Path:
    """People plus gifts, interactions, rollups and an administrator (cached)."""
    path = scale.data_dir / "loaded.db"
    if path.exists():
        return path
    building = copy_database(people_db(scale), scale.data_dir / "loaded.building.db")
    connection = sqlite3.connect(building)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        ids = external_ids(connection)
        with connection:
            insert_gifts(connection, gift_rows(scale.data_dir / "gifts.csv", ids))
            for chunk in _chunks(interaction_rows(scale.data_dir / "interactions.csv", ids)):
                connection.executemany(INTERACTION_SQL, chunk)
        connection.execute("ANALYZE")
    finally:
        connection.close()
    asyncio.run(_finish(scale, building))
    building.rename(path)
    return path


async def _finish(scale: Scale, path: Path) -> None:
    from core.auth import service
    from plugins.donations import rollups

    async with booted(sqlite_url(path)):
        await rollups.recompute_all()
        user_id = await service.create_user(ADMIN_EMAIL, password=ADMIN_PASSWORD, roles=["admin"])
        token = await service.create_api_token(user_id, "benchmark", [])
    credentials = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "token": token.secret}
    (scale.data_dir / "credentials.json").write_text(json.dumps(credentials) + "\n")


def credentials(scale: Scale) -> dict[str, str]:
    """The administrator of ``loaded.db``: email, password and API token."""
    loaded_db(scale)
    data: dict[str, str] = json.loads((scale.data_dir / "credentials.json").read_text())
    return data

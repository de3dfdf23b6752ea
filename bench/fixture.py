"""Benchmark databases, built once per scale and cached under ``var/bench/<scale>/``.

* ``migrated.db``: ``steward init`` on an empty file (every installed plugin).
* ``people.db``: the constituents file imported by ``steward import constituents``'s service
  (its time and peak memory are kept in ``build.json``).
* ``bulk.db``: people plus every gift, interaction, membership, hours entry and mention,
  inserted in bulk with durability off and non-unique indexes rebuilt after (building it
  is not what the workloads measure; see ``bench/build.py`` and ``bench/plugin_data.py``).
* ``loaded.db``: bulk plus donor rollups rebuilt, membership statuses computed by the
  plugin's rules, and an administrator whose API token is kept in ``credentials.json``.

Each stage is its own command (``python -m bench --workload people|bulk|load``), cached,
and prints its progress on standard error.
"""

from __future__ import annotations

import asyncio
import csv
import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench import plugin_data
from bench.build import (
    build_connection,
    counted,
    finish_build,
    record_stage,
    stage,
    watching,
    without_indexes,
)
from bench.env import booted, run_child, run_steward, sqlite_url
from bench.generate import ensure_generated
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
    """The migrated database with the scale's constituents imported by our importer (cached).

    The import runs in its own process, so its peak memory over the whole file is measured
    (``wait4``) and kept with its time in ``build.json`` (stage ``people``).
    """
    ensure_generated(scale)  # files from other generator code: rebuilt, databases removed
    path = scale.data_dir / "people.db"
    if not path.exists():
        building = copy_database(migrated_db(scale), scale.data_dir / "people.building.db")
        label = f"people {scale.name}: importing constituents.csv (our importer)"
        total = scale.constituents
        with stage(label) as timer, watching(building, "core_constituent", total, label):
            result, run = run_child(
                "bench.arms_import:ours", scale.data_dir / "people-import.log",
                database=building, csv_path=scale.data_dir / "constituents.csv",
            )  # fmt: skip
        if result.get("rejected"):
            raise RuntimeError(f"import rejected {result['rejected']} rows")
        record_stage(scale.data_dir, "people", seconds=round(timer.seconds, 1),
                     peak_rss_mb=round(run.peak_rss_mb, 1), rows=result["rows"])  # fmt: skip
        building.rename(path)
    return path


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


def _columns(path: Path) -> tuple[dict[str, int], Iterator[list[str]]]:
    """A CSV file's column positions and its remaining rows (lists: cheaper than dicts)."""
    handle = path.open(encoding="utf-8", newline="")
    reader = csv.reader(handle)
    header = next(reader)

    def rows() -> Iterator[list[str]]:
        with handle:
            yield from reader

    return {name: i for i, name in enumerate(header)}, rows()


def gift_rows(path: Path, ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    """donations_gift rows (GIFT_SQL order) for a generated gifts file (fiscal year = calendar
    year: the benchmark organisation's fiscal year starts on 1 January)."""
    at, rows = _columns(path)
    donor, amount, currency = at["donor_external_id"], at["amount"], at["currency"]
    day, method, external = at["gift_date"], at["payment_method"], at["external_id"]
    for row in rows:
        gift_date = date.fromisoformat(row[day]).isoformat()
        yield (ids[row[donor]], round(float(row[amount]) * 100), row[currency], gift_date,
               int(gift_date[:4]), row[method], row[external], STAMP, STAMP)  # fmt: skip


def gift_interaction(gift_id: int, gift: tuple[Any, ...]) -> tuple[Any, ...]:
    """The ``donations.gift`` timeline row of an inserted gift (INTERACTION_SQL order); the
    payload is what ``json.dumps`` gives for the gift's fields (codes need no escaping)."""
    payload = (
        f'{{"gift_id": {gift_id}, "amount_minor": {gift[1]}, "currency": "{gift[2]}", '
        f'"status": "received", "payment_method": "{gift[5]}"}}'
    )
    occurred = f"{gift[3]} 12:00:00+00:00"
    return (gift[0], "donations.gift", "other", "inbound", f"Gift {gift_id}", "constituent",
            occurred, "donations", payload, f"gift:{gift_id}", STAMP, STAMP)  # fmt: skip


def interaction_rows(path: Path, ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    """core_interaction rows (INTERACTION_SQL order) for a generated interactions file (its
    ``occurred_at`` is ISO 8601 in UTC; stored with a space, as the application writes it)."""
    at, rows = _columns(path)
    who, kind, channel = at["constituent_external_id"], at["interaction_type"], at["channel"]
    direction, subject, occurred = at["direction"], at["subject"], at["occurred_at"]
    for row in rows:
        yield (ids[row[who]], row[kind], row[channel], row[direction], row[subject], "staff",
               row[occurred].replace("T", " ", 1), "core", "{}", None, STAMP, STAMP)  # fmt: skip


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


BULK_TABLES = (
    "donations_gift", "core_interaction", "membership_membership", "membership_term",
    "volunteers_hours", "social_mention", "social_handle",
)  # fmt: skip


def bulk_db(scale: Scale) -> Path:
    """People plus every gift, interaction and plugin stream, inserted in bulk (cached)."""
    ensure_generated(scale)
    path = scale.data_dir / "bulk.db"
    if path.exists():
        return path
    folder = scale.data_dir
    building = copy_database(people_db(scale), folder / "bulk.building.db")
    asyncio.run(_reference_rows(building))
    with stage(f"bulk {scale.name}: gifts, interactions and plugin data") as timer:
        connection = build_connection(building)
        try:
            ids = external_ids(connection)
            with connection, without_indexes(connection, BULK_TABLES):
                gifts = counted(gift_rows(folder / "gifts.csv", ids), "gifts")
                insert_gifts(connection, gifts)
                items = counted(interaction_rows(folder / "interactions.csv", ids), "interactions")
                for chunk in _chunks(items):
                    connection.executemany(INTERACTION_SQL, chunk)
                plugin_data.load_memberships(connection, folder / "memberships.csv", ids)
                plugin_data.load_hours(connection, folder / "hours.csv", ids)
                plugin_data.load_mentions(connection, folder / "mentions.csv", ids)
            finish_build(connection)
        finally:
            connection.close()
    record_stage(folder, "bulk", seconds=round(timer.seconds, 1))
    building.rename(path)
    return path


async def _reference_rows(path: Path) -> None:
    async with booted(sqlite_url(path)):
        await plugin_data.create_reference_rows()


def loaded_db(scale: Scale) -> Path:
    """The bulk database with donor rollups rebuilt, membership statuses computed and an
    administrator (cached)."""
    ensure_generated(scale)
    path = scale.data_dir / "loaded.db"
    if path.exists():
        return path
    building = copy_database(bulk_db(scale), scale.data_dir / "loaded.building.db")
    with stage(f"loaded {scale.name}: donor rollups, membership statuses, administrator") as t:
        statuses = asyncio.run(_finish(scale, building))
        connection = sqlite3.connect(building)
        try:
            with connection:
                plugin_data.apply_statuses(connection, statuses)
            connection.execute("ANALYZE")
        finally:
            connection.close()
    record_stage(scale.data_dir, "loaded", seconds=round(t.seconds, 1))
    building.rename(path)
    return path


async def _finish(scale: Scale, path: Path) -> list[tuple[str, bool, int]]:
    from core.auth import service
    from plugins.donations import rollups

    async with booted(sqlite_url(path)):
        with stage("donor rollups (rollups.recompute_all)") as timer:
            await rollups.recompute_all()
        record_stage(scale.data_dir, "rollups", seconds=round(timer.seconds, 1))
        statuses = await plugin_data.membership_statuses()
        user_id = await service.create_user(ADMIN_EMAIL, password=ADMIN_PASSWORD, roles=["admin"])
        token = await service.create_api_token(user_id, "benchmark", [])
    credentials = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "token": token.secret}
    (scale.data_dir / "credentials.json").write_text(json.dumps(credentials) + "\n")
    return statuses


def credentials(scale: Scale) -> dict[str, str]:
    """The administrator of ``loaded.db``: email, password and API token."""
    loaded_db(scale)
    data: dict[str, str] = json.loads((scale.data_dir / "credentials.json").read_text())
    return data

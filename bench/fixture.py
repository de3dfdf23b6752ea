"""What the benchmark databases are built from: the migrated empty database (cached as
``migrated.db``, ``steward init`` with every installed plugin), file copies, and the rows
of the generated gift and interaction files as the tables store them. The build stages
themselves are in :mod:`bench.stages`.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.env import run_steward, sqlite_url
from bench.scales import Scale

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


def external_ids(connection: sqlite3.Connection) -> dict[str, int]:
    """Constituent external id → id."""
    rows = connection.execute("SELECT external_id, id FROM core_constituent")
    return {str(ext): int(cid) for ext, cid in rows if ext}


def chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    """Rows in lists of :data:`CHUNK` (for executemany)."""
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
    for chunk in chunks(rows):
        connection.executemany(GIFT_SQL, chunk)
        timeline = [gift_interaction(next_id + i + 1, g) for i, g in enumerate(chunk)]
        connection.executemany(INTERACTION_SQL, timeline)
        next_id += len(chunk)
        count += len(chunk)
    return count

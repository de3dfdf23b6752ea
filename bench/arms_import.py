"""The import arms, each run in its own process (``python -m bench.child``) on a fresh copy.

* ``ours``: :func:`core.dataio.importer.import_constituents` (what ``steward import
  constituents`` runs), timed around the call.
* ``raw``: the rows our import wrote, read back from ``people.db`` and inserted into the
  same tables of an empty migrated database with ``sqlite3.executemany`` in one transaction
  (triggers and indexes included); only the inserts and the commit are timed.
* ``naive``: ``core.constituents.service.create_constituent`` once per row, each its own
  transaction, over a fixed sample of rows (the ORM/service path a naive importer takes).
* ``gifts``: :func:`plugins.donations.importer.import_gifts` over a sample gifts file, and
  ``gifts_raw``: the same gifts and their timeline rows by ``executemany``.
"""

from __future__ import annotations

import sqlite3
import time
from itertools import islice
from pathlib import Path
from typing import Any

from bench.env import booted, sqlite_url
from bench.fixture import external_ids, gift_rows, insert_gifts
from bench.generate import read_rows

RAW_TABLES = (
    "core_tag",
    "core_constituent",
    "core_email",
    "core_phone",
    "core_address",
    "core_constituent_tag",
)


async def ours(database: Path, csv_path: Path, batch_size: int | None = None) -> dict[str, Any]:
    """Import the file through the service; seconds and rows."""
    from core.dataio.importer import ImportOptions, import_constituents

    async with booted(sqlite_url(database)):
        start = time.perf_counter()
        report = await import_constituents(
            csv_path, ImportOptions(batch_size=batch_size) if batch_size else ImportOptions()
        )
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": report.created, "rejected": report.failed}


def raw(database: Path, source: Path) -> dict[str, Any]:
    """Insert ``source``'s imported rows into ``database`` with executemany, one transaction."""
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    seconds = 0.0
    rows = int(reader.execute("SELECT COUNT(*) FROM core_constituent").fetchone()[0])
    writer.execute("DELETE FROM core_tag")
    start = time.perf_counter()
    writer.execute("BEGIN IMMEDIATE")
    seconds += time.perf_counter() - start
    for table in RAW_TABLES:
        cursor = reader.execute(f"SELECT * FROM {table}")
        marks = ", ".join("?" for _ in cursor.description)
        sql = f"INSERT INTO {table} VALUES ({marks})"
        while chunk := cursor.fetchmany(5_000):
            start = time.perf_counter()
            writer.executemany(sql, chunk)
            seconds += time.perf_counter() - start
    start = time.perf_counter()
    writer.execute("COMMIT")
    seconds += time.perf_counter() - start
    return {"seconds": seconds, "rows": rows}


async def naive(database: Path, csv_path: Path, sample: int) -> dict[str, Any]:
    """Create ``sample`` constituents one by one through the constituent service."""
    from core.constituents.service import create_constituent

    payloads = [_payload(row) for row in islice(read_rows(csv_path), sample)]
    async with booted(sqlite_url(database)):
        start = time.perf_counter()
        for payload in payloads:
            await create_constituent(payload)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(payloads)}


def _payload(row: dict[str, str]) -> dict[str, Any]:
    names = ("first_name", "last_name", "organisation_name", "household_name")
    data: dict[str, Any] = {k: row[k] for k in names if row[k]}
    data.update(kind=row["kind"], source=row["source"], external_id=row["external_id"])
    if row["birth_date"]:
        data["birth_date"] = row["birth_date"]
    if row["email"]:
        data["emails"] = [{"email": row["email"], "is_primary": True}]
    if row["phone"]:
        data["phones"] = [{"number": row["phone"], "is_primary": True}]
    if row["address_line1"]:
        data["addresses"] = [
            {"line1": row["address_line1"], "city": row["city"], "region": row["region"],
             "postcode": row["postcode"], "country": row["country"], "is_primary": True}
        ]  # fmt: skip
    return data


async def gifts(database: Path, csv_path: Path) -> dict[str, Any]:
    """``steward import gifts``'s service over a gifts file."""
    from plugins.donations.importer import import_gifts

    async with booted(sqlite_url(database)):
        start = time.perf_counter()
        report = await import_gifts(csv_path)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": report.recorded, "rejected": len(report.errors)}


def gifts_raw(database: Path, csv_path: Path) -> dict[str, Any]:
    """The same gifts and their timeline rows by executemany in one transaction."""
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    rows = list(gift_rows(csv_path, external_ids(connection)))
    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    count = insert_gifts(connection, rows)
    connection.execute("COMMIT")
    return {"seconds": time.perf_counter() - start, "rows": count}


async def ours_url(
    database_url: str, csv_path: Path, batch_size: int | None = None
) -> dict[str, Any]:
    """:func:`ours` on any database URL (the PostgreSQL arm)."""
    from core.dataio.importer import ImportOptions, import_constituents

    async with booted(database_url):
        start = time.perf_counter()
        report = await import_constituents(
            csv_path, ImportOptions(batch_size=batch_size) if batch_size else ImportOptions()
        )
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": report.created, "rejected": report.failed}


def _copy_text(rows: list[tuple[Any, ...]]) -> bytes:
    """Rows as PostgreSQL COPY text format (tab separated, ``\\N`` for NULL)."""

    def cell(value: Any) -> str:
        if value is None:
            return "\\N"
        text = str(value)
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )

    return "".join("\t".join(cell(v) for v in row) + "\n" for row in rows).encode()


async def copy_pg(database_url: str, source: Path) -> dict[str, Any]:
    """COPY ``source``'s imported rows (read from SQLite) into the same PostgreSQL tables,
    in one transaction; only the COPY statements and the commit are timed."""
    import io

    import asyncpg

    reader = sqlite3.connect(source)
    rows = int(reader.execute("SELECT COUNT(*) FROM core_constituent").fetchone()[0])
    connection = await asyncpg.connect(database_url)
    seconds = 0.0
    try:
        await connection.execute("DELETE FROM core_tag")
        transaction = connection.transaction()
        await transaction.start()
        for table in RAW_TABLES:
            cursor = reader.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            data = _copy_text(cursor.fetchall())
            start = time.perf_counter()
            await connection.copy_to_table(table, source=io.BytesIO(data), columns=columns)
            seconds += time.perf_counter() - start
        start = time.perf_counter()
        await transaction.commit()
        seconds += time.perf_counter() - start
    finally:
        await connection.close()
        reader.close()
    return {"seconds": seconds, "rows": rows}

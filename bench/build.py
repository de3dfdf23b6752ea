"""Helpers for building the benchmark databases fast (never used while measuring).

While a database is being built nothing reads it and a crash only means building it again,
so :func:`build_connection` turns fsync off (``synchronous = OFF``, a large page cache) but keeps
a rollback journal on disk, so a build command that is killed loses only its open
transaction; :func:`drop_indexes` drops a table's non-unique indexes for a bulk insert and
:func:`create_indexes` recreates them from their own SQL afterwards; :func:`finish_build`
runs ``ANALYZE`` and leaves the file in WAL mode, as the application runs it.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
CACHE_KIB = 512 * 1024  # 512 MiB of page cache while building


def build_connection(path: Path) -> sqlite3.Connection:
    """A connection for bulk building: no fsync, large cache, rollback journal on disk."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = TRUNCATE")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    connection.execute("PRAGMA temp_store = MEMORY")
    return connection


def finish_build(connection: sqlite3.Connection) -> None:
    """Statistics for the query planner, then the file back in WAL mode with full sync."""
    connection.execute("ANALYZE")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")


def droppable_indexes(connection: sqlite3.Connection, tables: Iterable[str]) -> list[list[str]]:
    """The tables' non-unique indexes (unique ones stay, so inserts are still checked): each
    one's name and SQL, for :func:`drop_indexes` and :func:`create_indexes`."""
    names = list(tables)
    marks = ", ".join("?" for _ in names)
    found = connection.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        names,
    ).fetchall()
    return [[str(n), str(s)] for n, s in found if not str(s).upper().startswith("CREATE UNIQUE")]


def drop_indexes(connection: sqlite3.Connection, indexes: Iterable[Sequence[str]]) -> None:
    """Drop the indexes :func:`droppable_indexes` listed (those still there)."""
    for name, _ in indexes:
        connection.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_indexes(connection: sqlite3.Connection, indexes: Iterable[Sequence[str]]) -> None:
    """Recreate dropped indexes from their own SQL (those not already back)."""
    begun = time.perf_counter()
    count = 0
    for _, sql in indexes:
        connection.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
        count += 1
    say(f"recreated {count} indexes in {time.perf_counter() - begun:.0f} s")


@contextmanager
def watching(path: Path, table: str, total: int, label: str, every: float = 30.0) -> Iterator[None]:
    """Say every ``every`` seconds how many rows ``table`` of ``path`` holds, while another
    process fills it (the importer has no progress output of its own)."""
    import threading

    stop = threading.Event()
    begun = time.perf_counter()

    def report() -> None:
        while not stop.wait(every):
            try:
                connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
                try:
                    rows = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                finally:
                    connection.close()
            except sqlite3.Error:
                continue
            say(f"{label}: {rows:,} of {total:,} rows in {time.perf_counter() - begun:.0f} s")

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def say(message: str) -> None:
    """A progress line on standard error (long build steps run in the background)."""
    print(message, file=sys.stderr, flush=True)


def counted(rows: Iterable[T], label: str, every: int = 1_000_000) -> Iterator[T]:
    """Pass ``rows`` through, saying how many went by every ``every`` rows."""
    begun = time.perf_counter()
    count = 0
    for count, row in enumerate(rows, 1):
        if count % every == 0:
            say(f"{label}: {count:,} rows in {time.perf_counter() - begun:.0f} s")
        yield row
    say(f"{label}: {count:,} rows in {time.perf_counter() - begun:.0f} s")


def stage(label: str) -> _Stage:
    """A context manager saying how long a build stage took."""
    return _Stage(label)


class _Stage:
    def __init__(self, label: str) -> None:
        self.label = label
        self.begun: float = 0.0
        self.seconds: float = 0.0

    def __enter__(self) -> _Stage:
        self.begun = time.perf_counter()
        say(f"{self.label}...")
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.begun
        say(f"{self.label}: {self.seconds:.0f} s")


def record_stage(folder: Path, name: str, **values: Any) -> None:
    """Keep a build stage's figures (seconds, peak memory...) in ``build.json``."""
    import json

    path = folder / "build.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data[name] = values
    path.write_text(json.dumps(data, indent=2) + "\n")


def read_stages(folder: Path) -> dict[str, Any]:
    """Every recorded build stage of a scale (empty when none was built here)."""
    import json

    path = folder / "build.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return data

"""Database engines, transactions and a small raw-SQL layer for hot paths.

Piccolo owns the schema and ordinary CRUD. Set-based work (bulk import, search, reports) uses
:func:`fetch_all`, :func:`execute` and :func:`execute_many` with ``{}`` placeholders, which
run inside the current Piccolo transaction when there is one.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.querystring import QueryString
from piccolo.table import Table

os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
# Driver limits on bound parameters per statement: SQLite 32,766, asyncpg 32,767.
MAX_BOUND_PARAMETERS = 32_000

_engine: Engine[Any] | None = None
_READ_ONLY = re.compile(r"\s*SELECT\b", re.IGNORECASE)


class ReusingSQLiteEngine(SQLiteEngine):
    """SQLite engine whose reads outside a transaction share one open connection.

    Piccolo opens (and closes) a connection, with its own thread, for every statement run
    outside a transaction; for a request of eight small reads that cost more than the
    reads themselves (the API served about 40 requests/s on SQLite). Between
    :func:`start_pool` and :func:`close_pool`, plain ``SELECT`` statements of that event
    loop run on one kept connection instead. They run one at a time, each to its last row,
    so every read starts a fresh snapshot and sees everything committed before it. Writes,
    and every statement inside a transaction, are unchanged.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._reader: aiosqlite.Connection | None = None
        self._reader_loop: asyncio.AbstractEventLoop | None = None
        self._reader_lock: asyncio.Lock | None = None

    def keep_reader(self) -> None:
        """Let this event loop's reads reuse a connection until :meth:`close_reader`."""
        if self._reader is not None:
            return  # already kept (by this loop, or by another one that will close it)
        self._reader_loop = asyncio.get_running_loop()
        self._reader_lock = asyncio.Lock()
        _KEPT.add(self)

    async def close_reader(self) -> None:
        """Close the kept connection; reads open their own connections again."""
        reader, self._reader, self._reader_loop = self._reader, None, None
        _KEPT.discard(self)
        if reader is not None:
            await reader.close()

    @property
    def reader_loop(self) -> asyncio.AbstractEventLoop | None:
        """The event loop whose reads share the kept connection, if any."""
        return self._reader_loop

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> Any:
        loop, lock = self._reader_loop, self._reader_lock
        if (
            loop is None
            or lock is None
            or not _READ_ONLY.match(query)
            or asyncio.get_running_loop() is not loop
        ):
            return await super()._run_in_new_connection(query, args, query_type, table)
        async with lock:
            if self._reader is None:
                self._reader = await aiosqlite.connect(**self.connection_kwargs)
                self._reader.row_factory = dict_factory  # type: ignore[assignment]
            async with self._reader.execute(query, args or []) as cursor:
                return await cursor.fetchall()


# Engines keeping a read connection; close_pool closes those of its event loop, even when
# another configure() has replaced the engine since (a CLI command run inside a test).
_KEPT: set[ReusingSQLiteEngine] = set()


def engine_from_url(url: str) -> Engine[Any]:
    """Build a Piccolo engine from a ``sqlite:///`` or ``postgresql://`` URL."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return ReusingSQLiteEngine(
            path=path,
            timeout=SQLITE_BUSY_TIMEOUT_SECONDS,
        )
    parsed = urlparse(url)
    config: dict[str, Any] = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": unquote(parsed.username or "postgres"),
        "database": parsed.path.lstrip("/") or "postgres",
    }
    if parsed.password:
        config["password"] = unquote(parsed.password)
    return PostgresEngine(config=config, log_queries=False)


def configure(url: str, tables: Iterable[type[Table]]) -> Engine[Any]:
    """Make ``url`` the database of every given table and of Piccolo's migrations."""
    global _engine
    import core.piccolo_conf as conf

    engine = engine_from_url(url)
    conf.DB = engine
    for table in tables:
        table._meta.db = engine
    _engine = engine
    return engine


def engine() -> Engine[Any]:
    """The configured engine; fails loudly if :func:`configure` has not run."""
    if _engine is None:
        raise RuntimeError("the database is not configured; call core.db.configure() first")
    return _engine


def is_sqlite() -> bool:
    """True when the configured database is SQLite."""
    return isinstance(engine(), SQLiteEngine)


async def prepare_connection_settings() -> None:
    """Per-database settings that persist in the database file (WAL for SQLite)."""
    if is_sqlite():
        await engine().run_ddl("PRAGMA journal_mode=WAL")


async def start_pool() -> None:
    """Open the PostgreSQL connection pool (SQLite: keep a connection for reads)."""
    eng = engine()
    if isinstance(eng, ReusingSQLiteEngine):
        eng.keep_reader()
    if isinstance(eng, PostgresEngine) and eng.pool is None:
        await eng.start_connection_pool(min_size=1, max_size=10)


async def close_pool() -> None:
    """Close the PostgreSQL connection pool (SQLite: the kept read connection)."""
    eng = engine()
    loop = asyncio.get_running_loop()
    for kept in [k for k in _KEPT if k.reader_loop is loop]:
        await kept.close_reader()
    if isinstance(eng, PostgresEngine) and eng.pool is not None:
        await eng.close_connection_pool()
        eng.pool = None


def in_transaction() -> bool:
    """True inside :func:`transaction`."""
    return engine().current_transaction.get() is not None


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """A write transaction; on SQLite ``IMMEDIATE`` so read-then-write never deadlocks.

    Nested calls join the outer transaction.
    """
    eng = engine()
    if eng.current_transaction.get() is not None:
        yield
        return
    if isinstance(eng, SQLiteEngine):
        async with eng.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with eng.transaction():
            yield


def _rows_to_dicts(rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in rows]


async def fetch_all(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run a query with ``{}`` placeholders and return every row as a dict."""
    rows = await engine().run_querystring(QueryString(sql, *args))
    return _rows_to_dicts(rows or [])


async def fetch_one(sql: str, *args: Any) -> dict[str, Any] | None:
    """Run a query and return its first row, or None."""
    rows = await fetch_all(sql, *args)
    return rows[0] if rows else None


async def fetch_value(sql: str, *args: Any) -> Any:
    """Run a query and return the first column of its first row, or None."""
    row = await fetch_one(sql, *args)
    return next(iter(row.values())) if row else None


async def execute(sql: str, *args: Any) -> None:
    """Run a statement with ``{}`` placeholders."""
    await engine().run_querystring(QueryString(sql, *args))


def compile_placeholders(sql: str, arg_count: int) -> str:
    """Turn ``{}`` placeholders into the driver's own (``?`` or ``$n``)."""
    compiled, _ = QueryString(sql, *([None] * arg_count)).compile_string(
        engine_type=engine().engine_type
    )
    return compiled


async def execute_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run one statement for many parameter rows on a single connection (set-based insert)."""
    if not rows:
        return
    compiled = compile_placeholders(sql, len(rows[0]))
    eng = engine()
    async with transaction():
        connection = eng.current_transaction.get().connection  # type: ignore[union-attr]
        await connection.executemany(compiled, [tuple(row) for row in rows])


def chunk_size_for(columns: int) -> int:
    """How many rows of ``columns`` parameters fit one multi-row statement."""
    return max(1, MAX_BOUND_PARAMETERS // max(1, columns))

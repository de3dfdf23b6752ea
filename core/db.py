"""Database engines, transactions and a small raw-SQL layer for hot paths.

Piccolo owns the schema and ordinary CRUD. Set-based work (bulk import, search, reports) uses
:func:`fetch_all`, :func:`execute` and :func:`execute_many` with ``{}`` placeholders, which
run inside the current Piccolo transaction when there is one.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
# Driver limits on bound parameters per statement: SQLite 32,766, asyncpg 32,767.
MAX_BOUND_PARAMETERS = 32_000

_engine: Engine[Any] | None = None


def engine_from_url(url: str) -> Engine[Any]:
    """Build a Piccolo engine from a ``sqlite:///`` or ``postgresql://`` URL."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(
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
    """Open the PostgreSQL connection pool (no-op for SQLite)."""
    eng = engine()
    if isinstance(eng, PostgresEngine) and eng.pool is None:
        await eng.start_connection_pool(min_size=1, max_size=10)


async def close_pool() -> None:
    """Close the PostgreSQL connection pool (no-op for SQLite)."""
    eng = engine()
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

"""The reference server: bare Litestar JSON handlers on the same database, no Stewardship.

Served by uvicorn with the settings ``steward serve`` uses, so the difference with our
endpoints is what Stewardship adds (auth, permissions, services, plugins, validation):

* ``/hello``: a constant JSON document (the framework's own limit);
* ``/raw/constituents/{id}``: the constituent, its emails, phones, addresses and tags by
  hand-written SQL on one ``sqlite3`` connection (the "Litestar + raw SQL" arm);
* ``/piccolo/constituents/{id}``: the same through Piccolo's ORM on SQLite, one query per
  table as a naive handler would (the "naive Piccolo" arm).
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from piccolo.engine.sqlite import SQLiteEngine

from core.constituents.tables import Address, Constituent, ConstituentTag, Email, Phone, Tag

DATABASE = os.environ.get("STEWARD_DATABASE_URL", "sqlite:///var/steward.db").removeprefix(
    "sqlite:///"
)
_connection = sqlite3.connect(DATABASE, check_same_thread=False)
_connection.row_factory = sqlite3.Row
_engine = SQLiteEngine(path=DATABASE)
for _table in (Constituent, Email, Phone, Address, Tag, ConstituentTag):
    _table._meta.db = _engine


def _rows(sql: str, key: int) -> list[dict[str, Any]]:
    return [dict(r) for r in _connection.execute(sql, (key,))]


@get("/healthz", sync_to_thread=False)
def healthz() -> dict[str, str]:
    """Ready."""
    return {"status": "ok"}


@get("/hello", sync_to_thread=False)
def hello() -> dict[str, str]:
    """A constant document."""
    return {"hello": "world"}


@get("/raw/constituents/{constituent_id:int}", sync_to_thread=False)
def raw_constituent(constituent_id: int) -> dict[str, Any]:
    """One constituent with its contacts and tags by raw SQL."""
    found = _rows("SELECT * FROM core_constituent WHERE id = ? AND deleted_at IS NULL",
                  constituent_id)  # fmt: skip
    if not found:
        raise NotFoundException()
    record = found[0]
    record["emails"] = _rows("SELECT * FROM core_email WHERE constituent_id = ?", constituent_id)
    record["phones"] = _rows("SELECT * FROM core_phone WHERE constituent_id = ?", constituent_id)
    record["addresses"] = _rows(
        "SELECT * FROM core_address WHERE constituent_id = ?", constituent_id
    )
    record["tags"] = _rows(
        "SELECT t.id, t.name FROM core_tag t JOIN core_constituent_tag ct ON ct.tag_id = t.id "
        "WHERE ct.constituent_id = ?",
        constituent_id,
    )
    return record


@get("/piccolo/constituents/{constituent_id:int}")
async def piccolo_constituent(constituent_id: int) -> dict[str, Any]:
    """The same through Piccolo, one query per table."""
    record = await Constituent.select().where(Constituent.id == constituent_id).first()
    if record is None:
        raise NotFoundException()
    record["emails"] = await Email.select().where(Email.constituent_id == constituent_id)
    record["phones"] = await Phone.select().where(Phone.constituent_id == constituent_id)
    record["addresses"] = await Address.select().where(Address.constituent_id == constituent_id)
    record["tags"] = await ConstituentTag.select(ConstituentTag.tag_id.name).where(
        ConstituentTag.constituent_id == constituent_id
    )
    return record


app = Litestar(route_handlers=[healthz, hello, raw_constituent, piccolo_constituent], debug=False)

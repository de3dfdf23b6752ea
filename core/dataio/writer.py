"""Writing a planned batch with set-based SQL: one ``executemany`` per statement.

New constituents get their ids up front (the next ids of the SQLite table, read under the
write lock of the batch's IMMEDIATE transaction, or values reserved from the PostgreSQL
sequence), so their emails, phones, addresses, tags and custom values can be inserted in
bulk too. Runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core import db
from core.dataio.planner import ADDRESS_FIELDS, RECORD_COLUMNS, CreateOp, UpdateOp
from core.validation import fold, phone_digits

_RECORD_LIST = ", ".join(RECORD_COLUMNS)
_RECORD_MARKS = ", ".join("{}" for _ in RECORD_COLUMNS)
_ADDRESS_LIST = ", ".join(ADDRESS_FIELDS)
_ADDRESS_MARKS = ", ".join("{}" for _ in ADDRESS_FIELDS)

INSERT_CONSTITUENT = (
    f"INSERT INTO core_constituent (id, {_RECORD_LIST}, deceased, created_at, updated_at) "
    f"VALUES ({{}}, {_RECORD_MARKS}, {{}}, {{}}, {{}})"
)
UPDATE_CONSTITUENT = (
    "UPDATE core_constituent SET "
    + ", ".join(f"{c} = {{}}" for c in RECORD_COLUMNS)
    + ", updated_at = {} WHERE id = {}"
)
DEMOTE_EMAILS = "UPDATE core_email SET is_primary = {} WHERE constituent_id = {}"
PROMOTE_EMAIL = "UPDATE core_email SET is_primary = {} WHERE constituent_id = {} AND email = {}"
INSERT_EMAIL = (
    "INSERT INTO core_email (constituent_id, email, email_type, is_primary, created_at) "
    "VALUES ({}, {}, {}, {}, {})"
)
DEMOTE_PHONES = "UPDATE core_phone SET is_primary = {} WHERE constituent_id = {}"
PROMOTE_PHONE = "UPDATE core_phone SET is_primary = {} WHERE constituent_id = {} AND number = {}"
INSERT_PHONE = (
    "INSERT INTO core_phone (constituent_id, number, digits, phone_type, is_primary, created_at) "
    "VALUES ({}, {}, {}, {}, {}, {})"
)
DEMOTE_ADDRESSES = "UPDATE core_address SET is_primary = {} WHERE constituent_id = {}"
PROMOTE_ADDRESS = "UPDATE core_address SET is_primary = {} WHERE id = {}"
INSERT_ADDRESS = (
    f"INSERT INTO core_address (constituent_id, address_type, {_ADDRESS_LIST}, is_primary, "
    f"created_at) VALUES ({{}}, {{}}, {_ADDRESS_MARKS}, {{}}, {{}})"
)
INSERT_TAG_LINK = (
    "INSERT INTO core_constituent_tag (constituent_id, tag_id, created_at) VALUES ({}, {}, {})"
)
UPSERT_CUSTOM = (
    "INSERT INTO core_custom_value (constituent_id, field_id, value, updated_at) "
    "VALUES ({}, {}, {}, {}) ON CONFLICT (constituent_id, field_id) "
    "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)
# Demotions run before promotions and inserts, so each constituent ends with one primary.
STATEMENT_ORDER = (
    INSERT_CONSTITUENT,
    UPDATE_CONSTITUENT,
    DEMOTE_EMAILS,
    PROMOTE_EMAIL,
    INSERT_EMAIL,
    DEMOTE_PHONES,
    PROMOTE_PHONE,
    INSERT_PHONE,
    DEMOTE_ADDRESSES,
    PROMOTE_ADDRESS,
    INSERT_ADDRESS,
    INSERT_TAG_LINK,
    UPSERT_CUSTOM,
)


async def reserve_ids(count: int) -> list[int]:
    """``count`` new constituent ids; call inside the batch's transaction."""
    if count == 0:
        return []
    if db.is_sqlite():
        # The IMMEDIATE transaction holds the write lock, so nobody else takes these ids.
        highest = await db.fetch_value("SELECT COALESCE(MAX(id), 0) AS m FROM core_constituent")
        return list(range(int(highest) + 1, int(highest) + 1 + count))
    rows = await db.fetch_all(
        "SELECT nextval(pg_get_serial_sequence('core_constituent', 'id')) AS id "
        "FROM generate_series(1, CAST({} AS INTEGER))",
        count,
    )
    return sorted(int(r["id"]) for r in rows)


@dataclass
class BatchWritten:
    """What a batch wrote: new constituent ids and the tags it had to create."""

    ids: list[int]
    tag_ids: dict[str, int] = field(default_factory=dict)  # folded name → id
    tag_names: list[str] = field(default_factory=list)


async def create_missing_tags(
    names: Sequence[str], known: dict[str, int], stamp: datetime, written: BatchWritten
) -> None:
    """Create the tags not in ``known`` (folded name → id), recording them in ``written``.

    Names are compared folded, as :mod:`core.constituents.tags` keeps them unique.
    """
    for name in names:
        key = fold(name)
        if key in known or key in written.tag_ids:
            continue
        tag_id = await db.fetch_value(
            "INSERT INTO core_tag (name, description, created_at) VALUES ({}, {}, {}) RETURNING id",
            name,
            "",
            stamp,
        )
        written.tag_ids[key] = int(tag_id)
        written.tag_names.append(name)


class _Statements:
    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {sql: [] for sql in STATEMENT_ORDER}

    def add(self, sql: str, *args: Any) -> None:
        self.rows[sql].append(args)

    async def run(self) -> None:
        for sql in STATEMENT_ORDER:
            rows = self.rows[sql]
            if not rows:
                continue
            # Kept under the drivers' bound-parameter limits, as every bulk statement is.
            size = db.chunk_size_for(len(rows[0]))
            for start in range(0, len(rows), size):
                await db.execute_many(sql, rows[start : start + size])


def _contacts(
    out: _Statements,
    constituent_id: int,
    email: tuple[str, bool] | None,
    phone: tuple[str, bool] | None,
    address: tuple[dict[str, Any], int | None] | None,
    stamp: datetime,
) -> None:
    if email:
        out.add(DEMOTE_EMAILS, False, constituent_id)
        if email[1]:
            out.add(PROMOTE_EMAIL, True, constituent_id, email[0])
        else:
            out.add(INSERT_EMAIL, constituent_id, email[0], "home", True, stamp)
    if phone:
        out.add(DEMOTE_PHONES, False, constituent_id)
        if phone[1]:
            out.add(PROMOTE_PHONE, True, constituent_id, phone[0])
        else:
            number = phone[0]
            out.add(
                INSERT_PHONE, constituent_id, number, phone_digits(number), "mobile", True, stamp
            )
    if address:
        values, promote_id = address
        out.add(DEMOTE_ADDRESSES, False, constituent_id)
        if promote_id is not None:
            out.add(PROMOTE_ADDRESS, True, promote_id)
        else:
            parts = (values[f] for f in ADDRESS_FIELDS)
            out.add(INSERT_ADDRESS, constituent_id, "home", *parts, True, stamp)


async def write_batch(
    creates: Sequence[CreateOp],
    updates: Sequence[UpdateOp],
    tag_ids: dict[str, int],
    stamp: datetime,
) -> BatchWritten:
    """Write every operation; ``tag_ids`` (folded name → id) holds the known tags."""
    names = [n for op in creates for n in op.tags] + [n for op in updates for n in op.tags]
    ids = await reserve_ids(len(creates))
    written = BatchWritten(ids)
    await create_missing_tags(names, tag_ids, stamp, written)
    all_tags = {**tag_ids, **written.tag_ids}
    out = _Statements()
    for constituent_id, create in zip(ids, creates, strict=True):
        record = (create.record[c] for c in RECORD_COLUMNS)
        out.add(INSERT_CONSTITUENT, constituent_id, *record, False, stamp, stamp)
        # A new constituent has no contacts yet: nothing to demote.
        if create.email:
            out.add(INSERT_EMAIL, constituent_id, create.email, "home", True, stamp)
        if create.phone:
            number = create.phone
            out.add(
                INSERT_PHONE, constituent_id, number, phone_digits(number), "mobile", True, stamp
            )
        if create.address:
            parts = (create.address[f] for f in ADDRESS_FIELDS)
            out.add(INSERT_ADDRESS, constituent_id, "home", *parts, True, stamp)
        for name in create.tags:
            out.add(INSERT_TAG_LINK, constituent_id, all_tags[fold(name)], stamp)
        for field_id, value in create.custom:
            out.add(UPSERT_CUSTOM, constituent_id, field_id, value, stamp)
    for update in updates:
        cid = update.constituent_id
        out.add(UPDATE_CONSTITUENT, *(update.record[c] for c in RECORD_COLUMNS), stamp, cid)
        _contacts(out, cid, update.email, update.phone, update.address, stamp)
        for name in update.tags:
            out.add(INSERT_TAG_LINK, cid, all_tags[fold(name)], stamp)
        for field_id, value in update.custom:
            out.add(UPSERT_CUSTOM, cid, field_id, value, stamp)
    await out.run()
    return written

"""The SQL of the outbox table ``core_mail_outbox``, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from core import db
from core.clock import as_utc, as_utc_or_none
from core.mail.message import CleanMail

MailStatus = Literal["queued", "sending", "sent", "failed"]
STATUSES: tuple[MailStatus, ...] = ("queued", "sending", "sent", "failed")
# A delivery attempt that has held a row this long crashed: the row may be taken again.
STALE_ATTEMPT = timedelta(minutes=10)
MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class OutboxRecord:
    """One recorded message and what became of it."""

    id: int
    to_address: str
    reply_to: str | None
    subject: str
    text_body: str
    html_body: str | None
    tag: str
    backend: str
    status: MailStatus
    error: str | None
    attempts: int
    message_id: str
    created_at: datetime
    attempted_at: datetime | None
    sent_at: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> OutboxRecord:
        """Build a record from a database row."""
        return cls(
            id=int(row["id"]),
            to_address=str(row["to_address"]),
            reply_to=row["reply_to"],
            subject=str(row["subject"]),
            text_body=str(row["text_body"]),
            html_body=row["html_body"],
            tag=str(row["tag"] or ""),
            backend=str(row["backend"]),
            status=row["status"],
            error=row["error"],
            attempts=int(row["attempts"] or 0),
            message_id=str(row["message_id"] or ""),
            created_at=as_utc(row["created_at"]),
            attempted_at=as_utc_or_none(row["attempted_at"]),
            sent_at=as_utc_or_none(row["sent_at"]),
        )


async def insert(
    mail: CleanMail, *, backend: str, status: MailStatus, message_id: str, now: datetime
) -> int:
    """Record a message; returns its id."""
    row = await db.fetch_one(
        "INSERT INTO core_mail_outbox (to_address, reply_to, subject, text_body, html_body, "
        "tag, backend, status, error, attempts, message_id, created_at, attempted_at, sent_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, NULL, 0, {}, {}, NULL, {}) RETURNING id",
        mail.to,
        mail.reply_to,
        mail.subject,
        mail.text,
        mail.html,
        mail.tag,
        backend,
        status,
        message_id,
        now,
        now if status == "sent" else None,
    )
    assert row is not None
    return int(row["id"])


async def fetch(outbox_id: int) -> OutboxRecord | None:
    """One recorded message by id."""
    row = await db.fetch_one("SELECT * FROM core_mail_outbox WHERE id = {}", outbox_id)
    return OutboxRecord.from_row(row) if row else None


async def claim(outbox_id: int, now: datetime) -> OutboxRecord | None:
    """Take a message for one delivery attempt, or None when it is sent or being sent.

    The conditional update makes concurrent attempts (a job and :func:`deliver_pending`, or
    two workers) safe: only one of them gets the row.
    """
    async with db.transaction():
        row = await db.fetch_one(
            "UPDATE core_mail_outbox SET status = 'sending', attempts = attempts + 1, "
            "attempted_at = {} WHERE id = {} AND (status IN ('queued', 'failed') "
            "OR (status = 'sending' AND attempted_at < {})) RETURNING *",
            now,
            outbox_id,
            now - STALE_ATTEMPT,
        )
    return OutboxRecord.from_row(row) if row else None


async def mark_sent(outbox_id: int, now: datetime) -> None:
    """Record a successful delivery."""
    await db.execute(
        "UPDATE core_mail_outbox SET status = 'sent', error = NULL, sent_at = {} WHERE id = {}",
        now,
        outbox_id,
    )


async def mark_failed(outbox_id: int, error: str) -> None:
    """Record a failed delivery attempt and why."""
    await db.execute(
        "UPDATE core_mail_outbox SET status = 'failed', error = {} WHERE id = {}",
        error[:MAX_ERROR_LENGTH],
        outbox_id,
    )


async def pending_ids(*, include_failed: bool, limit: int) -> list[int]:
    """Ids of messages waiting for delivery, oldest first."""
    statuses = "('queued', 'failed')" if include_failed else "('queued')"
    rows = await db.fetch_all(
        f"SELECT id FROM core_mail_outbox WHERE status IN {statuses} AND backend = 'smtp' "
        "ORDER BY id LIMIT {}",
        limit,
    )
    return [int(r["id"]) for r in rows]


async def page(
    *, tag: str | None, status: str | None, limit: int, offset: int
) -> tuple[list[OutboxRecord], int]:
    """Newest messages first, filtered by exact tag and status; and how many match."""
    conditions, args = ["1 = 1"], []
    if tag:
        conditions.append("tag = {}")
        args.append(tag)
    if status:
        conditions.append("status = {}")
        args.append(status)
    where = " AND ".join(conditions)
    total = await db.fetch_value(f"SELECT COUNT(*) FROM core_mail_outbox WHERE {where}", *args)
    rows = await db.fetch_all(
        f"SELECT * FROM core_mail_outbox WHERE {where} ORDER BY id DESC LIMIT {{}} OFFSET {{}}",
        *args,
        limit,
        offset,
    )
    return [OutboxRecord.from_row(r) for r in rows], int(total or 0)


async def tags() -> list[str]:
    """Every tag used so far, for the outbox filter."""
    rows = await db.fetch_all(
        "SELECT DISTINCT tag FROM core_mail_outbox WHERE tag <> '' ORDER BY tag"
    )
    return [str(r["tag"]) for r in rows]

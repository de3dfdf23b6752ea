"""Sending mail: record every message in the outbox, then deliver it by the configured backend.

Backends (``settings.mail_backend``):

* ``outbox`` (the default): the message is recorded as ``sent`` with backend ``outbox`` and
  goes nowhere else; staff read it in the admin outbox. The demo needs no mail server.
* ``smtp``: the message is recorded as ``queued`` and delivered with aiosmtplib. With
  ``mail_delivery = "queue"`` (the default) a ``mail.deliver`` job does it, so a slow SMTP
  server never holds up a request, and failures are retried with the job queue's backoff.
  With ``mail_delivery = "inline"`` :func:`send_mail` delivers before it returns, except
  inside an open transaction, where it queues the job instead (so a rolled-back change sends
  nothing and SMTP never holds SQLite's write lock).

:func:`deliver_pending` delivers every queued message at once: tests call it when the
embedded worker is off, and operators may call it to flush the outbox.
"""

from __future__ import annotations

import logging

from core import db
from core.clock import utc_now
from core.errors import InvalidInputError, NotFoundError
from core.jobs.service import enqueue
from core.mail import outbox
from core.mail.backends import DELIVERY_ERRORS, smtp_send
from core.mail.message import OutgoingMail, build_email, clean, new_message_id
from core.mail.outbox import OutboxRecord
from core.pagination import Page, offset_of
from core.plugins.registry import current_registry
from core.settings import Settings

logger = logging.getLogger("stewardship.mail")

DELIVER_JOB = "mail.deliver"


class MailDeliveryError(RuntimeError):
    """A delivery attempt failed; raised only inside the ``mail.deliver`` job to retry it."""


def _settings() -> Settings:
    return current_registry().settings


async def send_mail(mail: OutgoingMail) -> int:
    """Record ``mail`` in the outbox and deliver it by the configured backend.

    Returns the outbox row id. Never raises for delivery failures (they are recorded on the
    row); raises :class:`~core.errors.InvalidInputError` for a bad address, an empty subject
    or body, or a malformed tag.
    """
    message = clean(mail)
    settings = _settings()
    now = utc_now()
    message_id = new_message_id(settings.mail_from)
    if settings.mail_backend == "outbox":
        outbox_id = await outbox.insert(
            message, backend="outbox", status="sent", message_id=message_id, now=now
        )
        logger.info("mail %s (%s) kept in the outbox for %s", outbox_id, message.tag, message.to)
        return outbox_id
    inline = settings.mail_delivery == "inline" and not db.in_transaction()
    async with db.transaction():
        outbox_id = await outbox.insert(
            message, backend="smtp", status="queued", message_id=message_id, now=now
        )
        if not inline:
            await enqueue(DELIVER_JOB, {"outbox_id": outbox_id})
    if inline:
        await deliver(outbox_id)
    return outbox_id


async def deliver(outbox_id: int) -> bool:
    """Make one delivery attempt of a recorded message over SMTP.

    Returns True when the message is (now or already) sent, False when this attempt failed
    (the row says ``failed`` and why) or another attempt holds the row.
    """
    now = utc_now()
    record = await outbox.claim(outbox_id, now)
    if record is None:
        current = await outbox.fetch(outbox_id)
        return current is not None and current.status == "sent"
    settings = _settings()
    email = build_email(
        sender=settings.mail_from,
        to=record.to_address,
        subject=record.subject,
        text=record.text_body,
        html=record.html_body,
        reply_to=record.reply_to,
        message_id=record.message_id or new_message_id(settings.mail_from),
        date=now,
    )
    try:
        await smtp_send(settings, email, record.to_address)
    except DELIVERY_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}".strip()
        logger.warning("mail %s to %s failed: %s", outbox_id, record.to_address, error)
        await outbox.mark_failed(outbox_id, error)
        return False
    await outbox.mark_sent(outbox_id, utc_now())
    logger.info("mail %s (%s) sent to %s", outbox_id, record.tag, record.to_address)
    return True


async def deliver_job(outbox_id: int) -> None:
    """The ``mail.deliver`` job: one attempt; a failure raises so the queue retries it."""
    if not await deliver(outbox_id):
        record = await outbox.fetch(outbox_id)
        if record is not None and record.status == "failed":
            raise MailDeliveryError(record.error or "delivery failed")


async def deliver_pending(*, include_failed: bool = False, limit: int = 100) -> int:
    """Deliver queued messages now (oldest first); returns how many were sent.

    Their ``mail.deliver`` jobs later find them sent and do nothing. With ``include_failed``
    failed messages are tried again too.
    """
    sent = 0
    for outbox_id in await outbox.pending_ids(include_failed=include_failed, limit=limit):
        if await deliver(outbox_id):
            sent += 1
    return sent


async def list_outbox(
    *, tag: str | None = None, status: str | None = None, page: int = 1, per_page: int = 50
) -> Page[OutboxRecord]:
    """Recorded mail, newest first, filtered by tag and status."""
    if status and status not in outbox.STATUSES:
        raise InvalidInputError({"status": f"must be one of {', '.join(outbox.STATUSES)}"})
    items, total = await outbox.page(
        tag=tag or None, status=status or None, limit=per_page, offset=offset_of(page, per_page)
    )
    return Page(items, total, page, per_page)


async def get_outbox(outbox_id: int) -> OutboxRecord:
    """One recorded message; :class:`NotFoundError` when there is none."""
    record = await outbox.fetch(outbox_id)
    if record is None:
        raise NotFoundError(f"no mail with id {outbox_id}")
    return record


async def outbox_tags() -> list[str]:
    """Every tag used in the outbox, for filters."""
    return await outbox.tags()

"""The message a caller wants sent, its validation, and the MIME message built from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from core.errors import InvalidInputError
from core.validation import normalise_email

MAX_SUBJECT_LENGTH = 500
MAX_BODY_LENGTH = 1_000_000
TAG = re.compile(r"^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*)?$")
MAX_TAG_LENGTH = 100
_LINE_BREAKS = re.compile(r"[\r\n]+")


@dataclass(frozen=True)
class OutgoingMail:
    """One message to one recipient.

    ``text`` is required (every message has a plain-text part); ``html`` adds an alternative
    part. ``tag`` names what sent it (``"portal.magic_link"``, ``"admin.password_reset"``) and
    is shown and filterable in the admin outbox.
    """

    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    tag: str = ""


@dataclass(frozen=True)
class CleanMail:
    """An :class:`OutgoingMail` after validation: addresses normalised, subject one line."""

    to: str
    subject: str
    text: str
    html: str | None
    reply_to: str | None
    tag: str


def clean(mail: OutgoingMail) -> CleanMail:
    """Validate a message; :class:`InvalidInputError` names every bad field.

    Line breaks in the subject are folded to spaces so a subject can never inject headers.
    """
    errors: dict[str, str] = {}
    to = reply_to = ""
    try:
        to = normalise_email(mail.to, "to")
    except InvalidInputError as exc:
        errors.update(exc.errors)
    if mail.reply_to:
        try:
            reply_to = normalise_email(mail.reply_to, "reply_to")
        except InvalidInputError as exc:
            errors.update(exc.errors)
    subject = _LINE_BREAKS.sub(" ", mail.subject).strip()
    if not subject:
        errors["subject"] = "must not be empty"
    elif len(subject) > MAX_SUBJECT_LENGTH:
        errors["subject"] = f"must be at most {MAX_SUBJECT_LENGTH} characters"
    if not mail.text.strip():
        errors["text"] = "must not be empty"
    elif len(mail.text) > MAX_BODY_LENGTH:
        errors["text"] = f"must be at most {MAX_BODY_LENGTH} characters"
    if mail.html is not None and len(mail.html) > MAX_BODY_LENGTH:
        errors["html"] = f"must be at most {MAX_BODY_LENGTH} characters"
    if len(mail.tag) > MAX_TAG_LENGTH or not TAG.match(mail.tag):
        errors["tag"] = "must be lower-case dotted words such as 'portal.magic_link'"
    if errors:
        raise InvalidInputError(errors)
    return CleanMail(
        to=to,
        subject=subject,
        text=mail.text,
        html=mail.html or None,
        reply_to=reply_to or None,
        tag=mail.tag,
    )


def new_message_id(sender: str) -> str:
    """A fresh ``Message-ID`` in the sender's domain (``<...@example.org>``)."""
    _, address = parseaddr(sender)
    domain = address.rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def build_email(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    reply_to: str | None,
    message_id: str,
    date: datetime,
) -> EmailMessage:
    """A ``multipart/alternative`` message (or plain text alone) ready for SMTP."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(text, subtype="plain", charset="utf-8")
    if html:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message

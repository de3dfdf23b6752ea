"""Tables of the ``core_mail`` Piccolo app: the outbox and staff password-reset tokens."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from core.auth.tables import User


class MailOutbox(Table, tablename="core_mail_outbox"):
    """Every message the system sent or tried to send.

    ``status`` is ``queued`` (waiting for delivery), ``sending`` (a delivery attempt holds it
    since ``attempted_at``), ``sent`` (handed to the SMTP server, or kept in the outbox when
    ``backend`` is ``outbox``) or ``failed`` (``error`` says why; a queued job may retry it).
    """

    id = Serial(primary_key=True)
    to_address = Varchar(length=254)
    reply_to = Varchar(length=254, null=True, default=None)
    subject = Varchar(length=500)
    text_body = Text()
    html_body = Text(null=True, default=None)
    tag = Varchar(length=100, default="", index=True)
    backend = Varchar(length=10, default="outbox")
    status = Varchar(length=10, default="queued", index=True)
    error = Text(null=True, default=None)
    attempts = Integer(default=0)
    message_id = Varchar(length=300, default="")
    created_at = Timestamptz(index=True)
    attempted_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)


class PasswordReset(Table, tablename="core_password_reset"):
    """A staff password-reset link: only the SHA-256 of its token is stored."""

    id = Serial(primary_key=True)
    user_id = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    ip = Varchar(length=64, default="")

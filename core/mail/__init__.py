"""Outgoing mail: ``send_mail(OutgoingMail(...))`` and ``render_mail(template, context)``.

See :mod:`core.mail.service` for the backends and ``docs/mail.md`` for the guide.
"""

from core.mail.message import OutgoingMail
from core.mail.rendering import render_mail
from core.mail.service import deliver_pending, send_mail

__all__ = ["OutgoingMail", "deliver_pending", "render_mail", "send_mail"]

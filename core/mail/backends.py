"""Delivering a built message over SMTP with aiosmtplib."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

import aiosmtplib

from core.settings import Settings

# What a failed delivery can raise: the server's refusals, network errors, timeouts.
DELIVERY_ERRORS: tuple[type[BaseException], ...] = (
    aiosmtplib.SMTPException,
    OSError,
    asyncio.TimeoutError,
)


async def smtp_send(settings: Settings, message: EmailMessage, recipient: str) -> None:
    """Hand ``message`` to the configured SMTP server, or raise one of :data:`DELIVERY_ERRORS`.

    Port 465 means implicit TLS; otherwise ``smtp_starttls`` decides whether STARTTLS is
    required. Credentials are sent only when ``smtp_username`` is set.
    """
    implicit_tls = settings.smtp_port == 465
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    await aiosmtplib.send(
        message,
        recipients=[recipient],
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=password if settings.smtp_username else None,
        use_tls=implicit_tls,
        start_tls=settings.smtp_starttls and not implicit_tls,
        timeout=settings.smtp_timeout_seconds,
    )

"""A real SMTP server on loopback for tests: ``with smtp_sink() as sink: ... sink.messages``.

Used by core's mail tests and available to plugin and portal tests, e.g.::

    @pytest.fixture
    def sink():
        with smtp_sink() as server:
            yield server

    @pytest.fixture
    def settings(database_url, sink):
        return base_settings(database_url, **sink.settings())
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class ReceivedMail:
    """One message the sink accepted: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        """The decoded ``text/<subtype>`` part (``"plain"`` or ``"html"``), or ``""``."""
        body = self.message.get_body(preferencelist=(subtype,))
        if body is None or body.get_content_subtype() != subtype:
            return ""
        content = body.get_content()
        return content if isinstance(content, str) else ""


@dataclass
class _Collector:
    messages: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(
                ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), parsed)
            )
        return "250 Message accepted for delivery"


@dataclass
class SmtpSink:
    """A running loopback SMTP server and what it received."""

    host: str
    port: int
    collector: _Collector

    @property
    def messages(self) -> list[ReceivedMail]:
        """Messages received so far, oldest first."""
        with self.collector.lock:
            return list(self.collector.messages)

    def settings(self) -> dict[str, Any]:
        """Settings overrides that deliver inline to this server."""
        return {
            "mail_backend": "smtp",
            "mail_delivery": "inline",
            "smtp_host": self.host,
            "smtp_port": self.port,
            "smtp_starttls": False,
            "smtp_timeout_seconds": 5,
        }

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMail]:
        """Block until at least ``count`` messages arrived (or fail after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, got {len(self.messages)}")
            time.sleep(0.01)
        return self.messages


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_sink(host: str = "127.0.0.1") -> Iterator[SmtpSink]:
    """Run an aiosmtpd server on a free loopback port for the duration of the block."""
    collector = _Collector()
    controller = Controller(collector, hostname=host, port=free_port(host))
    controller.start()
    try:
        yield SmtpSink(host, controller.port, collector)
    finally:
        controller.stop()

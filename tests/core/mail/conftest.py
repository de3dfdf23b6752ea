"""Fixtures for the mail tests: a real aiosmtpd server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.mail.testing import SmtpSink, smtp_sink


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """A running SMTP server collecting what it receives."""
    with smtp_sink() as server:
        yield server

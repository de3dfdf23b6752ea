"""Fixtures for the accounts pages: a real aiosmtpd server that the app delivers to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.mail.testing import SmtpSink, smtp_sink
from core.settings import Settings
from core.testing import base_settings


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """A running SMTP server collecting what it receives."""
    with smtp_sink() as server:
        yield server


@pytest.fixture
def settings(database_url: str, sink: SmtpSink) -> Settings:
    """The app delivers mail over SMTP to the sink."""
    return base_settings(
        database_url, plugins=[], mail_from="Demo <noreply@demo.example>", **sink.settings()
    )

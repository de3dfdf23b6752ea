"""Fixtures for the social tests: loopback allowed for fetches, a loopback HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.settings import Settings
from core.testing import base_settings
from plugins.social.tests.server import LoopbackServer

SOCIAL_SETTINGS = {
    "allow_networks": ["127.0.0.0/8"],
    "timeout_seconds": 3.0,
    "max_pages_per_poll": 5,
    "alert_emails": ["alerts@example.org"],
}


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Loopback fetches allowed (only in tests), short timeouts."""
    return base_settings(database_url, plugin_settings={"social": SOCIAL_SETTINGS})


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A running loopback HTTP server; set ``server.routes`` in the test."""
    srv = LoopbackServer()
    srv.start()
    yield srv
    srv.stop()

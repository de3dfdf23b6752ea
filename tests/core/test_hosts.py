"""Host header parsing and matching."""

from __future__ import annotations

import pytest

from core.web.hosts import host_name, is_allowed


@pytest.mark.parametrize(
    ("header", "host"),
    [("Example.org:8000", "example.org"), ("127.0.0.1", "127.0.0.1"), ("[::1]:8000", "[::1]")],
)
def test_host_name_drops_the_port(header: str, host: str) -> None:
    assert host_name(header) == host


def test_patterns() -> None:
    assert is_allowed("crm.example.org", ["*.example.org"])
    assert not is_allowed("example.org.evil.com", ["*.example.org"])
    assert not is_allowed("evil.com", ["example.org"])
    assert is_allowed("anything", ["*"])

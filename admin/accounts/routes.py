"""Routes of the accounts area: password reset and the mail outbox."""

from __future__ import annotations

from typing import Any

from core.plugins.types import NavItem

ROUTES: list[Any] = []


def nav() -> list[NavItem]:
    """Nav entries of this area."""
    return []

"""Routes and UI-slot contributions of the settings area (filled in by its pages)."""

from __future__ import annotations

from typing import Any

from core.plugins.types import NavItem

ROUTES: list[Any] = []


def nav() -> list[NavItem]:
    """Nav entries of this area."""
    return []

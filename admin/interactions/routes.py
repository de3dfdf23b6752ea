"""Routes and UI-slot contributions of the interactions area (filled in by its pages)."""

from __future__ import annotations

from typing import Any

from core.plugins.types import DashboardCard, NavItem

ROUTES: list[Any] = []


def nav() -> list[NavItem]:
    """Nav entries of this area."""
    return []


async def dashboard_cards(user_id: int) -> list[DashboardCard]:
    """Core's dashboard cards."""
    del user_id
    return []

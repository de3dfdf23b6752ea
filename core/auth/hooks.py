"""Hook implementations of the internal ``auth`` plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.hookimpl import hookimpl
from core.plugins.types import EventType, Permission


@hookimpl
def steward_permissions() -> Sequence[Permission]:
    """Permissions for managing staff accounts and tokens."""
    return [
        Permission("users.manage", "Manage staff users, roles and API tokens", order=20),
    ]


@hookimpl
def steward_event_types() -> Sequence[EventType]:
    """Events about staff accounts."""
    return [
        EventType("user.created", "A staff user was created", order=20),
        EventType("user.logged_in", "A staff user signed in", order=21),
        EventType("user.updated", "A staff user's name, roles, locale or status changed", order=22),
    ]


@hookimpl
def steward_api_routes() -> Sequence[Any]:
    """Login, logout, the current caller, users, roles, permissions and API tokens."""
    from core.auth.api import ROUTES  # Litestar is imported only when routes are built

    return list(ROUTES)

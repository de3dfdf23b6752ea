"""Hook implementations of the internal ``auth`` plugin."""

from __future__ import annotations

from collections.abc import Sequence

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
    ]

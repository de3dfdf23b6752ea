"""Routes of the accounts area: password reset and the mail outbox."""

from __future__ import annotations

from typing import Any

from admin.accounts import outbox, password_reset
from core.i18n import gettext as _
from core.plugins.types import NavItem

ROUTES: list[Any] = [*password_reset.ROUTES, *outbox.ROUTES]


def nav() -> list[NavItem]:
    """Nav entries of this area: the outbox, for staff who manage settings."""
    return [NavItem(_("Outbox"), "/admin/accounts/outbox/", permission="settings.manage", order=95)]

"""Routes and UI-slot contributions of the constituents area.

Pages: the list with filters, saved segments, bulk tags and CSV export (``list_pages``); the
360° page with inline tags (``profile``); create, edit and delete (``record_forms``); contact
details (``contact_forms``); relationships and households (``relation_forms``); consent,
do-not-contact and custom fields (``consent_forms``).
"""

from __future__ import annotations

from typing import Any

from admin.constituents import (
    consent_forms,
    contact_forms,
    list_pages,
    profile,
    record_forms,
    relation_forms,
)
from core.i18n import gettext as _
from core.plugins.types import NavItem

ROUTES: list[Any] = [
    *list_pages.ROUTES,
    *profile.ROUTES,
    *record_forms.ROUTES,
    *contact_forms.ROUTES,
    *relation_forms.ROUTES,
    *consent_forms.ROUTES,
]


def nav() -> list[NavItem]:
    """Nav entries of this area."""
    return [
        NavItem(_("Constituents"), "/admin/constituents/", permission="constituents.read", order=10)
    ]

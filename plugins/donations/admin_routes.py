"""Every admin page of the donations plugin, mounted by core under ``/admin/donations``."""

from __future__ import annotations

from typing import Any

from plugins.donations import (
    admin_batches,
    admin_gift_form,
    admin_gifts,
    admin_overview,
    admin_reports,
    admin_structure,
)

ROUTES: list[Any] = [
    *admin_overview.ROUTES,
    *admin_gift_form.ROUTES,
    *admin_gifts.ROUTES,
    *admin_batches.ROUTES,
    *admin_structure.ROUTES,
    *admin_reports.ROUTES,
]

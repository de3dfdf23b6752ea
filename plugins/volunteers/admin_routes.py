"""Every admin page of the volunteers plugin, mounted by core under ``/admin/volunteers``."""

from __future__ import annotations

from typing import Any

from plugins.volunteers import (
    admin_hours,
    admin_kiosk,
    admin_opportunities,
    admin_reports,
    admin_shifts,
)

ROUTES: list[Any] = [
    *admin_opportunities.ROUTES,
    *admin_shifts.ROUTES,
    *admin_kiosk.ROUTES,
    *admin_hours.ROUTES,
    *admin_reports.ROUTES,
]

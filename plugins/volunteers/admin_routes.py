"""Every admin page of the volunteers plugin, mounted by core under ``/admin/volunteers``."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []

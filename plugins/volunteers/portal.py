"""Portal pages of the volunteers plugin, mounted by core under ``/portal/volunteers``."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []

"""Every admin page of the social plugin, mounted by core under ``/admin/social``."""

from __future__ import annotations

from typing import Any

from plugins.social import admin_manage, admin_pages

ROUTES: list[Any] = [*admin_pages.ROUTES, *admin_manage.ROUTES]

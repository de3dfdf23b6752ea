"""Helpers shared by the settings pages."""

from __future__ import annotations

from typing import Any

from litestar import Request

from core.errors import InvalidInputError

BASE = "/admin/settings"
PER_PAGE = 50


def route(url: str) -> str:
    """A page's route path: its URL without ``/admin`` (core mounts admin routes there)."""
    return url.removeprefix("/admin")


def field_errors(exc: InvalidInputError) -> dict[str, str]:
    """A service's field errors keyed by top-level field (``choices.2`` -> ``choices``)."""
    return {str(key).split(".")[0]: str(value) for key, value in exc.errors.items()}


async def form_lists(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """Every posted field as a list of non-empty strings (for checkbox groups)."""
    form = await request.form()
    return {
        key: [str(v).strip() for v in form.getall(key) if str(v).strip()]
        for key in form
        if key != "_csrf"
    }


def checked(value: Any) -> bool:
    """An HTML checkbox's posted value as a boolean."""
    return value in (True, "true", "on", "1")

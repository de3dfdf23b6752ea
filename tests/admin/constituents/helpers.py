"""Constituents created through the service for the admin page tests."""

from __future__ import annotations

from typing import Any

from core.constituents.service import create_constituent


async def person(first: str, last: str, **extra: Any) -> int:
    """Create an individual through the service; returns its id."""
    return (
        await create_constituent(
            {"kind": "individual", "first_name": first, "last_name": last, **extra}
        )
    ).id


async def organisation(name: str, **extra: Any) -> int:
    """Create an organisation through the service; returns its id."""
    return (
        await create_constituent({"kind": "organisation", "organisation_name": name, **extra})
    ).id

"""People to search for, created through the constituent service (as staff would)."""

from __future__ import annotations

from typing import Any

import pytest

from core.constituents.service import create_constituent, soft_delete_constituent
from core.constituents.tags import create_tag
from core.plugins.registry import PluginRegistry


async def person(first: str, last: str, **extra: Any) -> int:
    """Create an individual and return its id."""
    detail = await create_constituent(
        {"kind": "individual", "first_name": first, "last_name": last, **extra}
    )
    return detail.id


@pytest.fixture
async def people(registry: PluginRegistry) -> dict[str, int]:
    """A small, varied population; values are constituent ids by nickname."""
    volunteer = await create_tag({"name": "Voluntario Año"})
    found = {
        "jose": await person(
            "José",
            "Núñez",
            emails=[{"email": "jose.nunez@example.org"}],
            phones=[{"number": "+34 911 234 567"}],
            addresses=[{"line1": "10 Downing St", "postcode": "sw1a 2aa", "country": "GB"}],
            tags=[volunteer.id],
        ),
        "plain": await person("Jose", "Nunez", emails=[{"email": "plain@example.net"}]),
        "ana": await person("Ana", "García", emails=[{"email": "maria@example.org"}]),
        "maria": await person("María", "López", emails=[{"email": "ml@example.org"}]),
        "acme": (
            await create_constituent({"kind": "organisation", "organisation_name": "Acme Ltd"})
        ).id,
        "gone": await person("Nuria", "Borrada", emails=[{"email": "gone@example.org"}]),
    }
    await soft_delete_constituent(found["gone"])
    return found

"""The demo organisation is the same for the same seed (core data only)."""

from __future__ import annotations

import pytest

from core import db
from core.demo.service import build_demo
from core.plugins.registry import PluginRegistry
from core.settings import Settings
from core.testing import base_settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Core only, so the test can clear constituents without plugin rows pointing at them."""
    return base_settings(database_url, plugins=[])


async def test_same_seed_gives_the_same_people(registry: PluginRegistry) -> None:
    async def individuals() -> list[str]:
        rows = await db.fetch_all(
            "SELECT sort_name FROM core_constituent WHERE kind = {} ORDER BY id", "individual"
        )
        return [r["sort_name"] for r in rows]

    await build_demo(registry, seed=5, size=6)
    first = await individuals()
    await db.execute("DELETE FROM core_constituent")
    await build_demo(registry, seed=5, size=6)
    assert await individuals() == first
    await db.execute("DELETE FROM core_constituent")
    await build_demo(registry, seed=6, size=6)
    assert await individuals() != first

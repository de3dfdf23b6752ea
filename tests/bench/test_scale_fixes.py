"""Fixes found by the benchmarks: donor reports name any number of constituents (chunked
under the parameter limit); the profile page lists tag names without counting links.

Found by the report benchmark: at 250,000 constituents LYBUNT and RFM list more donors than
one SQL statement may bind.
"""

from __future__ import annotations

import pytest

from core import db
from core.constituents.service import create_constituent
from core.plugins.registry import PluginRegistry
from plugins.donations.reports.periods import names


async def test_names_are_read_in_chunks(
    registry: PluginRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = []
    for n in range(5):
        created = await create_constituent(
            {"kind": "individual", "first_name": f"Ana{n}", "last_name": "Chunk"}
        )
        ids.append(created.id)
    monkeypatch.setattr(db, "chunk_size_for", lambda columns: 2)
    assert await names(ids) == {cid: f"Ana{n} Chunk" for n, cid in enumerate(ids)}
    assert await names([]) == {}


async def test_tag_names_for_pickers_are_sorted_and_limited(registry: PluginRegistry) -> None:
    from core.constituents.tags import create_tag, tag_names

    for name in ("Zeta", "Alpha", "Mid"):
        await create_tag({"name": name})
    names_now = await tag_names()
    assert names_now == sorted(names_now)
    assert {"Zeta", "Alpha", "Mid"} <= set(names_now)
    assert len(await tag_names(limit=2)) == 2

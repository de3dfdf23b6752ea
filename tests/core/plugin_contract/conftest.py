"""Install the example plugin through a real ``stewardship.plugins`` entry point.

A ``.dist-info`` folder with ``entry_points.txt`` is written to a temporary folder on
``sys.path``, exactly what ``pip install stewardship-example`` would leave behind, so
discovery goes through :func:`importlib.metadata.entry_points` like any third-party package.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core import db, migrations
from core.app import boot
from core.context import SYSTEM, acting_as
from core.plugins.registry import PluginRegistry
from core.settings import Settings

EXAMPLE_SOURCE = Path(__file__).resolve().parents[2] / "plugin_example"


@pytest.fixture(autouse=True)
def install_example_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``stewardship_example`` importable and discoverable for the test."""
    site = tmp_path / "site"
    dist = site / "stewardship_example-1.2.3.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: stewardship-example\nVersion: 1.2.3\n"
    )
    (dist / "entry_points.txt").write_text(
        "[stewardship.plugins]\nexample = stewardship_example.manifest:PLUGIN\n"
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(EXAMPLE_SOURCE))


@pytest.fixture
async def registry(
    settings: Settings, install_example_plugin: None
) -> AsyncIterator[PluginRegistry]:
    """Boot with the example plugin and apply its migrations, as ``steward migrate`` would."""
    loaded = boot(settings)
    await db.start_pool()
    try:
        ran = await migrations.migrate(loaded.manifests)
        assert [step.app_name for step in ran] == ["example"]
        with acting_as(SYSTEM):
            yield loaded
    finally:
        await db.close_pool()

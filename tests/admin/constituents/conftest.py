"""A test plugin with segment filters and a profile panel, added before the app is built."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from core import hookimpl
from core.plugins.manifest import PluginInfo
from core.plugins.registry import PluginRegistry
from core.plugins.types import ProfilePanel, SegmentFilter


class MinimumId(BaseModel):
    """A segment filter parameter with a typed field."""

    min_id: int = Field(ge=1, le=1_000_000)


class SegmentPlugin:
    """Contributes two segment filters, a profile panel and its template folder."""

    def __init__(self, templates: Path) -> None:
        self.templates = templates

    @hookimpl
    def steward_template_dirs(self) -> Sequence[Path]:
        """The panel's template."""
        return [self.templates]

    @hookimpl
    def steward_segment_filters(self) -> Sequence[SegmentFilter]:
        """A text filter and a filter with a typed parameter model."""
        return [
            SegmentFilter(
                key="segtest.named",
                label="Exact name",
                sql=lambda value: ("c.display_name = {}", [value]),
            ),
            SegmentFilter(
                key="segtest.from",
                label="From number",
                sql=lambda params: ("c.id >= {}", [params.min_id]),
                parameter=MinimumId,
            ),
        ]

    @hookimpl
    async def steward_profile_panels(self, constituent_id: int) -> Sequence[ProfilePanel]:
        """A panel with a key fact for the header."""
        return [
            ProfilePanel(
                key="segtest.giving",
                title="Giving summary",
                template="segtest/panel.html",
                context={"number": constituent_id},
                facts={"Lifetime giving": "£42.00"},
            )
        ]


@pytest.fixture
async def registry(registry: PluginRegistry, tmp_path: Path) -> PluginRegistry:
    """The loaded registry plus the test plugin (before ``app`` builds routes and templates)."""
    folder = tmp_path / "templates" / "segtest"
    folder.mkdir(parents=True)
    (folder / "panel.html").write_text("<p>Panel for constituent {{ number }}</p>")
    registry.add_plugin(
        PluginInfo(name="segtest", version="1", label="Segment test", hooks=__name__),
        SegmentPlugin(tmp_path / "templates"),
    )
    return registry

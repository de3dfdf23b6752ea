"""Manifest of the example plugin."""

from pydantic import BaseModel, ConfigDict, Field

from core import PluginInfo


class ExampleSettings(BaseModel):
    """Settings the deployment may give under ``[plugin_settings.example]``."""

    model_config = ConfigDict(extra="forbid")

    badge_prefix: str = Field(default="", max_length=10)
    max_badges_per_person: int = Field(default=10, ge=1, le=100)


PLUGIN = PluginInfo(
    name="example",
    version="1.2.3",
    label="Example badges",
    hooks="stewardship_example.hooks",
    description="Awards badges to constituents; exercises every hook.",
    requires=frozenset({"constituents", "interactions"}),
    piccolo_app="stewardship_example.piccolo_app",
    settings=ExampleSettings,
)

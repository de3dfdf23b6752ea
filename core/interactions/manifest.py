"""Manifest of the internal ``interactions`` plugin."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="interactions",
    version="0.1.0",
    label="Interactions",
    hooks="core.interactions.hooks",
    description="Every touch with a constituent on one timeline, with follow-ups.",
    requires=frozenset({"constituents"}),
    piccolo_app="core.interactions.piccolo_app",
    internal=True,
)

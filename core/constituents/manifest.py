"""Manifest of the internal ``constituents`` plugin."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="constituents",
    version="0.1.0",
    label="Constituents",
    hooks="core.constituents.hooks",
    description=(
        "People, organisations and households, their contact details, relationships and consent."
    ),
    requires=frozenset({"auth"}),
    piccolo_app="core.constituents.piccolo_app",
    internal=True,
)

"""Manifest of the internal ``search`` plugin."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="search",
    version="0.1.0",
    label="Search",
    hooks="core.search.hooks",
    description="Find constituents by name, email, phone, postcode or tag.",
    requires=frozenset({"constituents"}),
    piccolo_app="core.search.piccolo_app",
    internal=True,
)

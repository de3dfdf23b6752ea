"""Manifest of the internal ``dataio`` plugin (no tables of its own)."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="dataio",
    version="0.1.0",
    label="Import and export",
    hooks="core.dataio.hooks",
    description="Import constituents from spreadsheet CSV files and export them as CSV.",
    requires=frozenset({"constituents"}),
    internal=True,
)

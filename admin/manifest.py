"""Manifest of the internal ``admin`` plugin: the staff web UI shell and core's pages."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="admin",
    version="0.1.0",
    label="Admin",
    hooks="admin.hooks",
    description="Staff web UI: sign-in, navigation, dashboard, search and core pages.",
    internal=True,
)

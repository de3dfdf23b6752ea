"""Manifest of the internal ``system`` plugin."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="system",
    version="0.1.0",
    label="System",
    hooks="core.system.hooks",
    description="Plugin state, audit log, health check.",
    piccolo_app="core.system.piccolo_app",
    internal=True,
)

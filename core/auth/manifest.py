"""Manifest of the internal ``auth`` plugin."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="auth",
    version="0.1.0",
    label="Staff accounts",
    hooks="core.auth.hooks",
    description="Staff users, roles, permissions, sessions and API tokens.",
    requires=frozenset({"system"}),
    piccolo_app="core.auth.piccolo_app",
    internal=True,
)

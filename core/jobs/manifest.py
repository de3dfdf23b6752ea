"""Manifest of the internal ``jobs`` plugin."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="jobs",
    version="0.1.0",
    label="Jobs",
    hooks="core.jobs.hooks",
    description="Durable scheduled and background work.",
    requires=frozenset({"system"}),
    piccolo_app="core.jobs.piccolo_app",
    internal=True,
)

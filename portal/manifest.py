"""Manifest of the internal ``portal`` plugin: the donor self-service web UI."""

from core.plugins.manifest import PluginInfo
from portal.config import PortalSettings

PLUGIN = PluginInfo(
    name="portal",
    version="0.1.0",
    label="Portal",
    hooks="portal.hooks",
    description="Self-service portal: magic-link sign-in, profile, preferences, household, data.",
    requires=frozenset({"constituents"}),
    piccolo_app="portal.piccolo_app",
    settings=PortalSettings,
    internal=True,
)

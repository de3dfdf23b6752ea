"""Manifest of the ``social`` plugin (read without importing its code)."""

from core.plugins.manifest import PluginInfo
from plugins.social.config import SocialSettings

PLUGIN = PluginInfo(
    name="social",
    version="0.1.0",
    label="Social listening",
    hooks="plugins.social.hooks",
    description="Mentions from open social sources, linked to constituents.",
    piccolo_app="plugins.social.piccolo_app",
    settings=SocialSettings,
)

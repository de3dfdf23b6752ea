"""Manifest of the ``volunteers`` plugin (read without importing its code)."""

from core.plugins.manifest import PluginInfo
from plugins.volunteers.config import VolunteersSettings

PLUGIN = PluginInfo(
    name="volunteers",
    version="0.1.0",
    label="Volunteers",
    hooks="plugins.volunteers.hooks",
    description="Opportunities, shifts, sign-ups, check-in and volunteer hours.",
    piccolo_app="plugins.volunteers.piccolo_app",
    settings=VolunteersSettings,
)

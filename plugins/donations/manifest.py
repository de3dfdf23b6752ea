"""Manifest of the ``donations`` plugin (read without importing its code)."""

from core.plugins.manifest import PluginInfo
from plugins.donations.config import DonationsSettings

PLUGIN = PluginInfo(
    name="donations",
    version="0.1.0",
    label="Donations",
    hooks="plugins.donations.hooks",
    description="Gifts, pledges, recurring giving, receipts and fundraising reports.",
    piccolo_app="plugins.donations.piccolo_app",
    settings=DonationsSettings,
)

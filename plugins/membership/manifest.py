"""Manifest of the ``membership`` plugin (read without importing its code)."""

from core.plugins.manifest import PluginInfo
from plugins.membership.config import MembershipSettings

PLUGIN = PluginInfo(
    name="membership",
    version="0.1.0",
    label="Membership",
    hooks="plugins.membership.hooks",
    description="Membership levels, renewals, status rules and the member directory.",
    piccolo_app="plugins.membership.piccolo_app",
    settings=MembershipSettings,
)

"""Manifest of the internal ``mail`` plugin."""

from core.plugins.manifest import PluginInfo

PLUGIN = PluginInfo(
    name="mail",
    version="0.1.0",
    label="Mail",
    hooks="core.mail.hooks",
    description="Outgoing mail: templates, the outbox, SMTP delivery, staff password reset.",
    requires=frozenset({"system", "auth", "jobs"}),
    piccolo_app="core.mail.piccolo_app",
    internal=True,
)

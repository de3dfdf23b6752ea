"""The plugin framework: manifests, discovery, ordering, registry and runtime state."""

from core.plugins.manifest import ManifestError, PluginInfo
from core.plugins.registry import (
    HookResult,
    PluginRegistry,
    current_registry,
    load_plugins,
    plugin_settings,
)

__all__ = [
    "HookResult",
    "ManifestError",
    "PluginInfo",
    "PluginRegistry",
    "current_registry",
    "load_plugins",
    "plugin_settings",
]

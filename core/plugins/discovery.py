"""Finding plugin manifests: core's internal plugins plus the ``stewardship.plugins`` group."""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from core.plugins.manifest import ManifestError, PluginInfo

ENTRY_POINT_GROUP = "stewardship.plugins"

# Core's own features, implemented through the same hooks as any plugin. Always enabled.
INTERNAL_MANIFESTS: tuple[str, ...] = (
    "core.system.manifest:PLUGIN",
    "core.auth.manifest:PLUGIN",
    "core.constituents.manifest:PLUGIN",
    "core.search.manifest:PLUGIN",
    "core.dataio.manifest:PLUGIN",
    "core.interactions.manifest:PLUGIN",
    "core.jobs.manifest:PLUGIN",
    "core.mail.manifest:PLUGIN",
    "admin.manifest:PLUGIN",
    "portal.manifest:PLUGIN",
)


def _load_reference(reference: str) -> PluginInfo:
    module_name, _, attribute = reference.partition(":")
    manifest = getattr(import_module(module_name), attribute)
    if not isinstance(manifest, PluginInfo):
        raise ManifestError(f"{reference} is not a PluginInfo")
    return manifest


def internal_manifests() -> list[PluginInfo]:
    """Manifests of core's internal plugins, in their fixed order."""
    return [_load_reference(ref) for ref in INTERNAL_MANIFESTS]


def installed_manifests() -> list[PluginInfo]:
    """Manifests of every installed (non-internal) plugin, sorted by name."""
    found: dict[str, PluginInfo] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        manifest = entry.load()
        if not isinstance(manifest, PluginInfo):
            raise ManifestError(f"entry point {entry.name!r} does not point at a PluginInfo")
        if manifest.name != entry.name:
            raise ManifestError(
                f"entry point {entry.name!r} points at a manifest named {manifest.name!r}"
            )
        if manifest.name in found:
            continue
        found[manifest.name] = manifest
    return [found[name] for name in sorted(found)]


def all_manifests() -> list[PluginInfo]:
    """Internal manifests first, then installed ones."""
    internal = internal_manifests()
    internal_names = {m.name for m in internal}
    clashes = [m.name for m in installed_manifests() if m.name in internal_names]
    if clashes:
        raise ManifestError(f"plugin names reserved by core: {', '.join(clashes)}")
    return internal + installed_manifests()


def installed_piccolo_app_modules() -> list[str]:
    """Dotted paths of every Piccolo app module, core's and installed plugins'."""
    return [m.piccolo_app for m in all_manifests() if m.piccolo_app]

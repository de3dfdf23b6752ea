"""Static plugin manifests, readable without importing Litestar or any plugin code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ManifestError(Exception):
    """A manifest is malformed or its requirements cannot be met."""


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin is, before any of its code is imported.

    ``hooks`` is the dotted path of the module holding the plugin's hookimpls; it is imported
    only when the plugin is enabled. ``piccolo_app`` is the dotted path of its
    ``piccolo_app`` module (``APP_CONFIG``), if it has tables. ``requires`` names plugins
    that must be enabled too; they are registered (and migrated) first.
    """

    name: str
    version: str
    label: str
    hooks: str
    description: str = ""
    requires: frozenset[str] = field(default_factory=frozenset)
    piccolo_app: str | None = None
    settings: type[BaseModel] | None = None
    internal: bool = False

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ManifestError(
                f"plugin name {self.name!r} must be lower-case letters, digits and underscores"
            )
        if self.name in self.requires:
            raise ManifestError(f"plugin {self.name!r} cannot require itself")

    @property
    def toggleable(self) -> bool:
        """Internal (core) plugins are always on; installed plugins can be switched."""
        return not self.internal

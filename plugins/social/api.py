"""JSON API of the ``social`` plugin, mounted by core under ``/api/v1/social``."""

from __future__ import annotations

from litestar import get
from pydantic import BaseModel

from plugins.social.manifest import PLUGIN


class ModuleInfo(BaseModel):
    """What this module is."""

    name: str
    label: str
    version: str
    description: str


@get("/")
async def module_info() -> ModuleInfo:
    """Name, label, version and description of this module."""
    return ModuleInfo(
        name=PLUGIN.name, label=PLUGIN.label, version=PLUGIN.version, description=PLUGIN.description
    )

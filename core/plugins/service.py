"""Listing plugins and switching installed plugins on and off at runtime."""

from __future__ import annotations

from dataclasses import dataclass

from core import audit
from core.errors import ConflictError, NotFoundError
from core.events import emit, unit_of_work
from core.plugins.registry import PluginRegistry
from core.plugins.state import runtime_states, set_plugin_enabled


@dataclass(frozen=True)
class PluginStatus:
    """One installed plugin as staff see it."""

    name: str
    label: str
    version: str
    description: str
    requires: tuple[str, ...]
    configured: bool
    enabled: bool
    internal: bool

    @property
    def state(self) -> str:
        """``enabled``, ``disabled`` (at runtime) or ``not configured``."""
        if not self.configured:
            return "not configured"
        return "enabled" if self.enabled else "disabled"


async def plugin_statuses(registry: PluginRegistry) -> list[PluginStatus]:
    """Every installed plugin with its configuration and runtime state."""
    states = await runtime_states()
    return [
        PluginStatus(
            name=m.name,
            label=m.label,
            version=m.version,
            description=m.description,
            requires=tuple(sorted(m.requires)),
            configured=m.name in registry.by_name,
            enabled=m.internal or states.get(m.name, True),
            internal=m.internal,
        )
        for m in registry.installed
    ]


async def switch_plugin(registry: PluginRegistry, name: str, enabled: bool) -> PluginStatus:
    """Turn an installed, configured plugin on or off without a restart; data is kept.

    Turning a plugin off also requires that no enabled plugin depends on it; turning one on
    requires that what it depends on is on.
    """
    manifest = next((m for m in registry.installed if m.name == name), None)
    if manifest is None:
        raise NotFoundError(f"no installed plugin named {name!r}")
    if manifest.internal:
        raise ConflictError(f"{name!r} is part of core and cannot be switched off")
    if name not in registry.by_name:
        raise ConflictError(f"{name!r} is not enabled in this deployment's settings")
    states = await runtime_states()
    if enabled:
        off = sorted(r for r in manifest.requires if not states.get(r, True))
        if off:
            raise ConflictError(f"{name!r} requires {', '.join(off)}; turn that on first")
    else:
        dependants = sorted(
            m.name for m in registry.manifests if name in m.requires and states.get(m.name, True)
        )
        if dependants:
            raise ConflictError(f"{', '.join(dependants)} require(s) {name!r}; turn that off first")
    async with unit_of_work():
        await set_plugin_enabled(name, enabled)
        await audit.record_change(
            "enable" if enabled else "disable", "plugin", name, after={"enabled": enabled}
        )
        await emit("plugin.switched", {"plugin": name, "enabled": enabled})
        # Re-read the state before the event is dispatched, so a plugin switched off
        # receives no more hooks, its own switch-off event included.
        registry.state.invalidate()
    statuses = {s.name: s for s in await plugin_statuses(registry)}
    return statuses[name]

"""Deterministic dependency ordering of plugin manifests."""

from __future__ import annotations

from collections.abc import Sequence

from core.plugins.manifest import ManifestError, PluginInfo


def check_requirements(manifests: Sequence[PluginInfo]) -> None:
    """Fail with a clear message when an enabled plugin requires one that is not enabled."""
    names = {m.name for m in manifests}
    for manifest in manifests:
        missing = sorted(manifest.requires - names)
        if missing:
            raise ManifestError(
                f"plugin {manifest.name!r} requires {', '.join(missing)}, "
                "which is not installed or not enabled"
            )


def topological_order(manifests: Sequence[PluginInfo]) -> list[PluginInfo]:
    """Order manifests so that each comes after what it requires; ties keep input order.

    Internal plugins are listed first by discovery and require nothing outside core, so they
    stay first.
    """
    check_requirements(manifests)
    by_name = {m.name: m for m in manifests}
    position = {m.name: index for index, m in enumerate(manifests)}
    ordered: list[PluginInfo] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = " -> ".join((*chain, name))
            raise ManifestError(f"plugin requirements form a cycle: {cycle}")
        state[name] = "visiting"
        for required in sorted(by_name[name].requires, key=position.__getitem__):
            visit(required, (*chain, name))
        state[name] = "done"
        ordered.append(by_name[name])

    for manifest in manifests:
        visit(manifest.name, ())
    return ordered

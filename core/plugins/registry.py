"""The loaded plugin set: a pluggy manager plus manifests, settings and runtime state.

:class:`PluginRegistry` is built once per process (and per test) by :func:`load_plugins`.
It is the only way core calls hooks: :meth:`collect` and :meth:`call_each` call each
plugin's implementation separately, so that a plugin switched off at runtime is skipped, its
results can be attributed to it, and (for lifecycle hooks) its failure is isolated.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pluggy
from pydantic import BaseModel, ValidationError

from core import hookspecs
from core.plugins.discovery import all_manifests
from core.plugins.manifest import ManifestError, PluginInfo
from core.plugins.ordering import topological_order
from core.plugins.state import PluginStateCache
from core.settings import Settings

logger = logging.getLogger("stewardship.plugins")


@dataclass(frozen=True)
class HookResult:
    """One plugin's answer to a collection hook."""

    plugin: str
    value: Any


class PluginRegistry:
    """The plugins this process runs, in dependency order."""

    def __init__(
        self,
        settings: Settings,
        manifests: Sequence[PluginInfo],
        installed: Sequence[PluginInfo],
    ) -> None:
        self.settings = settings
        self.manifests = list(manifests)
        self.installed = list(installed)
        self.by_name = {m.name: m for m in self.manifests}
        self.plugin_config: dict[str, BaseModel | None] = {}
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.state = PluginStateCache({m.name for m in self.manifests if m.toggleable})
        self._event_owners: dict[str, str] | None = None

    # -- loading --------------------------------------------------------------------------

    def register_all(self) -> None:
        """Import and register each enabled plugin's hooks, then fail on unknown hooks."""
        for manifest in self.installed:
            if manifest.name not in self.by_name:
                self.pm.set_blocked(manifest.name)
        for manifest in self.manifests:
            self.plugin_config[manifest.name] = validate_plugin_settings(
                manifest, self.settings.plugin_settings.get(manifest.name, {})
            )
            module = import_module(manifest.hooks)
            self.pm.register(module, name=manifest.name)
        self.pm.check_pending()
        self.call_each_sync("steward_configure", settings=self.settings)

    def add_plugin(self, manifest: PluginInfo, implementation: object) -> None:
        """Register one more plugin object after boot (tests, embedding); it runs last.

        Routes are built at app creation, so add plugins before :func:`core.app.create_app`
        when they contribute routes.
        """
        if manifest.name in self.by_name:
            raise ManifestError(f"a plugin named {manifest.name!r} is already registered")
        missing = sorted(manifest.requires - set(self.by_name))
        if missing:
            raise ManifestError(f"plugin {manifest.name!r} requires {', '.join(missing)}")
        self.plugin_config[manifest.name] = validate_plugin_settings(
            manifest, self.settings.plugin_settings.get(manifest.name, {})
        )
        self.manifests.append(manifest)
        self.by_name[manifest.name] = manifest
        if manifest.toggleable:
            self.state.toggleable.add(manifest.name)
        self.pm.register(implementation, name=manifest.name)
        self.pm.check_pending()
        self._event_owners = None
        self.collect_sync("steward_configure", include_inactive=True, settings=self.settings)

    def event_owner(self, name: str) -> str | None:
        """The plugin that declared event ``name`` (``steward_event_types``), or None.

        Declarations are static, so they are read once and kept.
        """
        if self._event_owners is None:
            self._event_owners = {
                event.name: result.plugin
                for result in self.call_each_sync("steward_event_types")
                for event in result.value
            }
        return self._event_owners.get(name)

    # -- calling --------------------------------------------------------------------------

    def _implementations(self, hook_name: str) -> list[tuple[str, Any]]:
        caller = getattr(self.pm.hook, hook_name)
        order = {m.name: index for index, m in enumerate(self.manifests)}
        impls = []
        for impl in caller.get_hookimpls():
            name = self.pm.get_name(impl.plugin)
            if name is None or name not in order:
                continue
            impls.append((name, impl))
        impls.sort(key=lambda pair: order[pair[0]])
        return impls

    def _call(self, impl: Any, kwargs: dict[str, Any]) -> Any:
        accepted = {name: kwargs[name] for name in impl.argnames if name in kwargs}
        return impl.function(**accepted)

    def is_active(self, plugin: str) -> bool:
        """Enabled in configuration and, for installed plugins, switched on at runtime."""
        if plugin not in self.by_name:
            return False
        return self.state.is_enabled(plugin)

    async def collect_results(self, hook_name: str, **kwargs: Any) -> list[HookResult]:
        """Each active plugin's result of a collection hook, in dependency order."""
        await self.state.refresh_if_stale()
        results = []
        for name, impl in self._implementations(hook_name):
            if not self.is_active(name):
                continue
            value = self._call(impl, kwargs)
            if inspect.isawaitable(value):
                value = await value
            if value is not None:
                results.append(HookResult(name, value))
        return results

    async def collect(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Every item of a collection hook from active plugins, sorted by ``order``."""
        items: list[Any] = []
        for result in await self.collect_results(hook_name, **kwargs):
            if isinstance(result.value, list | tuple):
                items.extend(result.value)
            else:
                items.append(result.value)
        return sorted(items, key=lambda item: getattr(item, "order", 100))

    def collect_sync(
        self, hook_name: str, *, include_inactive: bool = False, **kwargs: Any
    ) -> list[HookResult]:
        """A collection hook called at boot, before the event loop (values must not be awaitable).

        ``include_inactive`` also asks plugins switched off at runtime: boot-time structure
        such as routes is built for every configured plugin and guarded per request.
        """
        results = []
        for name, impl in self._implementations(hook_name):
            if not include_inactive and not self.is_active(name):
                continue
            value = self._call(impl, kwargs)
            if inspect.isawaitable(value):
                raise ManifestError(f"plugin {name!r}: {hook_name} must not be async")
            if value is not None:
                results.append(HookResult(name, value))
        return results

    def call_each_sync(self, hook_name: str, **kwargs: Any) -> list[HookResult]:
        """Boot-time calls to every configured plugin (whatever its runtime state)."""
        return self.collect_sync(hook_name, include_inactive=True, **kwargs)

    async def call_each(
        self, hook_name: str, *, isolate: bool = True, **kwargs: Any
    ) -> list[HookResult]:
        """Call a lifecycle hook on every active plugin, awaiting results.

        With ``isolate`` a plugin's exception is logged and the others still run; without it
        the exception propagates (used inside transactions such as merge and erasure).
        Returns the plugins' answers other than None, in call order.
        """
        await self.state.refresh_if_stale()
        answers: list[HookResult] = []
        for name, impl in self._implementations(hook_name):
            if not self.is_active(name):
                continue
            try:
                value = self._call(impl, kwargs)
                if inspect.isawaitable(value):
                    value = await value
            except Exception:
                if not isolate:
                    raise
                logger.exception("plugin %r failed in %s", name, hook_name)
                continue
            if value is not None:
                answers.append(HookResult(name, value))
        return answers


def validate_plugin_settings(manifest: PluginInfo, raw: dict[str, Any]) -> BaseModel | None:
    """Validate a plugin's settings with its model, naming the setting on error."""
    if manifest.settings is None:
        if raw:
            raise ManifestError(f"plugin {manifest.name!r} takes no settings, got {sorted(raw)}")
        return None
    try:
        return manifest.settings.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"plugin_settings.{manifest.name}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in exc.errors()
        )
        raise ManifestError(f"invalid settings for plugin {manifest.name!r}: {problems}") from exc


def select_manifests(settings: Settings) -> tuple[list[PluginInfo], list[PluginInfo]]:
    """(enabled in dependency order, every installed) for these settings."""
    everything = all_manifests()
    installed_names = [m.name for m in everything if not m.internal]
    wanted = set(installed_names if settings.plugins is None else settings.plugins)
    unknown = sorted(wanted - set(installed_names))
    if unknown:
        raise ManifestError(
            f"STEWARD_PLUGINS names plugins that are not installed: {', '.join(unknown)} "
            f"(installed: {', '.join(installed_names) or 'none'})"
        )
    unknown_settings = sorted(set(settings.plugin_settings) - {m.name for m in everything})
    if unknown_settings:
        raise ManifestError(f"plugin_settings for unknown plugins: {', '.join(unknown_settings)}")
    enabled = [m for m in everything if m.internal or m.name in wanted]
    return topological_order(enabled), everything


_current: PluginRegistry | None = None


def load_plugins(settings: Settings) -> PluginRegistry:
    """Discover, validate, order and register plugins; make the result current."""
    global _current
    manifests, installed = select_manifests(settings)
    registry = PluginRegistry(settings, manifests, installed)
    _current = registry
    registry.register_all()
    return registry


def make_current(registry: PluginRegistry) -> None:
    """Make an already loaded registry this process's current one (the test suite reuses
    registries between tests that share their settings)."""
    global _current
    _current = registry


def current_registry() -> PluginRegistry:
    """The registry of this process; fails loudly before :func:`load_plugins`."""
    if _current is None:
        raise RuntimeError("plugins are not loaded; call core.plugins.load_plugins() first")
    return _current


def plugin_settings(name: str) -> BaseModel | None:
    """The validated settings model of an enabled plugin."""
    return current_registry().plugin_config.get(name)

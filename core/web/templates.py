"""The one Jinja environment shared by admin and portal.

Its loader searches, in order: the deployment's override folder
(``settings.template_override_dir``), each enabled plugin's template folders
(``steward_template_dirs``), then core's own templates. Autoescape is always on.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core import i18n
from core.plugins.registry import PluginRegistry

CORE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def template_search_path(registry: PluginRegistry) -> list[Path]:
    """Folders searched for templates, highest precedence first."""
    paths: list[Path] = []
    override = registry.settings.template_override_dir
    if override:
        paths.append(Path(override))
    for result in registry.call_each_sync("steward_template_dirs"):
        paths.extend(Path(p) for p in result.value)
    paths.append(CORE_TEMPLATES)
    return paths


def build_jinja_env(registry: PluginRegistry) -> Environment:
    """Create the environment and let every plugin adjust it (``steward_jinja_env``)."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(p)) for p in template_search_path(registry)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        enable_async=False,
        extensions=["jinja2.ext.i18n"],
    )
    install_i18n(env, registry)
    env.globals["org_name"] = registry.settings.org_name
    registry.call_each_sync("steward_jinja_env", env=env)
    return env


def install_i18n(env: Environment, registry: PluginRegistry) -> None:
    """``_()``/``gettext``/``ngettext`` and the locale-aware formatting filters.

    Filters: ``date``, ``datetime`` (shown in the organisation's time zone), ``number`` and
    ``money`` (integer minor units and a currency code).
    """
    zone = registry.settings.zone
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters["date"] = i18n.format_date
    env.filters["datetime"] = lambda value, style="medium": i18n.format_datetime(value, zone, style)
    env.filters["number"] = i18n.format_number
    env.filters["money"] = i18n.format_money
    env.globals["current_locale"] = i18n.current_locale
    env.globals["supported_locales"] = i18n.SUPPORTED_LOCALES
    env.globals["locale_name"] = i18n.locale_display_name

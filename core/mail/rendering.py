"""Rendering mail from templates found by the shared Jinja loader.

A mail template ``mail/password_reset`` is three files: ``mail/password_reset.subject.txt``,
``mail/password_reset.txt`` and ``mail/password_reset.html``. They are looked up like every
other template (deployment overrides, then plugin folders, then core), so a plugin or the
portal keeps its mail templates in its own template folder and a deployment can override
any of them. The HTML part is autoescaped; the subject and text parts are not (they are not
HTML), so ``&`` in a name stays ``&``.
"""

from __future__ import annotations

import contextlib
from typing import Any

from jinja2 import Environment

from core.i18n import use_locale
from core.plugins.registry import PluginRegistry, current_registry
from core.web.templates import build_jinja_env

_environments: tuple[PluginRegistry, Environment, Environment] | None = None


def _envs() -> tuple[Environment, Environment]:
    """(html, text) environments for the current registry, built once per registry."""
    global _environments
    registry = current_registry()
    if _environments is None or _environments[0] is not registry:
        html_env = build_jinja_env(registry)
        _environments = (registry, html_env, html_env.overlay(autoescape=False))
    return _environments[1], _environments[2]


def render_mail(
    template: str, context: dict[str, Any], locale: str | None = None
) -> tuple[str, str, str]:
    """Render ``<template>.subject.txt``, ``<template>.txt`` and ``<template>.html``.

    Runs in ``locale`` when given (else the current locale) and returns
    ``(subject, text, html)``; the subject is folded onto one line.
    """
    html_env, text_env = _envs()
    scope = use_locale(locale) if locale is not None else contextlib.nullcontext()
    with scope:
        subject = text_env.get_template(f"{template}.subject.txt").render(context)
        text = text_env.get_template(f"{template}.txt").render(context)
        html = html_env.get_template(f"{template}.html").render(context)
    return " ".join(subject.split()), text.strip() + "\n", html

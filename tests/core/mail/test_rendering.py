"""render_mail: the three parts from the shared loader, in the requested language."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.i18n import current_locale, use_locale
from core.mail import render_mail
from core.plugins.registry import PluginRegistry
from core.settings import Settings
from core.testing import base_settings

CONTEXT = {"name": "Ana & Luis", "link": "http://x/a?b=1&c=2", "minutes": 30, "org_name": "A&B"}


async def test_english_parts(registry: PluginRegistry) -> None:
    subject, text, html = render_mail("mail/password_reset", CONTEXT, locale="en")
    assert subject == "Reset your password for A&B"
    assert "Hello Ana & Luis," in text  # the text part is not HTML-escaped
    assert "http://x/a?b=1&c=2" in text
    assert "Hello Ana &amp; Luis," in html  # the HTML part is
    assert 'href="http://x/a?b=1&amp;c=2"' in html


async def test_spanish_parts_and_locale_restored(registry: PluginRegistry) -> None:
    with use_locale("en"):
        subject, text, html = render_mail("mail/password_reset", CONTEXT, locale="es")
        assert current_locale() == "en"
    assert subject == "Restablezca su contraseña de A&B"
    assert "Hola, Ana & Luis:" in text
    assert "en los próximos 30 minutos" in text
    assert '<html lang="es">' in html
    assert "Elija una contraseña nueva" in html


async def test_current_locale_when_none_given(registry: PluginRegistry) -> None:
    with use_locale("es"):
        subject, _, _ = render_mail("mail/password_reset", CONTEXT)
    assert subject.startswith("Restablezca")


class TestOverride:
    @pytest.fixture
    def settings(self, database_url: str, tmp_path: Path) -> Settings:
        folder = tmp_path / "mail"
        folder.mkdir()
        (folder / "password_reset.subject.txt").write_text("Custom {{ org_name }}\n\n")
        return base_settings(database_url, template_override_dir=str(tmp_path))

    async def test_deployment_override_wins(self, registry: PluginRegistry) -> None:
        subject, text, _ = render_mail("mail/password_reset", CONTEXT)
        assert subject == "Custom A&B"
        assert "Hello Ana & Luis," in text  # the other parts still come from core

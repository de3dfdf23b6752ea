"""Every message the UI shows exists in Spanish."""

from __future__ import annotations

from core.i18n import gettext, use_locale
from core.i18n_check import marked_messages, untranslated


def test_every_marked_message_has_a_spanish_translation() -> None:
    assert list(marked_messages()), "the extractor found no messages at all"
    assert untranslated("es") == {}


def test_translation_follows_the_active_locale() -> None:
    with use_locale("es"):
        assert gettext("Sign in") == "Iniciar sesión"
        assert gettext("Page %(n)s", n=3) == "Página 3"
    with use_locale("en"):
        assert gettext("Sign in") == "Sign in"
    with use_locale("fr"):
        assert gettext("Sign in") == "Sign in"

"""Locale choice and locale-aware formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core.i18n import best_match, format_date, format_datetime, format_money, use_locale


def test_accept_language_picks_the_best_supported_language() -> None:
    assert best_match("fr-FR,es;q=0.8,en;q=0.5") == "es"
    assert best_match("en;q=0.2, es-AR;q=0.9") == "es"
    assert best_match("de, fr") is None
    assert best_match("es;q=0, en") == "en"


def test_money_and_dates_follow_the_locale() -> None:
    with use_locale("en"):
        assert format_money(123456, "EUR") == "€1,234.56"
        assert format_money(500, "JPY") == "¥500"
        assert format_date(date(2026, 1, 31)) == "Jan 31, 2026"
    with use_locale("es"):
        assert format_money(123456, "EUR") == "1.234,56\xa0€"
        assert format_date(date(2026, 1, 31)) == "31 ene 2026"


def test_instants_are_shown_in_the_organisation_time_zone() -> None:
    instant = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with use_locale("en"):
        shown = format_datetime(instant, ZoneInfo("America/Los_Angeles"), "short")
    assert shown.startswith("12/31/26, 3:30")

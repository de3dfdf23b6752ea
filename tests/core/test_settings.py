"""Settings come from steward.toml and STEWARD_* variables; bad ones are named clearly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.plugins.manifest import ManifestError
from core.plugins.registry import select_manifests
from core.settings import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("STEWARD_") and key != "STEWARD_TEST_DATABASE":
            monkeypatch.delenv(key)
    monkeypatch.setenv("STEWARD_CONFIG", str(tmp_path / "steward.toml"))


def test_defaults_are_a_local_sqlite_database() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///var/steward.db"
    assert settings.is_sqlite
    assert settings.plugins is None


def test_toml_file_and_environment_with_environment_winning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "steward.toml").write_text(
        'org_name = "Amigos del Parque"\ntime_zone = "Europe/Madrid"\nlocale = "es"\n'
        'default_currency = "eur"\nplugins = ["donations"]\n'
        "[plugin_settings.donations]\nanything = 1\n"
    )
    monkeypatch.setenv("STEWARD_ORG_NAME", "Friends of the Park")
    settings = load_settings()
    assert settings.org_name == "Friends of the Park"
    assert settings.time_zone == "Europe/Madrid"
    assert settings.locale == "es"
    assert settings.default_currency == "EUR"
    assert settings.plugins == ["donations"]
    assert settings.plugin_settings == {"donations": {"anything": 1}}


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("STEWARD_TIME_ZONE", "Mars/Olympus", "STEWARD_TIME_ZONE"),
        ("STEWARD_DATABASE_URL", "mysql://x", "STEWARD_DATABASE_URL"),
        ("STEWARD_DEFAULT_CURRENCY", "XYZ", "STEWARD_DEFAULT_CURRENCY"),
        ("STEWARD_LOCALE", "fr", "STEWARD_LOCALE"),
        ("STEWARD_FISCAL_YEAR_START_MONTH", "13", "STEWARD_FISCAL_YEAR_START_MONTH"),
        ("STEWARD_SECRET_KEY", "short", "STEWARD_SECRET_KEY"),
    ],
)
def test_bad_setting_stops_with_its_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=named):
        load_settings()


def test_unknown_setting_in_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "steward.toml").write_text('colour = "blue"\n')
    with pytest.raises(SettingsError, match="colour"):
        load_settings()


def test_unknown_plugin_is_named() -> None:
    settings = Settings(plugins=["donations", "telepathy"])
    with pytest.raises(ManifestError, match="telepathy"):
        select_manifests(settings)


def test_plugin_requirements_decide_the_order() -> None:
    enabled, installed = select_manifests(Settings(plugins=["social", "donations"]))
    names = [m.name for m in enabled]
    assert names[:2] == ["system", "auth"]
    assert set(names) >= {"social", "donations"}
    assert "membership" not in names
    assert {m.name for m in installed} >= {"donations", "membership", "volunteers", "social"}


def test_fiscal_year_starting_in_july() -> None:
    settings = Settings(fiscal_year_start_month=7)
    assert settings.fiscal_year_of(date(2026, 6, 30)) == 2026
    assert settings.fiscal_year_of(date(2026, 7, 1)) == 2027
    assert settings.fiscal_year_bounds(2027) == (date(2026, 7, 1), date(2027, 7, 1))


def test_calendar_fiscal_year() -> None:
    settings = Settings()
    assert settings.fiscal_year_of(date(2026, 12, 31)) == 2026
    assert settings.fiscal_year_bounds(2026) == (date(2026, 1, 1), date(2027, 1, 1))

"""``steward import constituents`` and ``steward export constituents`` through click."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from core import db
from core.app import boot
from core.cli import main
from core.settings import Settings
from tests.core.dataio.conftest import write_csv


async def _names(settings: Settings) -> list[str]:
    boot(settings)
    await db.start_pool()
    try:
        rows = await db.fetch_all("SELECT display_name FROM core_constituent ORDER BY id")
    finally:
        await db.close_pool()
    return [r["display_name"] for r in rows]


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The steward command pointed at the test's database."""
    monkeypatch.setenv("STEWARD_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("STEWARD_CONFIG", "/nonexistent/steward.toml")
    return settings


def test_import_prints_the_report(cli_env: Settings, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "people.csv",
        "nombre;apellidos;correo;fecha de nacimiento;color\n"
        "José;Núñez;jose@example.org;31/12/1980;azul\n"
        ";;bad;;\n"
        "Ana;Ruiz;;;\n",
        encoding="cp1252",
    )
    errors = tmp_path / "errors.csv"
    runner = CliRunner()
    dry = runner.invoke(main, ["import", "constituents", str(path), "--locale", "es", "--dry-run"])
    assert dry.exit_code == 1, dry.output
    assert "2 would be created" in dry.output
    assert asyncio.run(_names(cli_env)) == []
    result = runner.invoke(
        main,
        ["import", "constituents", str(path), "--locale", "es", "--batch-size", "1",
         "--errors", str(errors)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "3 row(s) read (cp1252, delimiter ';'); 2 were created" in result.output
    assert "1 rejected" in result.output
    assert "ignored columns: color" in result.output
    assert "line 3: correo: An email address must have an @-sign." in result.stderr
    with errors.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["line", "column", "message"]
    assert {(r[0], r[1]) for r in rows[1:]} == {
        ("3", "nombre"),
        ("3", "apellidos"),
        ("3", "correo"),
    }
    assert asyncio.run(_names(cli_env)) == ["José Núñez", "Ana Ruiz"]


def test_clean_import_exits_zero_and_export_writes_a_file(
    cli_env: Settings, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "ok.csv", "first_name,last_name,phone\nAna,Ruiz,+1 202 555 0100\n")
    runner = CliRunner()
    result = runner.invoke(main, ["import", "constituents", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 were created" in result.output
    output = tmp_path / "out.csv"
    exported = runner.invoke(main, ["export", "constituents", "--output", str(output), "--bom"])
    assert exported.exit_code == 0, exported.output
    assert "1 constituent(s) exported" in exported.stderr
    text = output.read_text(encoding="utf-8")
    assert text.startswith("\ufeffexternal_id,")
    assert "Ana,,Ruiz" in text
    assert "'+12025550100" in text
    to_stdout = runner.invoke(main, ["export", "constituents", "--delimiter", ";"])
    assert to_stdout.exit_code == 0
    assert to_stdout.stdout.startswith("external_id;kind;")


def test_unusable_file_is_a_clear_error(cli_env: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", "colour\nblue\n")
    result = CliRunner().invoke(main, ["import", "constituents", str(path)])
    assert result.exit_code == 1
    assert "no name column" in result.stderr

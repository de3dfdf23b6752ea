"""The long build stages work in parts: stopped at their budget, or killed in the middle of a
part, they go on to the same files and databases as one uninterrupted pass."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench import stages
from bench.budget import Budget, Progress
from bench.generate import Summary
from bench.generation import CHECKPOINT, generate
from bench.scales import SCALES

pytestmark = pytest.mark.sqlite_only  # the benchmark databases are SQLite files

TINY = SCALES["T"]


def test_generation_stopped_at_every_checkpoint_writes_the_same_bytes(tmp_path: Path) -> None:
    whole = generate(TINY, tmp_path / "whole")
    assert whole is not None
    calls = 0

    def one_call() -> Summary | None:
        return generate(TINY, tmp_path / "parted", budget=Budget(0.0), checkpoint_every=30)

    while (parted := one_call()) is None:
        calls += 1
        assert (tmp_path / "parted" / CHECKPOINT).exists()
    assert calls == TINY.constituents // 30  # one checkpoint per call, then the rest
    assert parted.digests == whole.digests
    assert (parted.constituents, parted.gifts, parted.extra) == (
        whole.constituents, whole.gifts, whole.extra,
    )  # fmt: skip
    assert not (tmp_path / "parted" / CHECKPOINT).exists()


def test_a_budget_always_lets_the_first_part_run() -> None:
    budget = Budget(0.0)
    assert budget.allows_another()
    budget.part_took(1.0)
    assert not budget.allows_another()
    assert Budget.unlimited().allows_another()


def _count(path: Path, sql: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


def _kill_during_a_write(path: Path) -> None:
    """A process that inserts a gift and dies before committing (as a killed command does),
    leaving the transaction in the file's journal."""
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('PRAGMA journal_mode = TRUNCATE')\n"
        "c.execute('PRAGMA cache_size = 1')\n"  # spill the change into the file itself
        'c.execute("INSERT INTO donations_gift (donor_id, amount_minor, currency, gift_date, '
        "fiscal_year, payment_method, status, anonymous, non_deductible_minor, source, "
        "external_id, notes, created_at, updated_at) SELECT id, 1, 'USD', '2026-01-01', 2026, "
        "'cash', 'received', 0, 0, 'import', 'KILLED-' || id, '', '', '' FROM core_constituent\")\n"
        "os._exit(1)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=False)


def test_people_and_bulk_go_on_after_stops_and_kills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEWARD_BENCH_DATA", str(tmp_path))
    monkeypatch.setattr(stages, "PEOPLE_PART_ROWS", 80)  # three parts at T
    folder = TINY.data_dir

    assert stages.people_within(TINY, Budget(0.0)) is None  # part 1 of 3
    progress = Progress(folder / "people.progress.json")
    assert progress.get("parts_done") == 1
    assert progress.get("checkpoint") == "people.after-1.db"
    # killed during part 2: the progress says so and the file holds half a part
    progress.save(running=1)
    building = folder / "people.building.db"
    connection = sqlite3.connect(building)
    columns = [r[1] for r in connection.execute("PRAGMA table_info(core_constituent)")]
    copied = [c for c in columns if c not in ("id", "external_id")]
    with connection:
        connection.execute(
            f"INSERT INTO core_constituent ({', '.join(copied)}, external_id) "
            f"SELECT {', '.join(copied)}, 'HALF-' || id FROM core_constituent"
        )
    connection.close()
    while (people := stages.people_within(TINY, Budget(0.0))) is None:
        pass
    assert _count(people, "SELECT COUNT(*) FROM core_constituent") == TINY.constituents
    half = "SELECT COUNT(*) FROM core_constituent WHERE external_id LIKE 'HALF-%'"
    assert _count(people, half) == 0
    build = json.loads((folder / "build.json").read_text())["people"]
    assert build["rows"] == TINY.constituents
    assert build["parts"] == 3
    assert not list(folder.glob("people.after-*.db"))
    assert not progress.path.exists()

    assert stages.bulk_within(TINY, Budget(0.0)) is None  # the first step only
    _kill_during_a_write(folder / "bulk.building.db")
    assert (folder / "bulk.building.db-journal").stat().st_size > 0  # a transaction to undo
    calls = 2
    while (bulk := stages.bulk_within(TINY, Budget(0.0))) is None:
        calls += 1
    assert calls == len(stages.BULK_STEPS)  # one step per call
    summary = json.loads((folder / "summary.json").read_text())
    assert _count(bulk, "SELECT COUNT(*) FROM donations_gift") == summary["gifts"]  # none killed
    index = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'core_interaction_timeline'"
    assert _count(bulk, index) == 1  # recreated
    assert _count(bulk, "PRAGMA user_version") == 0
    connection = sqlite3.connect(bulk)
    assert connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    connection.close()

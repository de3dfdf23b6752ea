"""The benchmark code works: seeded data as specified, every workload runs, the report is
written. Timings are never asserted here; ``make bench`` measures them."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from bench.draw import Draw
from bench.generate import DUPLICATE_RATE, SHOWCASE_GIFTS, SHOWCASE_ITEMS, read_rows
from bench.generation import generate
from bench.report import WORKLOADS
from bench.scales import ROOT, SCALES

pytestmark = pytest.mark.sqlite_only  # the workloads measure the SQLite deployment

TINY = SCALES["T"]


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (the typo of a planted duplicate is one or two edits)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def test_generator_is_deterministic_and_realistic(tmp_path: Path) -> None:
    first = generate(TINY, tmp_path / "a")
    second = generate(TINY, tmp_path / "b")
    other_seed = generate(TINY, tmp_path / "c", seed=7)
    assert first is not None  # without a budget it always finishes
    assert second is not None
    assert other_seed is not None
    assert first.digests == second.digests
    assert other_seed.digests["constituents"] != first.digests["constituents"]

    people = {r["external_id"]: r for r in read_rows(tmp_path / "a" / "constituents.csv")}
    assert len(people) == TINY.constituents == first.constituents
    duplicates = list(read_rows(tmp_path / "a" / "duplicates.csv"))
    assert len(duplicates) == first.duplicates
    assert abs(len(duplicates) / TINY.constituents - DUPLICATE_RATE) <= 0.02
    for pair in duplicates:
        copy, original = people[pair["external_id"]], people[pair["original_external_id"]]
        assert original["external_id"] < copy["external_id"]  # duplicates an earlier row
        names = (copy["first_name"], copy["last_name"])
        assert names != (original["first_name"], original["last_name"])
        typo = _edits(" ".join(names), f"{original['first_name']} {original['last_name']}")
        assert 1 <= typo <= 2

    kinds = Counter(r["kind"] for r in people.values())
    assert kinds["individual"] > kinds["household"] > 0
    assert kinds["organisation"] > 0
    text = " ".join(r["first_name"] + r["last_name"] for r in people.values())
    assert any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))
    assert {r["country"] for r in people.values()} >= {"US", "ES"}

    gifts = Counter(r["donor_external_id"] for r in read_rows(tmp_path / "a" / "gifts.csv"))
    items = Counter(
        r["constituent_external_id"] for r in read_rows(tmp_path / "a" / "interactions.csv")
    )
    assert 4 <= (sum(gifts.values()) - SHOWCASE_GIFTS) / (TINY.constituents - 1) <= 6
    assert 8 <= sum(items.values()) / TINY.constituents <= 12
    assert gifts["C0000001"] + items["C0000001"] == SHOWCASE_ITEMS
    assert set(gifts) <= set(people)
    assert set(items) <= set(people)
    _check_streams(tmp_path / "a", people, first.extra)


def _check_streams(folder: Path, people: dict[str, dict[str, str]], extra: dict[str, int]) -> None:
    """Memberships, volunteer hours and mentions: proportions and references as specified."""
    members = list(read_rows(folder / "memberships.csv"))
    assert len(members) == extra["memberships"]
    assert 0.15 <= len(members) / len(people) <= 0.45
    assert len({m["member_external_id"] for m in members}) == len(members)  # one each
    assert {m["member_external_id"] for m in members} <= set(people)
    assert all(m["join_date"] < m["end_date"] for m in members)
    assert len({m["level"] for m in members}) >= 2
    assert any(int(m["end_date"][:4]) - int(m["join_date"][:4]) > 1 for m in members)  # history
    hours = list(read_rows(folder / "hours.csv"))
    volunteers = {h["constituent_external_id"] for h in hours}
    assert 0.02 <= len(volunteers) / len(people) <= 0.16
    assert all(people[v]["kind"] == "individual" for v in volunteers)
    assert all(0 < float(h["hours"]) <= 24 for h in hours)
    mentions = list(read_rows(folder / "mentions.csv"))
    assert 0.3 <= len(mentions) / len(people) <= 0.8
    linked = [m for m in mentions if m["constituent_external_id"]]
    assert 0 < len(linked) < len(mentions)
    assert {m["constituent_external_id"] for m in linked} <= set(people)
    assert len({m["url"] for m in mentions}) == len(mentions)  # unique, as the table requires


def test_fast_draws_are_the_standard_library_draws() -> None:
    """The generator's draws keep the files' bytes: the same numbers as random.Random."""
    fast, standard = Draw(11), random.Random(11)
    for bound in (1, 2, 3, 7, 21, 660, 2190, 999_983):
        for _ in range(300):
            assert fast.below(bound) == standard.randrange(bound)
            assert fast.between(5, 5 + bound) == standard.randrange(5, 5 + bound)
            items = range(bound)
            assert fast.pick(items) == standard.choice(items)
    assert fast.random() == standard.random()


# Every workload but the PostgreSQL import arm, whose server start-up would double the
# test's time (the arm shares its code with the SQLite one; make bench runs it).
MEASURED = [w for w in WORKLOADS if w != "import_pg"]


def test_every_workload_runs_and_the_report_is_written(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STEWARD_BENCH_DATA": str(tmp_path / "data"),
        "STEWARD_BENCH_RESULTS": str(tmp_path / "results"),
        "STEWARD_BENCH_RUNS": "1",
        "STEWARD_BENCH_QUICK": "1",
    }
    docs = tmp_path / "docs"
    # the database stages first, as at L (the import rows then include the whole-file run)
    for workload in ["load", *MEASURED]:
        done = subprocess.run(
            [sys.executable, "-m", "bench", "--scale", "T", "--workload", workload,
             "--docs", str(docs)],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    for workload in MEASURED:
        result = json.loads((tmp_path / "results" / "T" / f"{workload}.json").read_text())
        assert result["scale"] == "T", workload
        assert result["command"] == f"make bench SCALE=T WORKLOAD={workload}"
        for figure in result["figures"]:
            assert figure["ours"] is not None, figure["name"]
        targeted = [f for f in result["figures"] if f["target"]]
        assert targeted, f"{workload} has no figure with a target"
        assert all(f["met"] in (True, False) for f in targeted)
    writes = json.loads((tmp_path / "results" / "T" / "writes.json").read_text())
    assert all(f["ours"] == 0 for f in writes["figures"])  # no "database is locked"
    imports = json.loads((tmp_path / "results" / "T" / "import.json").read_text())
    gift_imports = json.loads((tmp_path / "results" / "T" / "import_gifts.json").read_text())
    assert gift_imports["figures"][0]["name"] == "gift import"
    sliced = imports["figures"] + gift_imports["figures"]
    assert all("first" in f["note"] for f in sliced if "whole file" not in f["name"])
    assert any("whole file" in f["name"] for f in imports["figures"])  # from people.db's build
    pages = json.loads((tmp_path / "results" / "T" / "report_pages.json").read_text())
    assert len(pages["figures"]) == 6  # three reports, p50 and p95
    _check_loaded(tmp_path / "data" / "T")

    document = (docs / "performance.md").read_text()
    for title in (WORKLOADS[w] for w in MEASURED):
        section = document.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
        assert "| T |" in section, title
    svg = ET.fromstring((docs / "performance-scaling.svg").read_text())  # noqa: S314 - our file
    assert svg.tag.endswith("svg")


def _check_loaded(folder: Path) -> None:
    """Every stream row reached loaded.db, with the rows the plugins write around them."""

    def count(sql: str) -> int:
        return int(connection.execute(sql).fetchone()[0])

    summary = json.loads((folder / "summary.json").read_text())
    connection = sqlite3.connect(folder / "loaded.db")
    try:
        extra = summary["extra"]
        assert count("SELECT COUNT(*) FROM membership_membership") == extra["memberships"]
        assert (
            count("SELECT COUNT(*) FROM membership_term WHERE kind = 'join'")
            == (extra["memberships"])
        )
        assert count("SELECT COUNT(*) FROM membership_term WHERE kind = 'renew'") > 0
        # statuses come from the plugin's rules: some memberships have expired by now
        assert count("SELECT COUNT(DISTINCT status) FROM membership_membership") >= 2
        assert (
            count("SELECT COUNT(*) FROM volunteers_hours WHERE status = 'approved'")
            == (extra["hours"])
        )
        assert count("SELECT COUNT(*) FROM social_mention") == extra["mentions"]
        linked = count("SELECT COUNT(*) FROM social_mention WHERE constituent_id IS NOT NULL")
        timeline = "SELECT COUNT(*) FROM core_interaction WHERE interaction_type = 'social.mention'"
        assert count(timeline) == linked > 0
        assert count("SELECT SUM(mentions_total) FROM social_source") == extra["mentions"]
        assert count("SELECT COUNT(*) FROM donations_gift") == summary["gifts"]
        indexes = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'core_interaction_timeline'"
        assert count(indexes) == 1  # recreated after the bulk load
        assert count("SELECT COUNT(*) FROM sqlite_stat1") > 0  # analysed
    finally:
        connection.close()


def test_a_run_replaces_only_its_own_rows_of_the_document() -> None:
    """Result files are not kept in the repository: rows without one are carried over."""
    from bench.report import kept_rows, render

    def result(scale: str, workload: str, ours: float) -> dict[str, object]:
        figure = {"name": "figure", "unit": "ms", "ours": ours, "reference": None,
                  "reference_name": "", "target": "", "met": None, "note": ""}  # fmt: skip
        machine = {"cpu": "cpu", "cores": 2, "python": "3.11", "system": "Linux",
                   "load_average": [1.0, 1.0, 1.0]}  # fmt: skip
        return {"scale": scale, "workload": workload, "date": "2026-11-22T10:00:00",
                "machine": machine, "command": "make bench", "figures": [figure]}  # fmt: skip

    before = render([result("S", "search", 1.0), result("M", "search", 2.0),
                     result("S", "api", 3.0)])  # fmt: skip
    after = render([result("M", "search", 9.0)], before)
    assert set(kept_rows(after)) == {("search", "S"), ("search", "M"), ("api", "S")}
    assert kept_rows(after)[("search", "S")] == kept_rows(before)[("search", "S")]
    assert kept_rows(after)[("api", "S")] == kept_rows(before)[("api", "S")]
    assert "| 9.00 ms |" in kept_rows(after)[("search", "M")][0]
    section = after.split(f"## {WORKLOADS['search']}\n", 1)[1].split("\n## ", 1)[0]
    assert section.index("| S |") < section.index("| M |")  # scales stay in order

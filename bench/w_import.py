"""Workload 1: importing constituents and gifts, beside raw inserts and one-by-one creates."""

from __future__ import annotations

import csv
from itertools import islice
from pathlib import Path

from bench.env import run_child
from bench.fixture import copy_database, migrated_db, people_db
from bench.generate import ensure_generated
from bench.measure import RUNS, Figure, quick, ratio_at_least, value_at_most
from bench.scales import Scale

# Rows created one by one: the naive arm runs at tens of rows per second.
NAIVE_SAMPLE = int(quick(300, 20))
GIFT_SAMPLE = int(quick(1_000, 50))  # gifts imported per run through the per-row gift service
GIFTS_AT_L = 5_000_000
MEMORY_LIMIT_MB = 400


def _rate(result: dict[str, object]) -> float:
    if result.get("rejected"):
        raise RuntimeError(f"the import rejected {result['rejected']} rows of generated data")
    return float(result["rows"]) / float(result["seconds"])  # type: ignore[arg-type]


def constituents(scale: Scale) -> list[Figure]:
    """Our import, the raw-insert limit and the naive baseline, as rows per second."""
    ensure_generated(scale)
    source = scale.data_dir / "constituents.csv"
    logs = scale.results_dir / "logs"
    ours, rss, raw, naive = [], [], [], []
    reference = people_db(scale)
    for run in range(RUNS):
        target = copy_database(migrated_db(scale), scale.data_dir / "import-run.db")
        result, process = run_child(
            "bench.arms_import:ours", logs / f"import-ours-{run}.log",
            database=target, csv_path=source,
        )  # fmt: skip
        ours.append(_rate(result))
        rss.append(process.peak_rss_mb)
        target = copy_database(migrated_db(scale), scale.data_dir / "import-run.db")
        result, _ = run_child(
            "bench.arms_import:raw", logs / f"import-raw-{run}.log",
            database=target, source=reference,
        )  # fmt: skip
        raw.append(_rate(result))
        target = copy_database(migrated_db(scale), scale.data_dir / "import-run.db")
        result, _ = run_child(
            "bench.arms_import:naive", logs / f"import-naive-{run}.log",
            database=target, csv_path=source, sample=NAIVE_SAMPLE,
        )  # fmt: skip
        naive.append(_rate(result))
    vs_raw = Figure("constituent import", "rows/s", "higher", ours, "raw executemany", raw)
    ratio_at_least(vs_raw, 0.5)
    vs_naive = Figure(
        "constituent import", "rows/s", "higher", ours, "one-by-one service creates", naive,
        note=f"naive arm over the first {NAIVE_SAMPLE} rows",
    )  # fmt: skip
    ratio_at_least(vs_naive, 100)
    memory = Figure("constituent import peak memory", "MB", "lower", rss, "")
    value_at_most(memory, MEMORY_LIMIT_MB)
    memory.note = "peak RSS of the importing process (boot included)"
    return [vs_raw, vs_naive, memory]


def gift_sample(scale: Scale, rows: int = GIFT_SAMPLE) -> Path:
    """The first ``rows`` gifts of the scale's file (the per-row importer is slow at scale)."""
    path = scale.data_dir / f"gifts-sample-{rows}.csv"
    if not path.exists():
        with (scale.data_dir / "gifts.csv").open(encoding="utf-8", newline="") as source:
            lines = list(islice(csv.reader(source), rows + 1))
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerows(lines)
    return path


def gifts(scale: Scale) -> list[Figure]:
    """``steward import gifts`` beside raw inserts of the same gifts, and the 5M projection."""
    sample = gift_sample(scale)
    logs = scale.results_dir / "logs"
    ours, raw = [], []
    for run in range(RUNS):
        target = copy_database(people_db(scale), scale.data_dir / "gifts-run.db")
        result, _ = run_child(
            "bench.arms_import:gifts", logs / f"gifts-ours-{run}.log",
            database=target, csv_path=sample,
        )  # fmt: skip
        ours.append(_rate(result))
        target = copy_database(people_db(scale), scale.data_dir / "gifts-run.db")
        result, _ = run_child(
            "bench.arms_import:gifts_raw", logs / f"gifts-raw-{run}.log",
            database=target, csv_path=sample,
        )  # fmt: skip
        raw.append(_rate(result))
    rate = Figure(
        "gift import", "rows/s", "higher", ours, "raw executemany (gift + timeline rows)", raw,
        note=f"first {GIFT_SAMPLE} gifts of the file",
    )  # fmt: skip
    ratio_at_least(rate, 0.5)
    projected = Figure(
        "5M gifts imported (projected from the rate)", "s", "lower",
        [GIFTS_AT_L / r for r in ours], "raw executemany", [GIFTS_AT_L / r for r in raw],
    )  # fmt: skip
    value_at_most(projected, 40)
    projected.note = "rate x 5,000,000; not a measured 5M-row run"
    return [rate, projected]


def run(scale: Scale) -> list[Figure]:
    """Every import figure."""
    return constituents(scale) + gifts(scale)

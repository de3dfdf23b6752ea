"""Workload 1: importing constituents and gifts, beside raw inserts and one-by-one creates.

Every arm loads the same slice of the file (``bench/slices.py``): three runs of each over
the whole L file would not fit the command limit. The peak memory of the full-file import is
reported from the build of ``people.db``, where it was measured once.
"""

from __future__ import annotations

from bench.build import read_stages
from bench.env import run_child
from bench.fixture import copy_database, migrated_db
from bench.measure import RUNS, Figure, quick, ratio_at_least, value_at_most
from bench.scales import Scale
from bench.slices import Slice, import_slice, slice_people_db

# Rows created one by one: the naive arm runs at tens of rows per second.
NAIVE_SAMPLE = int(quick(300, 20))
GIFTS_AT_L = 5_000_000
MEMORY_LIMIT_MB = 400


def _rate(result: dict[str, object]) -> float:
    if result.get("rejected"):
        raise RuntimeError(f"the import rejected {result['rejected']} rows of generated data")
    return float(result["rows"]) / float(result["seconds"])  # type: ignore[arg-type]


def constituents(scale: Scale, piece: Slice) -> list[Figure]:
    """Our import, the raw-insert limit and the naive baseline, as rows per second."""
    source = piece.constituents
    logs = scale.results_dir / "logs"
    ours, rss, raw, naive = [], [], [], []
    reference = slice_people_db(scale, piece)
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
    vs_raw = Figure("constituent import", "rows/s", "higher", ours, "raw executemany", raw,
                    note=piece.label)  # fmt: skip
    ratio_at_least(vs_raw, 0.5)
    vs_naive = Figure(
        "constituent import", "rows/s", "higher", ours, "one-by-one service creates", naive,
        note=f"{piece.label}; naive arm over the first {NAIVE_SAMPLE} rows",
    )  # fmt: skip
    ratio_at_least(vs_naive, 100)
    memory = Figure("constituent import peak memory", "MB", "lower", rss, "")
    value_at_most(memory, MEMORY_LIMIT_MB)
    memory.note = f"peak RSS of the importing process (boot included), {piece.label}"
    return [vs_raw, vs_naive, memory, *_full_file_memory(scale)]


def _full_file_memory(scale: Scale) -> list[Figure]:
    """The full-file import's peak memory, measured once while building ``people.db``."""
    people = read_stages(scale.data_dir).get("people")
    if not people:
        return []
    memory = Figure("constituent import peak memory, whole file", "MB", "lower",
                    [float(people["peak_rss_mb"])], "")  # fmt: skip
    value_at_most(memory, MEMORY_LIMIT_MB)
    parts = int(people.get("parts", 1))
    in_parts = f" in {parts} parts (one process each; the largest peak)" if parts > 1 else ""
    memory.note = (
        f"{int(people['rows']):,} rows in {float(people['seconds']):,.0f} s{in_parts}, "
        "measured once while building people.db"
    )
    return [memory]


def gifts(scale: Scale, piece: Slice) -> list[Figure]:
    """``steward import gifts`` beside raw inserts of the same gifts, and the 5M projection."""
    logs = scale.results_dir / "logs"
    people = slice_people_db(scale, piece)
    ours, raw = [], []
    for run in range(RUNS):
        target = copy_database(people, scale.data_dir / "gifts-run.db")
        result, _ = run_child(
            "bench.arms_import:gifts", logs / f"gifts-ours-{run}.log",
            database=target, csv_path=piece.gifts,
        )  # fmt: skip
        ours.append(_rate(result))
        target = copy_database(people, scale.data_dir / "gifts-run.db")
        result, _ = run_child(
            "bench.arms_import:gifts_raw", logs / f"gifts-raw-{run}.log",
            database=target, csv_path=piece.gifts,
        )  # fmt: skip
        raw.append(_rate(result))
    rate = Figure(
        "gift import", "rows/s", "higher", ours, "raw executemany (gift + timeline rows)", raw,
        note=piece.gift_label,
    )  # fmt: skip
    ratio_at_least(rate, 0.5)
    projected = Figure(
        "5M gifts imported (projected from the rate)", "s", "lower",
        [GIFTS_AT_L / r for r in ours], "raw executemany", [GIFTS_AT_L / r for r in raw],
    )  # fmt: skip
    value_at_most(projected, 40)
    projected.note = f"projection: rate on the {piece.gift_label} x 5,000,000; not a 5M-row run"
    return [rate, projected]


def run(scale: Scale) -> list[Figure]:
    """The constituent import figures, over the scale's slice."""
    return constituents(scale, import_slice(scale))


def run_gifts(scale: Scale) -> list[Figure]:
    """The gift import figures, over the scale's slice (its own workload: at L the two
    together exceed one command's time limit)."""
    return gifts(scale, import_slice(scale))

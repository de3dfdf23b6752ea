"""Workload 5: LYBUNT, retention and RFM beside one hand-written SQL query each."""

from __future__ import annotations

from bench.env import run_child
from bench.measure import RUNS, Figure, ratio_at_most
from bench.scales import Scale
from bench.stages import loaded_db

LABELS = {"lybunt": "LYBUNT 2025", "retention": "retention 2024→2025", "rfm": "RFM scores"}


def run(scale: Scale) -> list[Figure]:
    """Seconds per report (median of the runs) and the ratio to its query."""
    database = loaded_db(scale)
    result, _ = run_child(
        "bench.arms_reports:reports", scale.results_dir / "logs" / "reports.log",
        database=database, runs=RUNS,
    )  # fmt: skip
    figures = []
    for key, label in LABELS.items():
        data = result[key]
        assert isinstance(data, dict)
        figure = Figure(
            f"{label} report", "ms", "lower", [s * 1000 for s in data["ours"]],
            "one hand-written SQL query", [s * 1000 for s in data["hand"]],
            note=f"{data['rows']} rows",
        )  # fmt: skip
        ratio_at_most(figure, 1.5)
        figures.append(figure)
    return figures

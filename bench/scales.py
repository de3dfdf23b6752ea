"""The data sizes: how many constituents each scale has, and where its files live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Scale:
    """One data size; ``T`` is a tiny scale for the test that proves the code runs."""

    name: str
    constituents: int
    gifts_per: float = 5.0
    interactions_per: float = 10.0
    years: int = 6

    @property
    def data_dir(self) -> Path:
        """Generated CSV files and databases for this scale (cached between runs)."""
        base = Path(os.environ.get("STEWARD_BENCH_DATA", ROOT / "var" / "bench"))
        return base / self.name

    @property
    def results_dir(self) -> Path:
        """Result JSON files for this scale."""
        return results_base() / self.name


def results_base() -> Path:
    """Where result files go (``STEWARD_BENCH_RESULTS`` overrides ``bench/results``)."""
    return Path(os.environ.get("STEWARD_BENCH_RESULTS", RESULTS_DIR))


SCALES: dict[str, Scale] = {
    "T": Scale("T", 200),
    "S": Scale("S", 10_000),
    "M": Scale("M", 250_000),
    "L": Scale("L", 1_000_000),
}


def scale_named(name: str) -> Scale:
    """The scale called ``name`` (T, S, M or L); ValueError otherwise."""
    try:
        return SCALES[name.upper()]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; use one of {', '.join(SCALES)}") from None

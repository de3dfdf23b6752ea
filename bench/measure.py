"""Repetition, medians, spread and percentiles; one measured figure beside its reference."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

RUNS = int(os.environ.get("STEWARD_BENCH_RUNS", "3"))
# Tiny samples and short load periods: only to prove the code works (the test suite).
QUICK = os.environ.get("STEWARD_BENCH_QUICK") == "1"
SPREAD_LIMIT = 0.10  # flag when (max - min) / median of the runs exceeds 10%


def quick(real: float, small: float) -> float:
    """``real``, or ``small`` in quick mode."""
    return small if QUICK else real


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile by the nearest-rank method."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def spread(values: Sequence[float]) -> float:
    """(max - min) / median: how much the repeated runs disagree."""
    middle = statistics.median(values)
    return (max(values) - min(values)) / middle if middle else 0.0


def repeat(work: Callable[[], float], runs: int = RUNS) -> list[float]:
    """Call ``work`` ``runs`` times; its returned figures, in order."""
    return [work() for _ in range(runs)]


@dataclass
class Figure:
    """One of our figures beside its reference, from repeated runs (medians compared).

    ``better`` says which direction is good ("higher" for rates, "lower" for times), so the
    ratio is always ours/reference and the target reads naturally ("≥ 0.5x", "≤ 1.5x").
    """

    name: str
    unit: str
    better: str  # "higher" | "lower"
    ours_runs: list[float]
    reference_name: str
    reference_runs: list[float] = field(default_factory=list)
    target: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ours(self) -> float:
        """The median of our runs."""
        return statistics.median(self.ours_runs)

    @property
    def reference(self) -> float | None:
        """The median of the reference runs (None when there is no reference arm)."""
        return statistics.median(self.reference_runs) if self.reference_runs else None

    @property
    def ratio(self) -> float | None:
        """ours / reference."""
        ref = self.reference
        return self.ours / ref if ref else None

    @property
    def noisy(self) -> bool:
        """True when either arm's runs spread by more than 10%."""
        arms = [self.ours_runs, self.reference_runs]
        return any(len(a) > 1 and spread(a) > SPREAD_LIMIT for a in arms)

    def as_json(self) -> dict[str, Any]:
        """Everything, with the medians, ratio and spread flag computed."""
        data = asdict(self)
        data.update(ours=self.ours, reference=self.reference, ratio=self.ratio, noisy=self.noisy)
        return data


def ratio_at_least(figure: Figure, minimum: float) -> None:
    """Set the target "ours ≥ minimum x reference" and whether it is met."""
    figure.target = f"≥ {minimum:g}x {figure.reference_name}"
    ratio = figure.ratio
    figure.met = None if ratio is None else ratio >= minimum


def ratio_at_most(figure: Figure, maximum: float) -> None:
    """Set the target "ours ≤ maximum x reference" (times) and whether it is met."""
    figure.target = f"≤ {maximum:g}x {figure.reference_name}"
    ratio = figure.ratio
    figure.met = None if ratio is None else ratio <= maximum


def value_at_most(figure: Figure, limit: float, also: str = "") -> None:
    """Set an absolute target "ours ≤ limit unit" and whether it is met."""
    figure.target = f"≤ {limit:g} {figure.unit}" + (f"; {also}" if also else "")
    figure.met = figure.ours <= limit


def machine() -> dict[str, Any]:
    """What the figures were measured on, including the load when the run started."""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((ln.split(":", 1)[1].strip() for ln in info if "model name" in ln), "")
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }

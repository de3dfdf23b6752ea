"""``python -m bench --scale S [--workload NAME]``: run workloads, write results and docs."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    report,
    w_admin,
    w_api,
    w_import,
    w_import_pg,
    w_report_pages,
    w_reports,
    w_search,
    w_writes,
)
from bench.budget import AGAIN, Budget
from bench.generation import generated_within
from bench.measure import Figure, machine
from bench.results import write_result
from bench.scales import Scale, scale_named
from bench.stages import bulk_within, loaded_within, people_within

WORKLOADS: dict[str, Callable[[Scale], list[Figure]]] = {
    "import": w_import.run,
    "import_gifts": w_import.run_gifts,
    "import_pg": w_import_pg.run,
    "search": w_search.run,
    "api": w_api.run,
    "admin": w_admin.run,
    "reports": w_reports.run,
    "report_pages": w_report_pages.run,
    "writes": w_writes.run,
}
# Build stages run as their own command work within a budget (see bench/budget.py).
BUILDS: dict[str, Callable[[Scale, Budget], Path | None]] = {
    "people": people_within,
    "bulk": bulk_within,
    "load": loaded_within,
}
STEPS = ("generate", *BUILDS, *WORKLOADS, "report")
NOT_FINISHED = 3  # exit status of a build stage that stopped at its budget: run it again


def run_workload(scale: Scale, name: str) -> None:
    """Run one workload and write its result file."""
    started = machine()
    begun = time.perf_counter()
    figures = WORKLOADS[name](scale)
    path = write_result(scale, name, figures, started)
    print(f"{name} at {scale.name}: {len(figures)} figures in {time.perf_counter() - begun:.0f} s"
          f" -> {path}")  # fmt: skip
    for f in figures:
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        met = {True: "met", False: "MISSED", None: ""}[f.met]
        noisy = " (noisy)" if f.noisy else ""
        print(f"  {f.name}: {f.ours:.4g} {f.unit} vs {f.reference_name or '-'} "
              f"{f.reference or 0:.4g}  ratio {ratio}  {f.target} {met}{noisy}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run the chosen steps."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", default="S", help="T (tiny), S, M or L")
    parser.add_argument("--workload", default="all", choices=["all", *STEPS])
    parser.add_argument(
        "--docs", type=Path, default=None,
        help="write performance.md and the chart to this folder instead of docs/ "
        "(the tiny scale T is then included)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    scale = scale_named(args.scale)
    if args.workload == "generate":
        summary = generated_within(scale, Budget.from_environment())
        if summary is None:
            print(f"generate {scale.name}: {AGAIN}")
            return NOT_FINISHED
        print(f"{summary.constituents} constituents ({summary.duplicates} planted duplicates), "
              f"{summary.gifts} gifts, {summary.interactions} interactions")  # fmt: skip
        return 0
    if args.workload in BUILDS:
        path = BUILDS[args.workload](scale, Budget.from_environment())
        print(path or f"{args.workload} {scale.name}: {AGAIN}")
        return 0 if path else NOT_FINISHED
    if args.workload != "report":
        names = list(WORKLOADS) if args.workload == "all" else [args.workload]
        for name in names:
            run_workload(scale, name)
    if args.docs is None:
        report.regenerate()
        print(f"wrote {report.DOC} and {report.CHART}")
    else:
        args.docs.mkdir(parents=True, exist_ok=True)
        doc, svg = args.docs / report.DOC.name, args.docs / report.CHART.name
        report.regenerate(doc, svg, tiny=True)
        print(f"wrote {doc} and {svg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

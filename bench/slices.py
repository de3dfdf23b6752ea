"""The import slice: a fixed head of the generated files that every import arm loads.

Import arms are linear in the file, and three runs of each over the L file (1M rows) would
not fit a 10-minute command, so they all load the same slice: the first
:data:`SLICE_CONSTITUENTS` constituents of ``constituents.csv`` and the first
:data:`SLICE_GIFTS` gifts of ``gifts.csv`` whose donors are in that slice (the whole file
when it is smaller, as at S). The full-file import is measured once, while ``people.db`` is
built (see :func:`bench.stages.people_db`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from bench.env import run_child
from bench.fixture import copy_database, migrated_db
from bench.generation import ensure_generated
from bench.measure import quick
from bench.scales import Scale

SLICE_CONSTITUENTS = int(quick(100_000, 80))
SLICE_GIFTS = int(quick(200_000, 100))


@dataclass(frozen=True)
class Slice:
    """The slice files of one scale and how many rows each holds."""

    constituents: Path
    people: int
    gifts: Path
    gift_rows: int

    @property
    def label(self) -> str:
        """How the table rows name the constituent slice."""
        return f"first {self.people:,} constituents of the file"

    @property
    def gift_label(self) -> str:
        """How the table rows name the gift slice."""
        return f"first {self.gift_rows:,} gifts of the file, into the slice's people"


def _write(path: Path, rows: list[list[str]]) -> None:
    building = path.with_suffix(".building")
    with building.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    building.rename(path)


def import_slice(scale: Scale) -> Slice:
    """The scale's slice files (written once, cached beside the generated files)."""
    ensure_generated(scale)
    folder = scale.data_dir
    people = folder / f"slice-constituents-{SLICE_CONSTITUENTS}.csv"
    gifts = folder / f"slice-gifts-{SLICE_CONSTITUENTS}-{SLICE_GIFTS}.csv"
    if not people.exists():
        with (folder / "constituents.csv").open(encoding="utf-8", newline="") as source:
            _write(people, list(islice(csv.reader(source), SLICE_CONSTITUENTS + 1)))
    if not gifts.exists():
        last = f"C{SLICE_CONSTITUENTS:07d}"
        with (folder / "gifts.csv").open(encoding="utf-8", newline="") as source:
            reader = csv.reader(source)
            header = next(reader)
            donor = header.index("donor_external_id")
            inside = (row for row in reader if row[donor] <= last)
            _write(gifts, [header, *islice(inside, SLICE_GIFTS)])
    return Slice(people, _count(people), gifts, _count(gifts))


def _count(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def slice_people_db(scale: Scale, piece: Slice) -> Path:
    """A migrated database with the slice's constituents imported by our importer (cached):
    the source of the raw arms and the starting point of the gift arms."""
    path = scale.data_dir / f"slice-people-{piece.people}.db"
    if not path.exists():
        building = copy_database(migrated_db(scale), scale.data_dir / "slice-people.building.db")
        result, _ = run_child(
            "bench.arms_import:ours", scale.results_dir / "logs" / "slice-people.log",
            database=building, csv_path=piece.constituents,
        )  # fmt: skip
        if result.get("rejected"):
            raise RuntimeError(f"the import rejected {result['rejected']} rows of the slice")
        building.rename(path)
    return path

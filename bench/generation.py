"""Writing a scale's generated files, resumably, and keeping them cached.

:func:`generate` streams :mod:`bench.generate`'s rows into one CSV file per kind. Every
:data:`CHECKPOINT_EVERY` constituents it writes the buffers out and keeps a checkpoint
(``generate.checkpoint.pickle``): the generator's random state, the counts and each file's
length. Under a :class:`~bench.budget.Budget` it stops at a checkpoint once the budget is
spent; the next call truncates the files to the recorded lengths and goes on from there,
so the files are byte-identical to a single pass (a test checks it).

:func:`ensure_generated` regenerates a scale's files when the generator's code changed, and
removes what was built from them only when their contents changed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import pickle
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench.budget import Budget
from bench.draw import Draw
from bench.generate import (
    CONSTITUENT_COLUMNS,
    EXTRA_STREAMS,
    GIFT_COLUMNS,
    INTERACTION_COLUMNS,
    SEED,
    Generator,
    Row,
    Summary,
    code_version,
    progress_line,
    stream_draws,
    write_rows,
)
from bench.scales import Scale

FLUSH_EVERY = 2_000  # constituents between buffered writes
CHECKPOINT_EVERY = 50_000  # constituents between checkpoints (about 30 s at L)
CHECKPOINT = "generate.checkpoint.pickle"
PREVIOUS = "generate.previous.json"  # digests of the files being replaced
# What is built from the generated files (removed when their contents change).
BUILT = ("*.db", "*.db-*", "slice-*.csv", "*-part.csv", "*.progress.json")


@dataclass
class _State:
    """Everything needed to go on writing the files after a stop."""

    version: str
    seed: int
    next_number: int
    generator: Generator
    draws: dict[str, Draw]
    summary: Summary
    sizes: dict[str, int]


def _columns() -> dict[str, Sequence[str]]:
    columns: dict[str, Sequence[str]] = {
        "constituents": CONSTITUENT_COLUMNS,
        "gifts": GIFT_COLUMNS,
        "interactions": INTERACTION_COLUMNS,
        "duplicates": ("external_id", "original_external_id"),
    }
    for stream in EXTRA_STREAMS:
        columns[stream.name] = stream.columns
    return columns


def _fresh(scale: Scale, seed: int) -> _State:
    summary = Summary(version=code_version(), extra={s.name: 0 for s in EXTRA_STREAMS})
    return _State(summary.version, seed, 1, Generator(scale, seed), stream_draws(seed), summary, {})


def _resumed(folder: Path, seed: int, scale: Scale) -> _State | None:
    """The checkpoint of an unfinished pass with the same code, seed and scale."""
    path = folder / CHECKPOINT
    if not path.exists():
        return None
    state = pickle.loads(path.read_bytes())  # noqa: S301 - written by this module, locally
    if not isinstance(state, _State):
        return None
    same = state.version == code_version() and state.seed == seed
    return state if same and state.generator.scale == scale else None


def _save(folder: Path, state: _State) -> None:
    temporary = folder / f"{CHECKPOINT}.writing"
    temporary.write_bytes(pickle.dumps(state))
    temporary.replace(folder / CHECKPOINT)


def _open(paths: Mapping[str, Path], state: _State) -> dict[str, IO[str]]:
    """The files to append to: new ones with their header, or resumed ones cut back to the
    length they had at the checkpoint."""
    if not state.sizes:
        return {k: p.open("w", encoding="utf-8", newline="") for k, p in paths.items()}
    for key, path in paths.items():
        os.truncate(path, state.sizes[key])
    return {k: p.open("a", encoding="utf-8", newline="") for k, p in paths.items()}


def generate(
    scale: Scale,
    out_dir: Path | None = None,
    seed: int = SEED,
    budget: Budget | None = None,
    checkpoint_every: int = CHECKPOINT_EVERY,
) -> Summary | None:
    """Write (or go on writing) the scale's CSV files; their counts and digests when done,
    ``None`` when the budget ran out first (call again to go on)."""
    import bench.streams  # noqa: F401 - registers the plugin streams

    folder = out_dir or scale.data_dir
    folder.mkdir(parents=True, exist_ok=True)
    budget = budget or Budget.unlimited()
    columns = _columns()
    paths = {key: folder / f"{key}.csv" for key in columns}
    state = _resumed(folder, seed, scale) or _fresh(scale, seed)
    seconds_before, begun = state.summary.seconds, time.perf_counter()
    handles = _open(paths, state)
    writers = {k: csv.writer(h, lineterminator="\n") for k, h in handles.items()}
    buffers: dict[str, list[Row]] = {k: [] for k in handles}
    if not state.sizes:
        for key, writer in writers.items():
            writer.writerow(columns[key])

    def flush() -> None:
        for key, rows in buffers.items():
            writers[key].writerows(rows)
            rows.clear()

    def pause(number: int) -> bool:
        flush()
        state.summary.seconds = round(seconds_before + time.perf_counter() - begun, 1)
        progress_line(scale, number, state.summary.seconds)
        if number % checkpoint_every:
            return False
        for handle in handles.values():
            handle.flush()
        state.sizes = {k: os.fstat(h.fileno()).st_size for k, h in handles.items()}
        state.next_number = number + 1
        _save(folder, state)
        return budget.expired()

    try:
        stopped_at = write_rows(
            state.generator, buffers, state.summary, state.draws, state.next_number, pause,
            math.gcd(FLUSH_EVERY, checkpoint_every),
        )  # fmt: skip
        flush()
    finally:
        for handle in handles.values():
            handle.close()
    if stopped_at is not None:
        return None
    summary = state.summary
    summary.digests = {key: _digest(path) for key, path in paths.items()}
    summary.seconds = round(seconds_before + time.perf_counter() - begun, 1)
    (folder / "summary.json").write_text(json.dumps(summary.__dict__, indent=2) + "\n")
    (folder / CHECKPOINT).unlink(missing_ok=True)
    return summary


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


def ensure_generated(scale: Scale) -> Summary:
    """The scale's files, generated to the end unless an up-to-date copy is cached."""
    summary = generated_within(scale, Budget.unlimited())
    if summary is None:  # pragma: no cover - an unlimited budget never runs out
        raise RuntimeError("generation stopped without a budget")
    return summary


def generated_within(scale: Scale, budget: Budget) -> Summary | None:
    """The scale's files, generated (or generation continued) within ``budget``.

    Files from other generator code are written again; what was built from them (databases,
    import slices, build progress) is removed only if their contents changed. ``None`` when
    the budget ran out before the files were complete (call again to go on).
    """
    folder = scale.data_dir
    marker = folder / "summary.json"
    if marker.exists():
        data = json.loads(marker.read_text())
        if data.get("constituents") == scale.constituents and data.get("version") == code_version():
            return Summary(**data)
        if not (folder / PREVIOUS).exists():
            (folder / PREVIOUS).write_text(json.dumps(data.get("digests", {})) + "\n")
        marker.unlink()
    summary = generate(scale, budget=budget)
    if summary is None:
        return None
    previous = folder / PREVIOUS
    if not previous.exists() or json.loads(previous.read_text()) != summary.digests:
        for pattern in BUILT:
            for path in folder.glob(pattern):
                path.unlink()
    previous.unlink(missing_ok=True)
    return summary

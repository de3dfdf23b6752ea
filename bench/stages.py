"""The benchmark databases of a scale, one cached stage each under ``var/bench/<scale>/``.

* ``people.db``: the constituents file imported by ``steward import constituents``'s service,
  in parts of :data:`PEOPLE_PART_ROWS` rows, each in its own process (times and the largest
  part's peak memory are kept in ``build.json``).
* ``bulk.db``: people plus every gift, interaction, membership, hours entry and mention,
  inserted in bulk with fsync off and non-unique indexes rebuilt after (building it is not
  what the workloads measure; see ``bench/build.py`` and ``bench/plugin_data.py``).
* ``loaded.db``: bulk plus donor rollups rebuilt, membership statuses computed by the
  plugin's rules, and an administrator whose API token is kept in ``credentials.json``.

Each stage is its own command (``python -m bench --workload people|bulk|load``) and prints
its progress on standard error. ``people`` and ``bulk`` work in parts under a
:class:`~bench.budget.Budget`: run as their own command they stop between parts when the
budget is spent, and the same command goes on from the last finished part. Needed by a
workload, they run to the end.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from bench import plugin_data
from bench.budget import AGAIN, Budget, Progress
from bench.build import (
    build_connection,
    counted,
    create_indexes,
    drop_indexes,
    droppable_indexes,
    finish_build,
    record_stage,
    say,
    stage,
    watching,
)
from bench.env import booted, run_child, run_steward, sqlite_url
from bench.fixture import (
    INTERACTION_SQL,
    chunks,
    copy_database,
    external_ids,
    gift_rows,
    insert_gifts,
    interaction_rows,
    migrated_db,
)
from bench.generation import ensure_generated, generated_within
from bench.scales import Scale

ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "a long benchmark password 123"  # noqa: S105 - local benchmark database
PEOPLE_PART_ROWS = 125_000  # about 2 minutes of importing on this machine when idle, 5 when busy
BULK_TABLES = (
    "donations_gift", "core_interaction", "membership_membership", "membership_term",
    "volunteers_hours", "social_mention", "social_handle",
)  # fmt: skip


def _stopped(label: str, done: int, total: int) -> None:
    say(f"{label}: {done} of {total} parts done; {AGAIN}")


# -- people ---------------------------------------------------------------------------------


def people_db(scale: Scale) -> Path:
    """The people database, built to the end if it is not cached."""
    return _finished(people_within(scale, Budget.unlimited()))


def _finished(path: Path | None) -> Path:
    if path is None:  # pragma: no cover - an unlimited budget never runs out
        raise RuntimeError("a build stage stopped without a budget")
    return path


def _write_part(scale: Scale, part: int, rows: int, target: Path) -> Path:
    """The ``part``-th slice of ``rows`` rows of ``constituents.csv`` (with its header) as its
    own file; the whole file when it has a single part."""
    source = scale.data_dir / "constituents.csv"
    if scale.constituents <= rows:
        return source
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        start = part * rows
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(islice(reader, start, start + rows))
    return target


def people_within(scale: Scale, budget: Budget) -> Path | None:
    """Import the constituents into ``people.db`` part by part, within ``budget``.

    After each part but the last, the database is copied aside (``people.after-<n>.db``) and
    the progress file names that copy; a command killed during a part starts again from it.
    """
    folder = scale.data_dir
    path = folder / "people.db"
    if path.exists():
        return path
    if generated_within(scale, budget) is None:
        return None
    building = folder / "people.building.db"
    progress = Progress(folder / "people.progress.json")
    if not progress.started:
        progress.save(part_rows=PEOPLE_PART_ROWS)  # kept: a later command uses the same parts
    part_rows = int(progress.get("part_rows"))
    parts = -(-scale.constituents // part_rows)
    if progress.get("parts_done") is None or progress.get("running") is not None:
        checkpoint = progress.get("checkpoint")
        copy_database(folder / checkpoint if checkpoint else migrated_db(scale), building)
    label = f"people {scale.name}: importing constituents.csv (our importer)"
    for part in range(int(progress.get("parts_done", 0)), parts):
        if not budget.allows_another():
            _stopped(label, part, parts)
            return None
        progress.save(running=part)
        csv_path = _write_part(scale, part, part_rows, folder / "people-part.csv")
        seconds = _import_part(scale, part + 1, csv_path, building, progress)
        budget.part_took(seconds)
        if part + 1 < parts:
            _keep_checkpoint(folder, building, part + 1, progress)
    record_stage(folder, "people", seconds=progress.get("seconds"), rows=progress.get("rows"),
                 peak_rss_mb=progress.get("peak_rss_mb"), parts=parts)  # fmt: skip
    building.rename(path)
    _clean_people(folder, progress)
    return path


def _import_part(scale: Scale, number: int, csv_path: Path, building: Path,
                 progress: Progress) -> float:  # fmt: skip
    """One part through our importer in its own process; returns its seconds."""
    label = f"people {scale.name}: importing constituents.csv (our importer)"
    total = scale.constituents
    with stage(f"{label}, part {number}") as timer, watching(building, "core_constituent",
                                                               total, label):  # fmt: skip
        result, run = run_child(
            "bench.arms_import:ours", scale.data_dir / "people-import.log",
            database=building, csv_path=csv_path,
        )  # fmt: skip
    if result.get("rejected"):
        raise RuntimeError(f"import rejected {result['rejected']} rows")
    progress.save(
        seconds=round(float(progress.get("seconds", 0.0)) + timer.seconds, 1),
        rows=int(progress.get("rows", 0)) + int(str(result["rows"])),
        peak_rss_mb=round(max(float(progress.get("peak_rss_mb", 0.0)), run.peak_rss_mb), 1),
    )
    return timer.seconds


def _keep_checkpoint(folder: Path, building: Path, parts_done: int, progress: Progress) -> None:
    """Copy the database aside, then record the part as done (in that order)."""
    name = f"people.after-{parts_done}.db"
    copy_database(building, folder / name)
    old = progress.get("checkpoint")
    progress.save(parts_done=parts_done, running=None, checkpoint=name)
    if old:
        (folder / old).unlink(missing_ok=True)


def _clean_people(folder: Path, progress: Progress) -> None:
    for leftover in (progress.get("checkpoint"), "people-part.csv"):
        if leftover:
            (folder / leftover).unlink(missing_ok=True)
    progress.remove()


# -- bulk -----------------------------------------------------------------------------------

BulkStep = Callable[[sqlite3.Connection, Path, Progress], None]


def _drop(connection: sqlite3.Connection, folder: Path, progress: Progress) -> None:
    if progress.get("dropped_indexes") is None:  # listed once, before any is dropped
        progress.save(dropped_indexes=droppable_indexes(connection, BULK_TABLES))
    drop_indexes(connection, progress.get("dropped_indexes"))


def _gifts(connection: sqlite3.Connection, folder: Path, progress: Progress) -> None:
    rows = gift_rows(folder / "gifts.csv", external_ids(connection))
    insert_gifts(connection, counted(rows, "gifts"))


def _interactions(connection: sqlite3.Connection, folder: Path, progress: Progress) -> None:
    rows = interaction_rows(folder / "interactions.csv", external_ids(connection))
    for chunk in chunks(counted(rows, "interactions")):
        connection.executemany(INTERACTION_SQL, chunk)


def _plugin_rows(connection: sqlite3.Connection, folder: Path, progress: Progress) -> None:
    ids = external_ids(connection)
    plugin_data.load_memberships(connection, folder / "memberships.csv", ids)
    plugin_data.load_hours(connection, folder / "hours.csv", ids)
    plugin_data.load_mentions(connection, folder / "mentions.csv", ids)


def _indexes(connection: sqlite3.Connection, folder: Path, progress: Progress) -> None:
    create_indexes(connection, progress.get("dropped_indexes", []))


def _finish(connection: sqlite3.Connection, folder: Path, progress: Progress) -> None:
    finish_build(connection)


# Each step commits on its own, with the count of steps done (the file's ``user_version``)
# in the same transaction; a step killed midway is rolled back by the file's journal. The
# index steps are statements SQLite commits one by one, and are safe to repeat.
BULK_STEPS: tuple[tuple[str, BulkStep], ...] = (
    ("drop indexes", _drop),
    ("gifts", _gifts),
    ("interactions", _interactions),
    ("memberships, hours and mentions", _plugin_rows),
    ("recreate indexes", _indexes),
    ("statistics and WAL", _finish),
)


def bulk_db(scale: Scale) -> Path:
    """The bulk database, built to the end if it is not cached."""
    return _finished(bulk_within(scale, Budget.unlimited()))


def bulk_within(scale: Scale, budget: Budget) -> Path | None:
    """Insert the gifts, interactions and plugin rows into a copy of ``people.db``, step by
    step (:data:`BULK_STEPS`), within ``budget``."""
    folder = scale.data_dir
    path = folder / "bulk.db"
    if path.exists():
        return path
    people = people_within(scale, budget)
    if people is None:
        return None
    building = folder / "bulk.building.db"
    progress = Progress(folder / "bulk.progress.json")
    if not progress.started:
        copy_database(people, building)
        asyncio.run(_reference_rows(building))
        progress.save(seconds=0.0, user_version=_user_version(building))
    connection = build_connection(building)
    try:
        done = _bulk_steps(connection, scale, budget, progress)
        if done:
            connection.execute(f"PRAGMA user_version = {int(progress.get('user_version'))}")
    finally:
        connection.close()
    if not done:
        return None
    record_stage(folder, "bulk", seconds=progress.get("seconds"))
    building.rename(path)
    progress.remove()
    return path


def _user_version(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def _bulk_steps(
    connection: sqlite3.Connection, scale: Scale, budget: Budget, progress: Progress
) -> bool:
    """Run the steps not done yet while the budget allows; whether all are done."""
    label, base = f"bulk {scale.name}", int(progress.get("user_version"))
    first = int(connection.execute("PRAGMA user_version").fetchone()[0]) - base
    for number in range(first, len(BULK_STEPS)):
        if not budget.allows_another():
            _stopped(label, number, len(BULK_STEPS))
            return False
        name, step = BULK_STEPS[number]
        begun = time.perf_counter()
        with stage(f"{label}: {name}"), connection:
            step(connection, scale.data_dir, progress)
            connection.execute(f"PRAGMA user_version = {base + number + 1}")
        seconds = time.perf_counter() - begun
        budget.part_took(seconds)
        progress.save(seconds=round(float(progress.get("seconds")) + seconds, 1))
    return True


async def _reference_rows(path: Path) -> None:
    async with booted(sqlite_url(path)):
        await plugin_data.create_reference_rows()


# -- loaded ---------------------------------------------------------------------------------


def loaded_within(scale: Scale, budget: Budget) -> Path | None:
    """``loaded.db`` once the stages before it are done (it is one step, about 5 minutes at
    L: it starts only when the budget has room for it)."""
    if bulk_within(scale, budget) is None:
        return None
    late = budget.seconds is not None and budget.spent > budget.seconds / 2
    if late and not (scale.data_dir / "loaded.db").exists():
        say(f"load {scale.name}: {AGAIN}")
        return None
    return loaded_db(scale)


def loaded_db(scale: Scale) -> Path:
    """The bulk database with donor rollups rebuilt, membership statuses computed and an
    administrator (cached)."""
    ensure_generated(scale)
    path = scale.data_dir / "loaded.db"
    if path.exists():
        return migrated_to_code(path)
    building = copy_database(bulk_db(scale), scale.data_dir / "loaded.building.db")
    migrated_to_code(building)  # the earlier stages may predate the code's last migration
    with stage(f"loaded {scale.name}: donor rollups, membership statuses, administrator") as t:
        statuses = asyncio.run(_load(scale, building))
        connection = sqlite3.connect(building)
        try:
            with connection:
                plugin_data.apply_statuses(connection, statuses)
            connection.execute("ANALYZE")
        finally:
            connection.close()
    record_stage(scale.data_dir, "loaded", seconds=round(t.seconds, 1))
    building.rename(path)
    _UP_TO_DATE.add(path)
    return path


_UP_TO_DATE: set[Path] = set()


def migrated_to_code(path: Path) -> Path:
    """``steward migrate`` on a cached database, once per process: a database built by older
    code gets the migrations added since (their data steps included) instead of failing the
    workload's start-up check."""
    if path not in _UP_TO_DATE:
        with stage(f"steward migrate {path.name}"):
            run_steward(sqlite_url(path), "migrate")
        _UP_TO_DATE.add(path)
    return path


async def _load(scale: Scale, path: Path) -> list[tuple[str, bool, int]]:
    from core.auth import service
    from plugins.donations import rollups

    async with booted(sqlite_url(path)):
        with stage("donor rollups (rollups.recompute_all)") as timer:
            await rollups.recompute_all()
        record_stage(scale.data_dir, "rollups", seconds=round(timer.seconds, 1))
        statuses = await plugin_data.membership_statuses()
        user_id = await service.create_user(ADMIN_EMAIL, password=ADMIN_PASSWORD, roles=["admin"])
        token = await service.create_api_token(user_id, "benchmark", [])
    credentials = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "token": token.secret}
    (scale.data_dir / "credentials.json").write_text(json.dumps(credentials) + "\n")
    return statuses


def credentials(scale: Scale) -> dict[str, str]:
    """The administrator of ``loaded.db``: email, password and API token."""
    loaded_db(scale)
    data: dict[str, str] = json.loads((scale.data_dir / "credentials.json").read_text())
    return data

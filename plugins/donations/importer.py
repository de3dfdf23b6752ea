"""``steward import gifts FILE.csv``: gifts from a spreadsheet, set-based, each bad row reported.

Columns: ``donor_id`` or ``donor_external_id``; ``amount`` (major units, e.g. ``12.50``);
``currency`` (default: the organisation's); ``gift_date`` (ISO; default today); optional
``payment_method``, ``fund_code``, ``campaign_code``, ``appeal_code``, ``external_id``
(makes re-imports idempotent), ``notes``.

The file is read in batches of :data:`BATCH_ROWS`. A batch's rows are checked in Python
with one lookup per kind of reference (:mod:`plugins.donations.import_rows`); rows whose
``external_id`` is already stored with the same donor and amount are skipped (and counted
as recorded, as before), others with that id are refused. The good rows are written in one
transaction: gifts, fund splits and timeline items with ``executemany``, one audit entry
and one ``donations.gifts_imported`` event for the batch, and the batch's donors' rollups
rebuilt set-based. Bad rows never hold back good ones; if the database still refuses a
batch, it is retried in halves so only the offending rows are reported.
"""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import click

from core import audit, db
from core.dataio.importer import DATABASE_ERRORS
from core.events import emit, unit_of_work
from plugins.donations import rollup_rebuild
from plugins.donations.common import PLUGIN, org
from plugins.donations.gift_store import GIFT_COLUMNS
from plugins.donations.gifts import INTERACTION_TYPE
from plugins.donations.import_rows import (
    ImportRow,
    ReadyGift,
    References,
    RowRejectedError,
    StoredGift,
    check_row,
    conflict_message,
    stored_gifts,
)

BATCH_ROWS = 5_000
ProgressCallback = Callable[[int, int], None]

_INSERT_GIFT = (
    f"INSERT INTO donations_gift (id, {', '.join(GIFT_COLUMNS)}, created_at, updated_at) "
    f"VALUES ({', '.join('{}' for _ in range(len(GIFT_COLUMNS) + 3))})"
)
_INSERT_SPLIT = (
    "INSERT INTO donations_gift_split (gift_id, fund_id, amount_minor) VALUES ({}, {}, {})"
)
_INSERT_TIMELINE = (
    "INSERT INTO core_interaction (constituent_id, interaction_type, channel, direction, "
    "purpose, subject, body, initiated_by, occurred_at, follow_up_status, source_plugin, "
    "payload, external_ref, created_at, updated_at) VALUES "
    "({}, {}, 'other', 'inbound', '', {}, '', 'constituent', {}, 'none', {}, {}, {}, {}, {})"
)


@dataclass
class GiftImportReport:
    """Rows read, gifts recorded (new or already there) and the rejected rows (line, message)."""

    rows: int = 0
    recorded: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    already_recorded: int = 0  # rows skipped: their external id was imported before
    import_id: str = field(default_factory=lambda: uuid.uuid4().hex)


async def _reserve_gift_ids(count: int) -> list[int]:
    """``count`` new gift ids; inside the batch's transaction (SQLite holds the write lock)."""
    if db.is_sqlite():
        highest = await db.fetch_value("SELECT COALESCE(MAX(id), 0) AS m FROM donations_gift")
        return list(range(int(highest) + 1, int(highest) + 1 + count))
    rows = await db.fetch_all(
        "SELECT nextval(pg_get_serial_sequence('donations_gift', 'id')) AS id "
        "FROM generate_series(1, CAST({} AS INTEGER))",
        count,
    )
    return sorted(int(r["id"]) for r in rows)


# Gift columns that are not GiftIn fields (a missing pydantic attribute is slow to ask for).
_DERIVED: dict[str, Any] = {"fiscal_year": None, "batch_id": None}
# dump_payload's format (sorted keys, no spaces) with one encoder instead of one per call.
_PAYLOAD = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def _occurred_at(day: date, seen: dict[date, datetime]) -> datetime:
    # As gifts._occurred: noon of the gift date in the organisation's time zone.
    if day not in seen:
        seen[day] = datetime.combine(day, time(12), tzinfo=org().zone).astimezone(UTC)
    return seen[day]


def _rows_to_write(
    ready: list[ReadyGift], ids: list[int], now: datetime
) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    gifts, splits, timeline = [], [], []
    noons: dict[date, datetime] = {}
    for gift_id, item in zip(ids, ready, strict=True):
        gift = item.gift
        fields = {**gift.__dict__, **_DERIVED, "gift_date": item.gift_date}
        fields["fiscal_year"] = item.fiscal_year
        gifts.append([gift_id, *(fields[c] for c in GIFT_COLUMNS), now, now])
        if item.fund_id is not None:
            splits.append([gift_id, item.fund_id, gift.amount_minor])
        payload = {
            "gift_id": gift_id,
            "amount_minor": gift.amount_minor,
            "currency": gift.currency,
            "status": gift.status,
            "payment_method": gift.payment_method,
        }
        noon = _occurred_at(item.gift_date, noons)
        timeline.append(
            [gift.donor_id, INTERACTION_TYPE, f"Gift {gift_id}", noon, PLUGIN,
             _PAYLOAD.encode(payload), f"gift:{gift_id}", now, now]
        )  # fmt: skip
    return gifts, splits, timeline


async def _write(ready: list[ReadyGift], report: GiftImportReport) -> None:
    """Insert the batch's gifts in one transaction with its audit entry, event and rollups."""
    now = datetime.now(UTC)
    async with unit_of_work():
        ids = await _reserve_gift_ids(len(ready))
        gifts, splits, timeline = _rows_to_write(ready, ids, now)
        await db.execute_many(_INSERT_GIFT, gifts)
        await db.execute_many(_INSERT_SPLIT, splits)
        await db.execute_many(_INSERT_TIMELINE, timeline)
        donors = sorted({item.gift.donor_id for item in ready})
        await rollup_rebuild.rebuild_donors(donors)
        summary = {
            "import_id": report.import_id,
            "first_line": ready[0].line,
            "last_line": ready[-1].line,
            "recorded": len(ready),
            "gift_ids": ids,
        }
        await audit.record_change(
            "import", "donations_gift_import", report.import_id, after=summary
        )
        await emit("donations.gifts_imported", {**summary, "donor_ids": donors})


async def _commit(ready: list[ReadyGift], report: GiftImportReport) -> None:
    """Write; when the database refuses the batch, retry halves to find the bad rows."""
    if not ready:
        return
    try:
        await _write(ready, report)
    except DATABASE_ERRORS as exc:
        if len(ready) == 1:
            report.errors.append((ready[0].line, f"the database refused the row: {exc}".strip()))
            return
        half = len(ready) // 2
        await _commit(ready[:half], report)
        await _commit(ready[half:], report)
        return
    report.recorded += len(ready)


def _duplicate(item: ReadyGift, known: dict[str, StoredGift], report: GiftImportReport) -> bool:
    """True when the row is a gift already recorded (skipped); raises for a conflict."""
    external = item.gift.external_id
    stored = known.get(external) if external is not None else None
    if stored is None:
        if external is not None:  # a later row of this file with the same id repeats it
            known[external] = StoredGift(item.gift.donor_id, item.gift.amount_minor)
        return False
    assert external is not None
    if (stored.donor_id, stored.amount_minor) != (item.gift.donor_id, item.gift.amount_minor):
        raise RowRejectedError(conflict_message(external, stored))
    report.already_recorded += 1
    report.recorded += 1
    return True


async def _import_batch(rows: list[ImportRow], report: GiftImportReport) -> None:
    refs = await References.load(rows)
    checked: list[ReadyGift] = []
    for row in rows:
        try:
            checked.append(check_row(row, refs))
        except RowRejectedError as exc:
            report.errors.append((row.line, str(exc)))
    known = await stored_gifts(g.gift.external_id for g in checked if g.gift.external_id)
    ready = []
    for item in checked:
        try:
            if not _duplicate(item, known, report):
                ready.append(item)
        except RowRejectedError as exc:
            report.errors.append((item.line, str(exc)))
    await _commit(ready, report)


def _batches(handle: Any) -> Iterator[list[ImportRow]]:
    batch: list[ImportRow] = []
    for line, values in enumerate(csv.DictReader(handle), start=2):
        batch.append(ImportRow(line, values))
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


async def import_gifts(path: Path, progress: ProgressCallback | None = None) -> GiftImportReport:
    """Record every valid row of a CSV file; report the others.

    ``progress(bytes_read, total_bytes)`` is called after each batch.
    """
    report = GiftImportReport()
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        total = os.fstat(raw.fileno()).st_size
        for batch in _batches(text):
            report.rows += len(batch)
            await _import_batch(batch, report)
            if progress:
                progress(min(raw.tell(), total), total)
    report.errors.sort()
    return report


@click.command("gifts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_gifts_command(file: Path) -> None:
    """Import gifts from a CSV file; exits with status 1 when any row was rejected."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from core.cli.base import run_async

    size = file.stat().st_size

    async def work(_: Any) -> GiftImportReport:
        columns = [
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
        ]
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task("Importing gifts", total=size)
            return await import_gifts(
                file, lambda done, total: bar.update(task, completed=done, total=total)
            )

    report: GiftImportReport = run_async(work)
    for line, message in report.errors[:200]:
        click.echo(f"line {line}: {message}", err=True)
    click.echo(
        f"{report.recorded} of {report.rows} row(s) recorded "
        f"({report.already_recorded} already there), {len(report.errors)} rejected"
    )
    if report.errors:
        raise SystemExit(1)

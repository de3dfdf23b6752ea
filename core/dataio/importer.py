"""``import_constituents``: a spreadsheet CSV into constituents, in atomic batches.

The file is streamed (:mod:`core.dataio.reader`), each record validated on its own
(:mod:`core.dataio.rows`), planned as a create or an update (:mod:`core.dataio.planner`) and
written in batches with set-based SQL (:mod:`core.dataio.writer`). Every bad row is reported
with its line number and reason while the good rows commit. Each batch is one transaction
with one audit entry; when the database refuses a batch, it is rolled back and retried in
halves, so only the offending rows are reported and the rest still commit. Re-importing a
file whose rows carry ``external_id`` creates nothing twice: known ids update.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import asyncpg

from core import audit, db
from core.constituents.custom_fields import active_fields
from core.dataio.columns import CUSTOM_PREFIX, map_headers
from core.dataio.planner import (
    CreateOp,
    Existing,
    PlanContext,
    RowRejectedError,
    UpdateOp,
    load_existing,
    plan_create,
    plan_update,
)
from core.dataio.reader import CsvReader, Delimiter, Encoding, ImportFileError
from core.dataio.rows import ParsedRow, RowContext, parse_row
from core.dataio.values import ImportLocale
from core.dataio.writer import write_batch
from core.errors import InvalidInputError
from core.events import emit, unit_of_work
from core.plugins.registry import current_registry
from core.validation import fold

MAX_BATCH_SIZE = 10_000
ProgressCallback = Callable[[int, int | None], None]
# Errors with which the database refuses a statement (constraint, type, trigger, ...).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.Error,
    asyncpg.PostgresError,
    asyncpg.exceptions.DataError,
)


@dataclass(frozen=True)
class ImportOptions:
    """How to read the file and whether to write."""

    dry_run: bool = False
    batch_size: int = 2_000
    locale: ImportLocale | None = None  # None: the organisation's locale setting
    encoding: Encoding = "auto"
    delimiter: Delimiter = "auto"
    source_name: str | None = None  # shown in the audit log; defaults to the file name


@dataclass(frozen=True)
class RowError:
    """Why one line of the file was not imported."""

    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    import_id: str
    source: str
    dry_run: bool
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    batches: int = 0
    tags_created: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """How many rows were not imported."""
        return len({e.line for e in self.errors})

    @property
    def ok(self) -> bool:
        """True when every row was imported."""
        return not self.errors


@contextmanager
def _open(source: str | Path | BinaryIO) -> Iterator[tuple[BinaryIO, int | None, str]]:
    if isinstance(source, str | Path):
        path = Path(source)
        with path.open("rb") as stream:
            yield stream, path.stat().st_size, path.name
        return
    total = None
    if source.seekable():
        here = source.tell()
        total = source.seek(0, 2) - here
        source.seek(here)
    yield source, total, str(getattr(source, "name", "stream"))


class _Run:
    """One import in progress: its context, report and tag cache."""

    def __init__(self, report: ImportReport, rows: RowContext, plan: PlanContext) -> None:
        self.report = report
        self.rows = rows
        self.plan = plan
        self.first_line_of: dict[str, int] = {}
        self.duplicates: set[int] = set()

    def fail(self, line: int, errors: dict[str, str]) -> None:
        for column, message in errors.items():
            self.report.errors.append(RowError(line, "" if column == "(row)" else column, message))

    def check_duplicate(self, row: ParsedRow) -> None:
        """Reject a row repeating an earlier row's external id (both would be one record)."""
        external_id = row.external_id
        if external_id is None:
            return
        first = self.first_line_of.setdefault(external_id, row.line)
        if first != row.line:
            header = self.rows.headers.header_of("external_id")
            row.errors[header] = f"{external_id!r} is already used on line {first}"
            self.duplicates.add(row.line)

    def plan_one(self, row: ParsedRow, existing: dict[str, Existing]) -> CreateOp | UpdateOp | None:
        found = existing.get(row.external_id or "")
        if found is None:
            return plan_create(row, self.plan)
        if found.row["deleted_at"] is not None:
            header = self.rows.headers.header_of("external_id")
            raise RowRejectedError(
                {header: f"belongs to deleted constituent {found.row['id']}; restore it first"}
            )
        return plan_update(row, found, self.plan)

    async def batch(self, rows: list[ParsedRow]) -> None:
        """Plan a batch of rows and (unless dry run) write the valid ones.

        Rows with bad cells are planned too (never written), so that a row's report also
        names problems only planning finds, such as a missing name.
        """
        self.report.batches += 1
        wanted = [r.external_id for r in rows if r.external_id and r.line not in self.duplicates]
        existing = await load_existing(wanted)
        creates: list[CreateOp] = []
        updates: list[UpdateOp] = []
        for row in rows:
            errors = dict(row.errors)
            op = None
            if row.line not in self.duplicates:
                try:
                    op = self.plan_one(row, existing)
                except RowRejectedError as exc:
                    errors = {**exc.errors, **errors}
            if errors:
                self.fail(row.line, errors)
                continue
            if op is None:
                self.report.unchanged += 1
            elif isinstance(op, CreateOp):
                creates.append(op)
            else:
                updates.append(op)
        if self.report.dry_run:
            self.report.created += len(creates)
            self.report.updated += len(updates)
            return
        await self.commit(creates, updates)

    async def commit(self, creates: list[CreateOp], updates: list[UpdateOp]) -> None:
        """Write in one transaction; on a database error, retry halves to isolate bad rows."""
        if not creates and not updates:
            return
        stamp = datetime.now(UTC)
        try:
            async with unit_of_work():
                written = await write_batch(creates, updates, self.plan.tag_ids, stamp)
                await audit.record_change(
                    "import",
                    "constituent_import",
                    self.report.import_id,
                    after=self.summary(creates, updates, written.ids, written.tag_names),
                )
        except DATABASE_ERRORS as exc:
            ops: list[CreateOp | UpdateOp] = sorted([*creates, *updates], key=lambda o: o.line)
            if len(ops) == 1:
                message = f"the database refused the row: {exc}".strip()
                self.report.errors.append(RowError(ops[0].line, "", message))
                return
            half = len(ops) // 2
            for part in (ops[:half], ops[half:]):
                await self.commit(
                    [o for o in part if isinstance(o, CreateOp)],
                    [o for o in part if isinstance(o, UpdateOp)],
                )
            return
        self.plan.tag_ids.update(written.tag_ids)
        self.report.tags_created.extend(written.tag_names)
        self.report.created += len(creates)
        self.report.updated += len(updates)

    def summary(
        self, creates: list[CreateOp], updates: list[UpdateOp], ids: list[int], tags: list[str]
    ) -> dict[str, Any]:
        lines = [o.line for o in creates] + [o.line for o in updates]
        return {
            "import_id": self.report.import_id,
            "source": self.report.source,
            "first_line": min(lines),
            "last_line": max(lines),
            "created": len(creates),
            "updated": len(updates),
            "created_ids": ids,
            "updated_ids": [u.constituent_id for u in updates],
            "tags_created": tags,
        }


async def _prepare(reader: CsvReader, options: ImportOptions, report: ImportReport) -> _Run:
    headers = map_headers(reader.open())
    fields = await active_fields()
    unknown = sorted(k for k in headers.custom_positions if k not in fields)
    problems = [*headers.problems]
    if unknown:
        names = ", ".join(CUSTOM_PREFIX + k for k in unknown)
        problems.append(f"no active custom field for column(s) {names}")
    if problems:
        raise ImportFileError("; ".join(problems))
    settings = current_registry().settings
    rows = RowContext(
        headers=headers,
        locale=options.locale or settings.locale,
        default_country=settings.default_country,
        custom_fields={k: fields[k] for k in headers.custom_positions},
        today=datetime.now(settings.zone).date(),
    )
    tags = await db.fetch_all("SELECT id, name FROM core_tag")
    plan = PlanContext(
        headers=headers,
        custom_fields=fields,
        tag_ids={fold(str(t["name"])): int(t["id"]) for t in tags},
    )
    report.encoding, report.delimiter = reader.chosen_encoding, reader.chosen_delimiter
    report.ignored_columns = headers.ignored
    return _Run(report, rows, plan)


async def import_constituents(
    source: str | Path | BinaryIO,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import constituents from a CSV file or binary stream; returns the report.

    ``progress(bytes_read, total_bytes)`` is called after each batch (total may be None).
    Raises :class:`core.dataio.reader.ImportFileError` when the file as a whole is
    unusable (empty, unreadable header, unknown custom field columns).
    """
    options = options or ImportOptions()
    if not 1 <= options.batch_size <= MAX_BATCH_SIZE:
        raise InvalidInputError({"batch_size": f"must be between 1 and {MAX_BATCH_SIZE}"})
    with _open(source) as (stream, total, name):
        report = ImportReport(
            import_id=uuid.uuid4().hex, source=options.source_name or name, dry_run=options.dry_run
        )
        reader = CsvReader(stream, options.encoding, options.delimiter)
        run = await _prepare(reader, options, report)
        pending: list[ParsedRow] = []
        for record in reader.records():
            if not record.problem and not any(cell.strip() for cell in record.cells):
                continue  # blank lines are not rows
            report.rows += 1
            if record.problem:
                run.fail(record.line, {"(row)": record.problem})
                continue
            row = parse_row(record.line, record.cells, run.rows)
            run.check_duplicate(row)
            pending.append(row)
            if len(pending) >= options.batch_size:
                await run.batch(pending)
                pending = []
                if progress:
                    progress(reader.bytes_read, total)
        if pending:
            await run.batch(pending)
        if progress:
            progress(reader.bytes_read, total)
    report.errors.sort(key=lambda e: e.line)
    if not report.dry_run:
        async with unit_of_work():
            await emit("import.completed", _event_payload(report))
    return report


def _event_payload(report: ImportReport) -> dict[str, Any]:
    return {
        "import_id": report.import_id,
        "source": report.source,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "failed": report.failed,
    }

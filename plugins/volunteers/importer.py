"""``steward import hours FILE.csv``: volunteer hours from a spreadsheet, each bad row reported.

Columns: ``constituent_id`` or ``constituent_external_id``; ``opportunity_id`` or
``opportunity`` (its exact title); ``work_date`` (ISO); ``hours`` (e.g. ``2.5``) or
``minutes``; optional ``note``. Imported hours are approved (they come from the
organisation's own records). Each row is recorded in its own transaction, so good rows
commit and every rejected row is reported with its line number and reason.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from core import db
from core.errors import StewardError
from plugins.volunteers import hours


@dataclass
class HoursImportReport:
    """Rows read, entries recorded and the rejected rows (line, message)."""

    rows: int = 0
    recorded: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _minutes(row: dict[str, str]) -> int:
    if (row.get("minutes") or "").strip():
        text = row["minutes"].strip()
        if not text.isdigit():
            raise ValueError("minutes: a whole number")
        return int(text)
    try:
        value = Decimal((row.get("hours") or "").strip())
    except InvalidOperation as exc:
        raise ValueError("hours: a number such as 2.5") from exc
    if not value.is_finite() or value <= 0 or value > 24:
        raise ValueError("hours: between 0 and 24")
    return int((value * 60).to_integral_value())


async def _entry_of(row: dict[str, str]) -> hours.HoursIn:
    person = (row.get("constituent_id") or "").strip()
    constituent: int | None = int(person) if person.isdigit() and len(person) < 10 else None
    if constituent is None and (row.get("constituent_external_id") or "").strip():
        found = await db.fetch_one(
            "SELECT id FROM core_constituent WHERE external_id = {}",
            row["constituent_external_id"].strip(),
        )
        constituent = int(found["id"]) if found else None
    if constituent is None:
        raise ValueError("constituent: no constituent_id or known constituent_external_id")
    ident = (row.get("opportunity_id") or "").strip()
    opportunity: int | None = int(ident) if ident.isdigit() and len(ident) < 10 else None
    if opportunity is None and (row.get("opportunity") or "").strip():
        found = await db.fetch_one(
            "SELECT id FROM volunteers_opportunity WHERE title = {}", row["opportunity"].strip()
        )
        opportunity = int(found["id"]) if found else None
    if opportunity is None:
        raise ValueError("opportunity: no opportunity_id or known opportunity title")
    try:
        day = date.fromisoformat((row.get("work_date") or "").strip())
    except ValueError as exc:
        raise ValueError("work_date: an ISO date such as 2026-05-01") from exc
    return hours.HoursIn(
        constituent_id=constituent,
        opportunity_id=opportunity,
        work_date=day,
        minutes=_minutes(row),
        note=(row.get("note") or "")[:1000],
    )


async def import_hours(path: Path) -> HoursImportReport:
    """Record every valid row of a CSV file; report the others."""
    report = HoursImportReport()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            report.rows += 1
            try:
                await hours.record_hours(await _entry_of(row), source="import")
            except ValidationError as exc:
                message = "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
                )
                report.errors.append((line, message))
            except (ValueError, StewardError) as exc:
                report.errors.append((line, str(exc)))
            else:
                report.recorded += 1
            if report.rows % 500 == 0:
                click.echo(f"{report.rows} row(s) read...", err=True)
    return report


@click.command("hours")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_hours_command(file: Path) -> None:
    """Import volunteer hours from a CSV file; exits with status 1 when any row was rejected."""
    from core.cli.base import run_async

    async def work(_: Any) -> HoursImportReport:
        return await import_hours(file)

    report: HoursImportReport = run_async(work)
    for line, message in report.errors[:200]:
        click.echo(f"line {line}: {message}", err=True)
    click.echo(f"{report.recorded} of {report.rows} row(s) recorded, {len(report.errors)} rejected")
    if report.errors:
        raise SystemExit(1)

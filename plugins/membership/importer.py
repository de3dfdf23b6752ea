"""``steward import memberships FILE.csv``: memberships from a spreadsheet.

Columns: ``member_id`` or ``member_external_id``; ``level`` (a level's name); optional
``join_date`` (ISO, default today), ``end_date`` (ISO: the expiry date carried over from the
old system, else computed from the level), ``auto_renew`` (yes/no), ``paid`` (yes/no,
default yes) and ``external_id`` (makes re-imports idempotent). Each row is imported in its
own transaction, so good rows commit and every rejected row is reported with its line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from core import audit, db
from core.errors import StewardError
from core.events import unit_of_work
from plugins.membership import memberships, store
from plugins.membership.common import org_today
from plugins.membership.levels import get_level
from plugins.membership.models import JoinIn

YES = {"yes", "y", "true", "1", "si", "sí"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class MembershipImportReport:
    """Rows read, memberships imported and the rejected rows (line, message)."""

    rows: int = 0
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _flag(row: dict[str, str], name: str, default: bool) -> bool:
    value = (row.get(name) or "").strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"{name}: use yes or no")


def _day(row: dict[str, str], name: str) -> date | None:
    value = (row.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{name}: not a date (use YYYY-MM-DD)") from exc


async def _join_of(row: dict[str, str]) -> JoinIn:
    raw_member = (row.get("member_id") or "").strip()
    member: int | None = int(raw_member) if raw_member.isdigit() else None
    if member is None and row.get("member_external_id"):
        found = await db.fetch_one(
            "SELECT id FROM core_constituent WHERE external_id = {}",
            row["member_external_id"].strip(),
        )
        member = None if found is None else int(found["id"])
    if member is None:
        raise ValueError("member: no constituent with that member_id or member_external_id")
    name = (row.get("level") or "").strip()
    level = await db.fetch_one(
        "SELECT id FROM membership_level WHERE LOWER(name) = LOWER({})", name
    )
    if level is None:
        raise ValueError(f"level: no level named {name!r}")
    return JoinIn(
        member_id=member,
        level_id=int(level["id"]),
        join_date=_day(row, "join_date"),
        source="import",
        auto_renew=_flag(row, "auto_renew", False),
        paid=_flag(row, "paid", True),
        external_id=(row.get("external_id") or "").strip() or None,
    )


async def import_row(row: dict[str, str]) -> None:
    """Import one row: join, then carry over the old system's expiry date if given."""
    data = await _join_of(row)
    end = _day(row, "end_date")
    if end is not None and end <= (data.join_date or org_today()):
        raise ValueError("end_date: must be after the join date")
    async with unit_of_work():
        joined = await memberships.join(data)
        if end is None or end == joined.end_date:
            return
        level = await get_level(joined.level_id)
        after = await memberships.write(joined, {"end_date": end}, level.grace_days, org_today())
        await db.execute(
            "UPDATE membership_term SET end_date = {} WHERE membership_id = {}", end, joined.id
        )
        await audit.record_change(
            "import_end_date",
            memberships.ENTITY,
            joined.id,
            before={"end_date": joined.end_date.isoformat()},
            after={"end_date": after.end_date.isoformat()},
            constituent_id=joined.member_id,
        )
        assert (await store.fetch_membership(joined.id)).end_date == end


async def import_rows(
    rows: list[dict[str, str]], progress: Callable[[int], None] | None = None
) -> MembershipImportReport:
    """Import every valid row; report the others with their line numbers."""
    report = MembershipImportReport()
    for line, row in enumerate(rows, start=2):
        report.rows += 1
        try:
            await import_row(row)
        except ValidationError as exc:
            report.errors.append(
                (
                    line,
                    "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
                )
            )
        except (ValueError, StewardError) as exc:
            report.errors.append((line, str(exc)))
        else:
            report.imported += 1
        if progress is not None:
            progress(1)
    return report


async def import_memberships(path: Path) -> MembershipImportReport:
    """Import a CSV file (see the module docstring for its columns)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return await import_rows(rows)


@click.command("memberships")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_memberships_command(file: Path) -> None:
    """Import memberships from a CSV file; exits with status 1 when any row was rejected."""
    from core.cli.base import run_async

    with file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))

    with click.progressbar(length=len(rows), label="Importing memberships", file=None) as bar:

        async def work(_: Any) -> MembershipImportReport:
            return await import_rows(rows, bar.update)

        report: MembershipImportReport = run_async(work)
    for line, message in report.errors[:200]:
        click.echo(f"line {line}: {message}", err=True)
    click.echo(f"{report.imported} of {report.rows} row(s) imported, {len(report.errors)} rejected")
    if report.errors:
        raise SystemExit(1)

"""``steward import constituents`` and ``steward export constituents``: thin over the services."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from core.cli.base import StewardGroup, run_async

if TYPE_CHECKING:
    from core.dataio.importer import ImportReport
    from core.plugins.registry import PluginRegistry

MAX_ERRORS_SHOWN = 200


class ImportGroup(StewardGroup):
    """``steward import``: core's ``constituents`` and every plugin's import commands."""

    hook_name = "steward_import_commands"


@click.group("import", cls=ImportGroup)
def import_group() -> None:
    """Import data from files."""


@import_group.command("constituents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--batch-size", default=2_000, show_default=True, type=click.IntRange(1, 10_000),
    help="Rows committed per transaction.",
)  # fmt: skip
@click.option(
    "--locale", type=click.Choice(["en", "es"]), default=None,
    help="How dates and numbers are written (default: the organisation's locale).",
)  # fmt: skip
@click.option(
    "--encoding", type=click.Choice(["auto", "utf-8", "cp1252"]), default="auto",
    show_default=True,
)  # fmt: skip
@click.option(
    "--delimiter", type=click.Choice(["auto", ",", ";"]), default="auto", show_default=True
)
@click.option(
    "--errors", "errors_file", type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the rejected rows (line, column, message) to this CSV file.",
)  # fmt: skip
def import_constituents_command(
    file: Path,
    dry_run: bool,
    batch_size: int,
    locale: Any,
    encoding: Any,
    delimiter: Any,
    errors_file: Path | None,
) -> None:
    """Import constituents from a CSV file (UTF-8 or Windows-1252, comma or semicolon).

    Rows with a known external_id update that constituent; re-importing creates nothing
    twice. Exits with status 1 when any row was rejected.
    """
    from core.dataio.importer import ImportOptions, import_constituents

    options = ImportOptions(
        dry_run=dry_run,
        batch_size=batch_size,
        locale=locale,
        encoding=encoding,
        delimiter=delimiter,
    )

    size = file.stat().st_size

    async def work(_: PluginRegistry) -> ImportReport:
        columns = [
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
        ]
        with Progress(*columns, transient=True) as progress:
            task = progress.add_task("Importing", total=size)

            def advance(done: int, total: int | None) -> None:
                progress.update(task, completed=done, total=total)

            return await import_constituents(file, options, advance)

    report = run_async(work)
    echo_report(report)
    if errors_file is not None:
        write_errors(report, errors_file)
        click.echo(f"rejected rows written to {errors_file}")
    if report.errors:
        sys.exit(1)


def echo_report(report: ImportReport) -> None:
    """Print the counts, then every rejected row (the first MAX_ERRORS_SHOWN)."""
    verb = "would be" if report.dry_run else "were"
    click.echo(
        f"{report.source}: {report.rows} row(s) read ({report.encoding}, "
        f"delimiter {report.delimiter!r}); {report.created} {verb} created, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.failed} rejected."
    )
    if report.ignored_columns:
        click.echo(f"ignored columns: {', '.join(report.ignored_columns)}")
    if report.tags_created:
        click.echo(f"new tags: {', '.join(report.tags_created)}")
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        column = f" {error.column}:" if error.column else ""
        click.echo(f"line {error.line}:{column} {error.message}", err=True)
    hidden = len(report.errors) - MAX_ERRORS_SHOWN
    if hidden > 0:
        click.echo(f"... and {hidden} more; use --errors FILE for the full list", err=True)


def write_errors(report: ImportReport, path: Path) -> None:
    """The rejected rows as CSV: line, column, message."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "message"])
        for error in report.errors:
            writer.writerow([error.line, error.column, error.message])


@click.group("export")
def export_group() -> None:
    """Export data as files."""


@export_group.command("constituents")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)  # fmt: skip
@click.option("--tag", help="Only constituents with this tag.")
@click.option("--include-deleted", is_flag=True, help="Also constituents in the bin.")
@click.option("--bom", is_flag=True, help="Start with a UTF-8 byte-order mark (for Excel).")
@click.option("--delimiter", type=click.Choice([",", ";"]), default=",", show_default=True)
def export_constituents_command(
    output: Path | None, tag: str | None, include_deleted: bool, bom: bool, delimiter: str
) -> None:
    """Export constituents as CSV in the columns the importer reads."""
    from core.dataio.exporter import ExportFilters, export_constituents

    filters = ExportFilters(tag=tag, include_deleted=include_deleted, bom=bom, delimiter=delimiter)

    async def work(_: PluginRegistry) -> int:
        if output is None:
            return await export_constituents(sys.stdout, filters)
        with output.open("w", encoding="utf-8", newline="") as handle:
            return await export_constituents(handle, filters)

    count = run_async(work)
    click.echo(f"{count} constituent(s) exported", err=True)

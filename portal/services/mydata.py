"""My data: the subject-access export as JSON and CSV, built from every plugin's export hook."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from core.constituents.privacy import export_personal_data

CSV_COLUMNS = ("section", "record_type", "record", "field", "value")


async def export_json(constituent_id: int) -> str:
    """Everything held about the constituent, as indented JSON."""
    export = await export_personal_data(constituent_id)
    return json.dumps(export.model_dump(mode="json"), indent=2, ensure_ascii=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    # A spreadsheet would run a cell starting with these as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def export_csv(constituent_id: int) -> str:
    """The same export as one long CSV: one line per field of each record."""
    export = await export_personal_data(constituent_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for section in export.sections:
        for record_type, rows in section.records.items():
            for number, row in enumerate(rows, start=1):
                for key, value in row.items():
                    writer.writerow([section.plugin, record_type, number, key, _cell(value)])
    return buffer.getvalue()

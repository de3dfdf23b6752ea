"""Fundraising reports: service functions returning rows, chart series and their definition."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Series(BaseModel):
    """One chart series: labels on the x axis and a value for each."""

    name: str
    labels: list[str]
    values: list[int]


class Report(BaseModel):
    """A report's rows, chart series and the definition shown with it."""

    key: str
    title: str
    definition: str
    columns: list[str]
    rows: list[dict[str, Any]]
    series: list[Series] = Field(default_factory=list)
    total_rows: int | None = None  # set when ``rows`` is one page of a longer report

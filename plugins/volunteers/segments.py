"""Segment filters on constituent lists: volunteered in a period, hours at least X, skill.

Each returns a SQL condition on ``c.id`` with ``{}`` placeholders.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Input(BaseModel):
    """Base of the filter parameters."""

    model_config = ConfigDict(extra="forbid")


class VolunteeredPeriod(Input):
    """Approved volunteer hours dated within the period (inclusive)."""

    date_from: date
    date_to: date


class HoursOver(Input):
    """At least ``hours`` approved hours in total."""

    hours: int = Field(ge=0, le=1_000_000)


class HasSkill(Input):
    """A volunteer profile listing the skill."""

    skill: str = Field(min_length=1, max_length=60)


def _value(model: type[Input], value: Any) -> Any:
    return value if isinstance(value, model) else model.model_validate(value)


def volunteered_in_period(value: Any) -> tuple[str, list[Any]]:
    """Constituents with approved hours in the period."""
    v = _value(VolunteeredPeriod, value)
    return (
        "c.id IN (SELECT constituent_id FROM volunteers_hours WHERE status = 'approved' "
        "AND work_date >= {} AND work_date <= {})",
        [v.date_from, v.date_to],
    )


def hours_over(value: Any) -> tuple[str, list[Any]]:
    """Constituents whose approved hours reach the number."""
    v = _value(HoursOver, value)
    return (
        "c.id IN (SELECT constituent_id FROM volunteers_hours WHERE status = 'approved' "
        "GROUP BY constituent_id HAVING SUM(minutes) >= {})",
        [v.hours * 60],
    )


def has_skill(value: Any) -> tuple[str, list[Any]]:
    """Constituents whose volunteer profile lists the skill (case-insensitive)."""
    v = _value(HasSkill, value)
    # Skills are stored as a JSON array of lower-case strings: match the quoted term.
    term = json.dumps(" ".join(v.skill.split()).lower())
    return (
        "c.id IN (SELECT constituent_id FROM volunteers_profile WHERE skills LIKE {})",
        [f"%{term}%"],
    )

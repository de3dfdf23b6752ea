"""Segment filters: current members, members of a level, expiring within N days.

Each returns a SQL condition on ``c.id`` with ``{}`` placeholders. "Current members"
includes the people a family or organisation membership covers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field

from plugins.membership.common import org_today
from plugins.membership.models import Input, RecordId

COUNTING = "SELECT id FROM membership_membership WHERE counts_as_member = {}"


class CurrentMembers(Input):
    """Members whose status counts as membership (optionally including family members)."""

    include_associates: bool = True


class OfLevel(Input):
    """Members of one level whose status counts as membership."""

    level_id: RecordId


class ExpiringWithin(Input):
    """Active memberships expiring within the next ``days`` days (today included)."""

    days: int = Field(default=30, ge=1, le=366)


def _value(model: type[Input], value: Any) -> Any:
    return value if isinstance(value, model) else model.model_validate(value or {})


def current_members(value: Any) -> tuple[str, list[Any]]:
    """Constituents who are members now (and, by default, the people they cover)."""
    v = _value(CurrentMembers, value)
    sql = "c.id IN (SELECT member_id FROM membership_membership WHERE counts_as_member = {})"
    args: list[Any] = [True]
    if v.include_associates:
        sql = (
            f"({sql} OR c.id IN (SELECT constituent_id FROM membership_associate "
            f"WHERE membership_id IN ({COUNTING})))"
        )
        args.append(True)
    return sql, args


def of_level(value: Any) -> tuple[str, list[Any]]:
    """Constituents whose counting membership is at the level."""
    v = _value(OfLevel, value)
    return (
        "c.id IN (SELECT member_id FROM membership_membership WHERE level_id = {} "
        "AND counts_as_member = {})",
        [v.level_id, True],
    )


def expiring_within(value: Any) -> tuple[str, list[Any]]:
    """Constituents whose active membership's end date is within the next N days."""
    v = _value(ExpiringWithin, value)
    today = org_today()
    return (
        "c.id IN (SELECT member_id FROM membership_membership WHERE lifecycle = 'active' "
        "AND end_date >= {} AND end_date <= {})",
        [today, today + timedelta(days=v.days)],
    )

"""Status rules: stored, edited as a whole, and applied to memberships.

A membership's status is the first rule (in ``position`` order) whose lifecycle and date
window match today; a manual override wins until its expiry date. The stored ``status`` and
``counts_as_member`` columns are a cache recomputed on every change and by the daily job,
so lists, segments and reports filter without date arithmetic in SQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import audit, db
from core.errors import InvalidInputError
from core.events import emit, unit_of_work
from plugins.membership.models import Membership, StatusRule, StatusRuleIn
from plugins.membership.periods import Dates, Rule, evaluate

ENTITY = "membership_status_rule"


def _rule(row: dict[str, Any]) -> StatusRule:
    return StatusRule(
        id=int(row["id"]),
        position=int(row["position"]),
        status=str(row["status"]),
        label=str(row["label"] or ""),
        lifecycle=row["lifecycle"],
        anchor=row["anchor"],
        from_days=None if row["from_days"] is None else int(row["from_days"]),
        until_days=None if row["until_days"] is None else int(row["until_days"]),
        counts_as_member=bool(row["counts_as_member"]),
    )


async def list_rules() -> list[StatusRule]:
    """Every rule in evaluation order."""
    rows = await db.fetch_all("SELECT * FROM membership_status_rule ORDER BY position, id")
    return [_rule(r) for r in rows]


def as_rules(stored: list[StatusRule]) -> list[Rule]:
    """The pure rules :func:`plugins.membership.periods.evaluate` applies."""
    return [
        Rule(
            status=r.status,
            lifecycle=r.lifecycle,
            anchor=r.anchor,
            from_days=r.from_days,
            until_days=r.until_days,
            counts_as_member=r.counts_as_member,
        )
        for r in stored
    ]


def status_names(stored: list[StatusRule]) -> list[str]:
    """Distinct statuses the rules can give, in rule order."""
    return list(dict.fromkeys(r.status for r in stored))


async def replace_rules(rules: list[StatusRuleIn]) -> list[StatusRule]:
    """Replace the whole rule set (the order is part of the meaning, so it is edited whole)."""
    if not rules:
        raise InvalidInputError({"rules": "at least one rule is needed"})
    positions = [r.position for r in rules]
    if len(set(positions)) != len(positions):
        raise InvalidInputError({"rules": "each rule needs its own position"})
    async with unit_of_work():
        before = [r.model_dump() for r in await list_rules()]
        await db.execute("DELETE FROM membership_status_rule")
        for rule in rules:
            values = rule.model_dump()
            await db.execute(
                f"INSERT INTO membership_status_rule ({', '.join(values)}) VALUES "
                f"({', '.join('{}' for _ in values)})",
                *values.values(),
            )
        after = await list_rules()
        await audit.record_change(
            "update",
            ENTITY,
            "all",
            before={"rules": before},
            after={"rules": [r.model_dump() for r in after]},
        )
        await emit("membership.rules_changed", {"count": len(after)})
    return after


def compute(
    rules: list[Rule], membership: Membership, grace_days: int, today: date
) -> tuple[str, bool]:
    """The status and "counts as member" of a membership today, honouring an override."""
    if membership.override_status and (
        membership.override_until is None or today < membership.override_until
    ):
        counts = next(
            (r.counts_as_member for r in rules if r.status == membership.override_status), False
        )
        return membership.override_status, counts
    dates = Dates(
        join=membership.join_date,
        start=membership.period_start,
        end=membership.end_date,
        grace_days=grace_days,
    )
    return evaluate(rules, membership.lifecycle, dates, today)

"""Status recomputation: the daily job brings every stored status up to date.

Statuses depend on today's date, so they drift overnight. The job reads every membership in
one query, applies the rules in Python and writes only the rows whose status changed, each
in its own short transaction (conditional on the version it read, so a concurrent change
wins and is left alone). A member who stops counting as a member gets a "lapsed" timeline
entry and a ``membership.lapsed`` event; expired overrides are cleared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core import audit, db
from core.clock import utc_now
from core.events import emit, unit_of_work
from plugins.membership import rules, store, timeline
from plugins.membership.common import as_int, org_today
from plugins.membership.memberships import ENTITY, event_payload
from plugins.membership.models import Membership
from plugins.membership.periods import Rule


@dataclass
class RecomputeResult:
    """What one recomputation changed."""

    checked: int = 0
    changed: int = 0
    lapsed: int = 0
    overrides_expired: int = 0


def _changes(
    membership: Membership, rule_set: list[Rule], grace_days: int, today: date
) -> dict[str, object]:
    changes: dict[str, object] = {}
    candidate = membership
    if membership.override_until is not None and today >= membership.override_until:
        changes = {"override_status": None, "override_reason": "", "override_until": None}
        candidate = membership.model_copy(update=changes)
    status, counts = rules.compute(rule_set, candidate, grace_days, today)
    if status != membership.status or counts != membership.counts_as_member or changes:
        changes.update({"status": status, "counts_as_member": counts})
    return changes


async def recompute_all(today: date | None = None) -> RecomputeResult:
    """Recompute every membership's status for ``today`` (default: the organisation's)."""
    day = today or org_today()
    rule_set = rules.as_rules(await rules.list_rules())
    grace = {
        int(r["id"]): as_int(r["grace_days"])
        for r in await db.fetch_all("SELECT id, grace_days FROM membership_level")
    }
    result = RecomputeResult()
    rows = await db.fetch_all(f"{store.MEMBERSHIP_SELECT} ORDER BY m.id")
    for row in rows:
        result.checked += 1
        membership = store.membership_from_row(row)
        changes = _changes(membership, rule_set, grace[membership.level_id], day)
        if changes and await _apply(membership, changes, result):
            result.changed += 1
    return result


async def _apply(before: Membership, changes: dict[str, object], result: RecomputeResult) -> bool:
    async with unit_of_work():
        if not await store.update_membership(before.id, before.version, changes, utc_now()):
            return False  # changed meanwhile; that change recomputed the status itself
        after = await store.fetch_membership(before.id)
        expired_override = "override_status" in changes
        await audit.record_change(
            "override_expired" if expired_override else "status",
            ENTITY,
            before.id,
            before={"status": before.status, "override_status": before.override_status},
            after={"status": after.status, "override_status": after.override_status},
            constituent_id=after.member_id,
        )
        await emit("membership.status_changed", event_payload(after, previous=before.status))
        if expired_override:
            result.overrides_expired += 1
        if before.counts_as_member and not after.counts_as_member and after.lifecycle == "active":
            result.lapsed += 1
            ref = f"membership:{after.id}:lapsed:{after.end_date.isoformat()}"
            await timeline.record_change(after, "lapsed", ref)
            await emit("membership.lapsed", event_payload(after))
    return True

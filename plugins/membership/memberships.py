"""Membership services: join, renew, change level, confirm payment, cancel.

Every change runs in one unit of work: the membership row (written with a conditional
``UPDATE ... WHERE version = <read>``), a history term, the dues gift when donations is
enabled, an audit entry, a timeline interaction and a domain event dispatched after commit.
The row is read under a lock (PostgreSQL ``FOR UPDATE``; SQLite's ``IMMEDIATE`` write
transaction), so concurrent renewals queue instead of losing updates; the version check is
the second guard, and a change that still loses a race is retried from a fresh read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import audit, db
from core.clock import utc_now
from core.errors import ConflictError, InvalidInputError
from core.events import emit, unit_of_work
from plugins.membership import dues, periods, rules, store, timeline
from plugins.membership.common import org_today
from plugins.membership.levels import get_level
from plugins.membership.models import (
    JoinIn,
    Level,
    Membership,
    RenewIn,
)
from plugins.membership.periods import first_period

ENTITY = "membership_membership"
MAX_ATTEMPTS = 5


class StaleWriteError(ConflictError):
    """Another change to the membership committed between our read and our write."""


def event_payload(membership: Membership, **extra: Any) -> dict[str, Any]:
    """The payload of a membership event."""
    return {
        "membership_id": membership.id,
        "member_id": membership.member_id,
        "level_id": membership.level_id,
        "status": membership.status,
        "end_date": membership.end_date.isoformat(),
        **extra,
    }


async def status_values(candidate: Membership, grace_days: int, today: date) -> dict[str, Any]:
    """``status`` and ``counts_as_member`` of a membership with these dates, by the rules."""
    status, counts = rules.compute(
        rules.as_rules(await rules.list_rules()), candidate, grace_days, today
    )
    return {"status": status, "counts_as_member": counts}


async def write(
    before: Membership, changes: dict[str, Any], grace_days: int, today: date
) -> Membership:
    """Apply ``changes`` plus the recomputed status if the row is unchanged since read.

    Raises :class:`StaleWriteError` when another change won the race.
    """
    candidate = before.model_copy(update=changes)
    values = {**changes, **await status_values(candidate, grace_days, today)}
    if not await store.update_membership(before.id, before.version, values, utc_now()):
        raise StaleWriteError(f"membership {before.id} changed meanwhile; try again")
    return await store.fetch_membership(before.id)


async def _member_exists(member_id: int) -> bool:
    row = await db.fetch_one(
        "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL", member_id
    )
    return row is not None


async def _replay(data: JoinIn) -> Membership | None:
    if data.external_id is None:
        return None
    row = await db.fetch_one(
        "SELECT id FROM membership_membership WHERE source = {} AND external_id = {}",
        data.source,
        data.external_id,
    )
    return None if row is None else await store.fetch_membership(int(row["id"]))


async def join(data: JoinIn) -> Membership:
    """Make a constituent a member of a level from ``join_date`` (default today).

    With ``paid=False`` (and dues to pay) the membership is *pending* until
    :func:`confirm_payment`. A repeat with the same ``(source, external_id)`` returns the
    membership already stored. Raises InvalidInputError and ConflictError (already a member).
    """
    async with unit_of_work():
        if (existing := await _replay(data)) is not None:
            return existing
        level = await get_level(data.level_id)
        errors: dict[str, str] = {}
        if not await _member_exists(data.member_id):
            errors["member_id"] = "no such constituent"
        if not level.active:
            errors["level_id"] = "this level is not offered any more"
        if data.auto_renew and not level.auto_renew_allowed:
            errors["auto_renew"] = "this level cannot renew automatically"
        if errors:
            raise InvalidInputError(errors)
        if (current := await store.open_membership_of(data.member_id)) is not None:
            raise ConflictError(
                f"constituent {data.member_id} already has membership {current.id}; "
                "renew it or change its level"
            )
        today = org_today()
        day = data.join_date or today
        period = first_period(level.spec(), day)
        paid = data.paid or level.dues_minor == 0
        values: dict[str, Any] = {
            "member_id": data.member_id,
            "level_id": level.id,
            "join_date": day,
            "period_start": period.start,
            "term_start": period.start,
            "end_date": period.end,
            "lifecycle": "active" if paid else "pending",
            "source": data.source,
            "auto_renew": data.auto_renew,
            "external_id": data.external_id,
            "override_reason": "",
            "directory_opt_in": False,
        }
        now = utc_now()
        membership_id = await store.insert_membership(
            {**values, "status": "pending", "counts_as_member": False}, now
        )
        inserted = await store.fetch_membership(membership_id)
        membership = await write(
            inserted, {"lifecycle": values["lifecycle"]}, level.grace_days, today
        )
        term_id = await new_term(membership, "join", level, period.start, period.end, 0, day)
        if paid and data.source != "import":  # imported dues were banked elsewhere
            await dues.record_dues(
                membership.id,
                membership.member_id,
                level,
                term_id,
                level.dues_minor,
                today,
                data.payment_method,
            )
        membership = await store.fetch_membership(membership.id)
        await audit.record_change(
            "create",
            ENTITY,
            membership.id,
            after=membership.snapshot(),
            constituent_id=membership.member_id,
        )
        await timeline.record_change(membership, "joined", f"membership-term:{term_id}")
        await emit("membership.joined", event_payload(membership, source=data.source))
    return membership


async def new_term(
    membership: Membership,
    kind: str,
    level: Level,
    start: date,
    end: date,
    credit_minor: int,
    on_date: date,
    dues_minor: int | None = None,
    *,
    credit_days: int = 0,
) -> int:
    """Record one history term (dues default to the level's) and return its id.

    ``credit_days`` are days a downgrade's carried credit added to the term.
    """
    dues_value = level.dues_minor if dues_minor is None else dues_minor
    return await store.insert_term(
        {
            "membership_id": membership.id,
            "kind": kind,
            "on_date": on_date,
            "level_id": level.id,
            "start_date": start,
            "end_date": end,
            "dues_minor": dues_value,
            "credit_minor": credit_minor,
            "due_minor": max(dues_value - credit_minor, 0),
            "currency": level.currency,
            "credit_days": credit_days,
        },
        utc_now(),
    )


async def retrying(operation: Any, *args: Any) -> Membership:
    """Run a membership change, again from a fresh read when it lost a race (5 tries)."""
    for _attempt in range(MAX_ATTEMPTS - 1):
        try:
            result: Membership = await operation(*args)
            return result
        except StaleWriteError:
            continue
    final: Membership = await operation(*args)
    return final


async def renew(
    membership_id: int, data: RenewIn | None = None, *, paid_gift_id: int | None = None
) -> Membership:
    """Renew for one more period of its level.

    Before the grace period ends the end date moves on by one period; after that the
    membership has lapsed and a new continuous period starts on the renewal date.
    ``paid_gift_id`` links a dues gift already recorded (an online payment) instead of
    recording one. Raises NotFoundError and ConflictError (cancelled or pending memberships).
    """
    return await retrying(_renew_once, membership_id, data or RenewIn(), paid_gift_id)


async def _renew_once(membership_id: int, data: RenewIn, paid_gift_id: int | None) -> Membership:
    async with unit_of_work():
        before = await store.fetch_membership(membership_id, lock=True)
        if before.lifecycle == "cancelled":
            raise ConflictError("a cancelled membership cannot be renewed; join again")
        if before.lifecycle == "pending":
            raise ConflictError("the first dues of this membership are not paid yet")
        level = await get_level(before.level_id)
        today = org_today()
        day = data.on or today
        result = periods.renew(level.spec(), before.period_start, before.end_date, day)
        changes = {
            "period_start": result.period_start,
            "term_start": result.term_start,
            "end_date": result.end,
        }
        membership = await write(before, changes, level.grace_days, today)
        kind = "renew" if result.continued else "rejoin"
        term_id = await new_term(membership, kind, level, result.term_start, result.end, 0, day)
        await dues.record_dues(
            membership.id,
            membership.member_id,
            level,
            term_id,
            level.dues_minor,
            day,
            data.payment_method,
            paid_gift_id=paid_gift_id,
        )
        membership = await store.fetch_membership(membership.id)
        await audit.record_change(
            kind,
            ENTITY,
            membership.id,
            before=before.snapshot(),
            after=membership.snapshot(),
            constituent_id=membership.member_id,
        )
        label = "renewed" if result.continued else "rejoined"
        await timeline.record_change(membership, label, f"membership-term:{term_id}")
        await emit("membership.renewed", event_payload(membership, continued=result.continued))
    return membership


async def confirm_payment(
    membership_id: int, payment_method: Any = None, *, paid_gift_id: int | None = None
) -> Membership:
    """A pending membership's first dues arrived: it becomes active (and the gift recorded).

    ``paid_gift_id`` links a dues gift already recorded (an online payment) instead.
    """
    async with unit_of_work():
        before = await store.fetch_membership(membership_id, lock=True)
        if before.lifecycle != "pending":
            raise ConflictError(f"membership {membership_id} is not pending payment")
        level = await get_level(before.level_id)
        today = org_today()
        membership = await write(before, {"lifecycle": "active"}, level.grace_days, today)
        term = await store.latest_term(membership_id)
        assert term is not None
        await dues.record_dues(
            membership.id,
            membership.member_id,
            level,
            term.id,
            term.due_minor,
            today,
            payment_method,
            paid_gift_id=paid_gift_id,
        )
        membership = await store.fetch_membership(membership_id)
        await audit.record_change(
            "activate",
            ENTITY,
            membership_id,
            before=before.snapshot(),
            after=membership.snapshot(),
            constituent_id=membership.member_id,
        )
        await timeline.record_change(membership, "activated", f"membership:{membership_id}:paid")
        await emit("membership.payment_confirmed", event_payload(membership))
    return membership


async def cancel(membership_id: int, reason: str = "") -> Membership:
    """Cancel a membership now: it stops counting, auto-renewal stops, history stays."""
    async with unit_of_work():
        before = await store.fetch_membership(membership_id, lock=True)
        if before.lifecycle == "cancelled":
            raise ConflictError(f"membership {membership_id} is already cancelled")
        level = await get_level(before.level_id)
        changes = {"lifecycle": "cancelled", "cancelled_at": utc_now(), "auto_renew": False}
        membership = await write(before, changes, level.grace_days, org_today())
        await audit.record_change(
            "cancel",
            ENTITY,
            membership_id,
            before=before.snapshot(),
            after={**membership.snapshot(), "reason": reason},
            constituent_id=membership.member_id,
        )
        await timeline.record_change(membership, "cancelled", f"membership:{membership_id}:cancel")
        await emit("membership.cancelled", event_payload(membership, reason=reason))
    return membership

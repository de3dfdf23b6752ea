"""Upgrades and downgrades mid-term, with the pro-rata credit quoted before confirming.

The credit is the unused value of the terms paid since the last join, rejoin or level change
(see :func:`plugins.membership.periods.credit_for_terms`); the new level's term starts on the
day of the change. Runs like every membership change: locked read, versioned write, retried
when it loses a race, with a term, the dues gift, an audit entry, a timeline item and an event.
"""

from __future__ import annotations

from datetime import date

from core import audit
from core.errors import ConflictError, InvalidInputError
from core.events import emit, unit_of_work
from plugins.membership import dues, store, timeline
from plugins.membership.common import org_today
from plugins.membership.levels import get_level
from plugins.membership.memberships import ENTITY, event_payload, new_term, retrying, write
from plugins.membership.models import ChangeLevelIn, Level, LevelChangeQuote, Membership, Term
from plugins.membership.periods import change_level, credit_for_terms


def term_value(term: Term) -> int:
    """What a term was worth when paid: its dues, or the whole credit carried into it.

    A downgrade that carried credit as extra days is worth the credit it absorbed (more
    than its dues, over a longer term), so changing level again credits that time fairly.
    """
    return term.credit_minor + term.due_minor if term.credit_days else term.dues_minor


async def quote_level_change(
    membership_id: int, level_id: int, on: date | None = None
) -> LevelChangeQuote:
    """What moving to ``level_id`` on ``on`` (default today) would credit and cost."""
    membership = await store.fetch_membership(membership_id)
    return await _quote(membership, await get_level(level_id), on or org_today())


async def _quote(membership: Membership, new: Level, day: date) -> LevelChangeQuote:
    if membership.lifecycle != "active":
        raise ConflictError(f"a {membership.lifecycle} membership cannot change level")
    old = await get_level(membership.level_id)
    if new.id == old.id:
        raise InvalidInputError({"level_id": "the membership is already at this level"})
    if not new.active:
        raise InvalidInputError({"level_id": "this level is not offered any more"})
    if new.currency != old.currency:
        raise InvalidInputError({"level_id": "the levels' dues are in different currencies"})
    if day >= membership.end_date:
        raise ConflictError("the membership has ended; renew it instead")
    terms = await store.terms_of(membership.id)
    since = max((i for i, t in enumerate(terms) if t.kind != "renew"), default=0)
    credit = credit_for_terms(
        [(term_value(t), t.start_date, t.end_date) for t in terms[since:]], day
    )
    change = change_level(credit, new.dues_minor, new.spec(), day)
    upgrade = (new.tier, new.dues_minor) > (old.tier, old.dues_minor)
    return LevelChangeQuote(
        level_id=new.id,
        currency=new.currency,
        credit_minor=change.credit_minor,
        dues_minor=change.dues_minor,
        due_minor=change.due_minor,
        unused_credit_minor=change.unused_credit_minor,
        credit_days=change.credit_days,
        start_date=change.period.start,
        end_date=change.period.end,
        kind="upgrade" if upgrade else "downgrade",
    )


async def change_membership_level(
    membership_id: int, data: ChangeLevelIn, *, paid_gift_id: int | None = None
) -> Membership:
    """Upgrade or downgrade mid-term: a new term from today, the unused old term credited.

    ``paid_gift_id`` links a dues gift already recorded (an online payment) instead of
    recording one. Raises InvalidInputError, ConflictError (not active, ended, too many
    family members).
    """
    return await retrying(_change_once, membership_id, data, paid_gift_id)


async def _change_once(
    membership_id: int, data: ChangeLevelIn, paid_gift_id: int | None
) -> Membership:
    async with unit_of_work():
        before = await store.fetch_membership(membership_id, lock=True)
        new = await get_level(data.level_id)
        today = org_today()
        day = data.on or today
        quote = await _quote(before, new, day)
        associates = len(await store.associates_of(membership_id))
        if associates > new.member_cap:
            raise ConflictError(
                f"the membership has {associates} associated members; the new level allows "
                f"{new.member_cap}"
            )
        changes = {"level_id": new.id, "term_start": day, "end_date": quote.end_date}
        if before.auto_renew and not new.auto_renew_allowed:
            changes["auto_renew"] = False
        membership = await write(before, changes, new.grace_days, today)
        term_id = await new_term(
            membership,
            quote.kind,
            new,
            day,
            quote.end_date,
            quote.credit_minor,
            day,
            credit_days=quote.credit_days,
        )
        await dues.record_dues(
            membership.id,
            membership.member_id,
            new,
            term_id,
            quote.due_minor,
            day,
            data.payment_method,
            paid_gift_id=paid_gift_id,
        )
        membership = await store.fetch_membership(membership.id)
        await audit.record_change(
            quote.kind,
            ENTITY,
            membership.id,
            before=before.snapshot(),
            after={
                **membership.snapshot(),
                "credit_minor": quote.credit_minor,
                "due_minor": quote.due_minor,
                "carried_credit_minor": quote.unused_credit_minor,
                "credit_days": quote.credit_days,
            },
            constituent_id=membership.member_id,
        )
        await timeline.record_change(membership, f"{quote.kind}d", f"membership-term:{term_id}")
        await emit(
            f"membership.{quote.kind}d",
            event_payload(membership, credit_minor=quote.credit_minor, due_minor=quote.due_minor),
        )
    return membership

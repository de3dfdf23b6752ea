"""What the portal does for a signed-in member: always scoped to their own constituent id.

Paying online: with the donations plugin enabled and its built-in offline gateway in use,
the member confirms the payment on our own page and the dues are recorded at once as a gift
(``payment_method = online``) through donations' services, as donations' own offline
gateway does. With Stripe configured the member pays on Stripe Checkout and the change is
applied when Stripe's webhook reports the payment (:mod:`plugins.membership.online`).
Without donations the request is recorded as *pending payment*: a new membership waits in
the ``pending`` state, and a renewal or upgrade becomes an open follow-up on the member's
timeline for staff to collect the dues and apply it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import db
from core.constituents.schemas import ConstituentIn
from core.constituents.service import create_constituent
from core.errors import ConflictError, NotFoundError
from core.events import unit_of_work
from core.interactions import service as interactions
from plugins.membership import adjust, level_change, memberships, online, store, timeline
from plugins.membership.common import donations_active, org_today
from plugins.membership.levels import get_level
from plugins.membership.models import (
    ChangeLevelIn,
    JoinIn,
    LevelChangeQuote,
    Membership,
    RenewIn,
)


def pays_online() -> bool:
    """True when dues paid in the portal are recorded at once (donations' offline gateway)."""
    if not donations_active():
        return False
    from plugins.donations.portal_service import gateway_name

    return gateway_name() == "offline"


async def my_membership(constituent_id: int) -> Membership | None:
    """The member's own open membership, else their latest one, else None."""
    current = await store.open_membership_of(constituent_id)
    if current is not None:
        return current
    mine = await store.memberships_of(constituent_id)
    return mine[0] if mine else None


async def covering(constituent_id: int) -> list[dict[str, Any]]:
    """Family or organisation memberships that cover this person."""
    return await db.fetch_all(
        "SELECT m.id, c.display_name AS member_name, l.name AS level_name, m.status, "
        "m.end_date, m.counts_as_member FROM membership_associate a "
        "JOIN membership_membership m ON m.id = a.membership_id "
        "JOIN membership_level l ON l.id = m.level_id "
        "JOIN core_constituent c ON c.id = m.member_id WHERE a.constituent_id = {}",
        constituent_id,
    )


async def own(constituent_id: int) -> Membership:
    """The member's open membership; NotFoundError when there is none."""
    membership = await store.open_membership_of(constituent_id)
    if membership is None:
        raise NotFoundError("you have no membership")
    return membership


async def join_online(constituent_id: int, level_id: int) -> Membership:
    """Join a level: paid at once with the offline gateway, else pending payment."""
    paid = pays_online()
    return await memberships.join(
        JoinIn(
            member_id=constituent_id,
            level_id=level_id,
            source="portal",
            paid=paid,
            payment_method="online" if paid else None,
        )
    )


async def _request_follow_up(membership: Membership, what: str, ref: str) -> None:
    async with unit_of_work():
        await interactions.record_interaction(
            constituent_id=membership.member_id,
            interaction_type=timeline.CHANGE_TYPE,
            payload=timeline.ChangeInteraction(
                membership_id=membership.id,
                kind=what,
                level_name=membership.level_name,
                end_date=membership.end_date.isoformat(),
                status=membership.status,
            ),
            direction="inbound",
            initiated_by="constituent",
            subject=timeline.CHANGE_SUBJECTS.get(what, what),
            follow_up_due=org_today(),
            external_ref=ref,
        )


async def renew_online(constituent_id: int) -> tuple[Membership, bool]:
    """Renew (paid at once) or record the request for staff; (membership, applied now)."""
    membership = await own(constituent_id)
    if membership.lifecycle == "pending":
        raise ConflictError("your first dues are not paid yet")
    if pays_online():
        return await memberships.renew(membership.id, RenewIn(payment_method="online")), True
    ref = f"membership:{membership.id}:renewal-request:{membership.end_date.isoformat()}"
    await _request_follow_up(membership, "renewal_requested", ref)
    return membership, False


async def quote_online(constituent_id: int, level_id: int) -> LevelChangeQuote:
    """The member's own quote for moving to another level today."""
    membership = await own(constituent_id)
    return await level_change.quote_level_change(membership.id, level_id)


async def level_checkout(constituent_id: int, email: str | None, level_id: int) -> str:
    """The gateway page to pay a level change on, or "" when it is applied here instead.

    Only with Stripe and something to pay; a change with nothing due (most downgrades) is
    made at once by :func:`change_level_online`.
    """
    if not online.pays_by_checkout():
        return ""
    membership = await own(constituent_id)
    quote = await level_change.quote_level_change(membership.id, level_id)
    if quote.due_minor == 0:
        return ""
    return await online.start_level_change(membership, email, level_id)


async def change_level_online(constituent_id: int, level_id: int) -> tuple[Membership, bool]:
    """Upgrade or downgrade (paid at once) or record the request for staff."""
    membership = await own(constituent_id)
    quote = await level_change.quote_level_change(membership.id, level_id)
    if pays_online() or quote.due_minor == 0:
        data = ChangeLevelIn(level_id=level_id, payment_method="online")
        return await level_change.change_membership_level(membership.id, data), True
    level = await get_level(level_id)
    ref = f"membership:{membership.id}:level-request:{level.id}:{org_today().isoformat()}"
    await _request_follow_up(membership, f"{quote.kind}_requested", ref)
    return membership, False


async def add_family_member(
    constituent_id: int, first_name: str, last_name: str, birth_date: date | None = None
) -> None:
    """Add a new person to the member's family membership (within the level's cap)."""
    membership = await own(constituent_id)
    level = await get_level(membership.level_id)
    if (
        level.kind == "individual"
        or len(await store.associates_of(membership.id)) >= level.member_cap
    ):
        # Checked first so a refused request creates no contact record.
        raise ConflictError("your membership level covers no more people")
    async with unit_of_work():
        person = await create_constituent(
            ConstituentIn.model_validate(
                {
                    "kind": "individual",
                    "first_name": first_name,
                    "last_name": last_name,
                    "birth_date": birth_date,
                }
            )
        )
        await adjust.add_associate(membership.id, person.id)


async def remove_family_member(constituent_id: int, person_id: int) -> None:
    """Take a person off the member's own membership (404 for anyone else's)."""
    membership = await own(constituent_id)
    await adjust.remove_associate(membership.id, person_id)


async def is_member(constituent_id: int) -> bool:
    """True when the person counts as a member, directly or through a family membership."""
    row = await db.fetch_one(
        "SELECT 1 AS ok FROM membership_membership WHERE member_id = {} AND counts_as_member = {} "
        "UNION ALL SELECT 1 FROM membership_associate a JOIN membership_membership m "
        "ON m.id = a.membership_id WHERE a.constituent_id = {} AND m.counts_as_member = {}",
        constituent_id,
        True,
        constituent_id,
        True,
    )
    return row is not None


async def directory(search: str, limit: int = 50) -> list[dict[str, Any]]:
    """Members who opted in to the directory and count as members, by name (no contact data)."""
    pattern = f"%{search.strip().lower()}%"
    return await db.fetch_all(
        "SELECT c.display_name, l.name AS level_name FROM membership_membership m "
        "JOIN core_constituent c ON c.id = m.member_id "
        "JOIN membership_level l ON l.id = m.level_id WHERE m.directory_opt_in = {} "
        "AND m.counts_as_member = {} AND c.deleted_at IS NULL "
        "AND LOWER(c.display_name) LIKE {} ORDER BY c.sort_name LIMIT {}",
        True,
        True,
        pattern,
        limit,
    )

"""Smaller membership changes: status overrides, member settings, associated members."""

from __future__ import annotations

from core import audit, db
from core.clock import utc_now
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from plugins.membership import rules, store
from plugins.membership.common import org_today
from plugins.membership.levels import get_level
from plugins.membership.memberships import ENTITY, event_payload, write
from plugins.membership.models import Associate, MemberSettingsIn, Membership, OverrideIn


async def override_status(membership_id: int, data: OverrideIn) -> Membership:
    """Force a status (one the rules know) until ``until`` (or until cleared), with a reason."""
    today = org_today()
    if data.until is not None and data.until <= today:
        raise InvalidInputError({"until": "the override must end after today"})
    known = rules.status_names(await rules.list_rules())
    if data.status not in known:
        raise InvalidInputError({"status": f"use one of: {', '.join(known)}"})
    async with unit_of_work():
        before = await store.fetch_membership(membership_id, lock=True)
        level = await get_level(before.level_id)
        changes = {
            "override_status": data.status,
            "override_reason": data.reason,
            "override_until": data.until,
        }
        membership = await write(before, changes, level.grace_days, today)
        await audit.record_change(
            "override",
            ENTITY,
            membership_id,
            before=before.snapshot(),
            after=membership.snapshot(),
            constituent_id=membership.member_id,
        )
        await emit("membership.overridden", event_payload(membership, reason=data.reason))
    return membership


async def clear_override(membership_id: int, *, expired: bool = False) -> Membership:
    """Remove a status override; the rules decide again."""
    async with unit_of_work():
        before = await store.fetch_membership(membership_id, lock=True)
        if before.override_status is None:
            raise ConflictError(f"membership {membership_id} has no status override")
        level = await get_level(before.level_id)
        changes = {"override_status": None, "override_reason": "", "override_until": None}
        membership = await write(before, changes, level.grace_days, org_today())
        await audit.record_change(
            "override_expired" if expired else "override_cleared",
            ENTITY,
            membership_id,
            before=before.snapshot(),
            after=membership.snapshot(),
            constituent_id=membership.member_id,
        )
        await emit("membership.overridden", event_payload(membership, reason=""))
    return membership


async def update_member_settings(membership_id: int, data: MemberSettingsIn) -> Membership:
    """Turn auto-renewal or the member directory listing on or off."""
    async with unit_of_work():
        before = await store.fetch_membership(membership_id, lock=True)
        level = await get_level(before.level_id)
        changes = data.model_dump(exclude_none=True)
        if changes.get("auto_renew") and not level.auto_renew_allowed:
            raise InvalidInputError({"auto_renew": "this level cannot renew automatically"})
        if changes.get("auto_renew") and before.lifecycle == "cancelled":
            raise ConflictError("a cancelled membership cannot renew automatically")
        if not changes:
            return before
        membership = await write(before, changes, level.grace_days, org_today())
        await audit.record_change(
            "update",
            ENTITY,
            membership_id,
            before=before.snapshot(),
            after=membership.snapshot(),
            constituent_id=membership.member_id,
        )
        await emit("membership.settings_changed", event_payload(membership))
    return membership


async def add_associate(membership_id: int, constituent_id: int) -> Associate:
    """Add a person who inherits a family or organisation membership, within the cap."""
    async with unit_of_work():
        membership = await store.fetch_membership(membership_id, lock=True)
        level = await get_level(membership.level_id)
        if level.kind == "individual":
            raise ConflictError("an individual membership has no associated members")
        if membership.lifecycle == "cancelled":
            raise ConflictError("the membership is cancelled")
        if constituent_id == membership.member_id:
            raise InvalidInputError({"constituent_id": "the member is already covered"})
        row = await db.fetch_one(
            "SELECT id FROM core_constituent WHERE id = {} AND deleted_at IS NULL",
            constituent_id,
        )
        if row is None:
            raise InvalidInputError({"constituent_id": "no such constituent"})
        current = await store.associates_of(membership_id)
        if any(a.constituent_id == constituent_id for a in current):
            raise ConflictError("this person is already on the membership")
        if len(current) >= level.member_cap:
            raise ConflictError(f"this level covers at most {level.member_cap} other people")
        await db.execute(
            "INSERT INTO membership_associate (membership_id, constituent_id, added_at) "
            "VALUES ({}, {}, {})",
            membership_id,
            constituent_id,
            utc_now(),
        )
        added = next(
            a
            for a in await store.associates_of(membership_id)
            if a.constituent_id == constituent_id
        )
        await audit.record_change(
            "add_associate",
            ENTITY,
            membership_id,
            after={"constituent_id": constituent_id},
            constituent_id=constituent_id,
        )
        await emit("membership.associates_changed", event_payload(membership))
    return added


async def remove_associate(membership_id: int, constituent_id: int) -> None:
    """Take a person off a family or organisation membership."""
    async with unit_of_work():
        membership = await store.fetch_membership(membership_id, lock=True)
        if not any(
            a.constituent_id == constituent_id for a in await store.associates_of(membership_id)
        ):
            raise NotFoundError("this person is not on the membership")
        await db.execute(
            "DELETE FROM membership_associate WHERE membership_id = {} AND constituent_id = {}",
            membership_id,
            constituent_id,
        )
        await audit.record_change(
            "remove_associate",
            ENTITY,
            membership_id,
            before={"constituent_id": constituent_id},
            constituent_id=constituent_id,
        )
        await emit("membership.associates_changed", event_payload(membership))

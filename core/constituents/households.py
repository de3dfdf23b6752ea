"""Households: constituents of kind ``household`` and the people who live in them, with history.

A person (an individual) belongs to at most one household at a time. Joining another closes
the current membership with ``left_on`` = today in the organisation's time zone; closed rows
are never deleted, so the history of who lived where is kept. Each household has at most one
*primary contact* among its current members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from core import audit, db
from core.constituents import service
from core.constituents.relations_common import (
    as_bool,
    as_date,
    clean_field,
    lock_constituents,
    org_today,
    require_constituent,
    utc_now,
)
from core.errors import ConflictError, InvalidInputError, NotFoundError
from core.events import emit, unit_of_work
from core.pagination import Page, offset_of
from core.plugins.types import EventType

ROLES = ("head", "partner", "child", "member")
MAX_MEMBERS_PER_CALL = 50

EVENT_TYPES = [
    EventType("household.created", "A household was created from a set of people", order=45),
    EventType("household.member_added", "A person joined a household", order=46),
    EventType("household.member_removed", "A person left a household", order=47),
    EventType("household.member_updated", "A member's role or primary contact changed", order=48),
]


@dataclass(frozen=True)
class Membership:
    """A person's membership of a household (``left_on`` is None while current)."""

    id: int
    household_id: int
    household_name: str
    member_id: int
    member_name: str
    role: str
    is_primary_contact: bool
    joined_on: date
    left_on: date | None

    @property
    def current(self) -> bool:
        """True while the person still lives in the household."""
        return self.left_on is None


@dataclass(frozen=True)
class Household:
    """A household and its current members."""

    id: int
    name: str
    members: Sequence[Membership]


# Rules (one household per person, one primary contact) count soft-deleted records too, so
# that restoring one never breaks them; what callers see hides them (``_VISIBLE``).
_MEMBERSHIP_SQL = (
    "SELECT hm.id, hm.household_id, h.display_name AS household_name, hm.member_id, "
    "m.display_name AS member_name, hm.role, hm.is_primary_contact, hm.joined_on, hm.left_on "
    "FROM core_household_member hm JOIN core_constituent h ON h.id = hm.household_id "
    "JOIN core_constituent m ON m.id = hm.member_id "
)
_VISIBLE = "h.deleted_at IS NULL AND m.deleted_at IS NULL AND "


def _membership(row: dict[str, Any]) -> Membership:
    return Membership(
        id=int(row["id"]),
        household_id=int(row["household_id"]),
        household_name=row["household_name"],
        member_id=int(row["member_id"]),
        member_name=row["member_name"],
        role=row["role"],
        is_primary_contact=as_bool(row["is_primary_contact"]),
        joined_on=as_date(row["joined_on"]) or org_today(),
        left_on=as_date(row["left_on"]),
    )


def _snapshot(membership: Membership) -> dict[str, Any]:
    values = asdict(membership)
    del values["household_name"], values["member_name"]
    return values


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInputError({"role": f"must be one of {', '.join(ROLES)}"})


async def require_household(household_id: int) -> dict[str, Any]:
    """A visible constituent of kind ``household``; NotFoundError for anything else."""
    row = await require_constituent(household_id)
    if row["kind"] != "household":
        raise NotFoundError(f"household {household_id} not found")
    return row


async def _require_person(member_id: int, field: str) -> dict[str, Any]:
    row = await require_constituent(member_id)
    if row["kind"] != "individual":
        raise InvalidInputError(
            {field: f"constituent {member_id} is of kind {row['kind']}; only individuals can join"}
        )
    return row


async def _current_membership_of(member_id: int) -> Membership | None:
    row = await db.fetch_one(
        _MEMBERSHIP_SQL + "WHERE hm.member_id = {} AND hm.left_on IS NULL", member_id
    )
    return _membership(row) if row else None


async def _get_membership(membership_id: int) -> Membership:
    row = await db.fetch_one(_MEMBERSHIP_SQL + "WHERE hm.id = {}", membership_id)
    if row is None:
        raise NotFoundError(f"household membership {membership_id} not found")
    return _membership(row)


async def _close(membership: Membership, today: date, reason: str) -> Membership:
    await db.execute(
        "UPDATE core_household_member SET left_on = {} WHERE id = {}", today, membership.id
    )
    closed = await _get_membership(membership.id)
    await audit.record_change(
        "leave",
        "household_member",
        membership.id,
        before=_snapshot(membership),
        after=_snapshot(closed),
        constituent_id=membership.member_id,
    )
    await emit(
        "household.member_removed",
        {
            "household_id": membership.household_id,
            "member_id": membership.member_id,
            "membership_id": membership.id,
            "reason": reason,
        },
    )
    return closed


async def _clear_primary_contact(household_id: int, except_member_id: int) -> None:
    rows = await db.fetch_all(
        _MEMBERSHIP_SQL + "WHERE hm.household_id = {} AND hm.left_on IS NULL "
        "AND hm.is_primary_contact = {} AND hm.member_id <> {}",
        household_id,
        True,
        except_member_id,
    )
    for row in rows:
        before = _membership(row)
        await db.execute(
            "UPDATE core_household_member SET is_primary_contact = {} WHERE id = {}",
            False,
            before.id,
        )
        after = await _get_membership(before.id)
        await audit.record_change(
            "update",
            "household_member",
            before.id,
            before=_snapshot(before),
            after=_snapshot(after),
            constituent_id=before.member_id,
        )


async def _join(
    household_id: int, member_id: int, role: str, is_primary_contact: bool, today: date
) -> Membership:
    """Add a person (already checked and locked) to a household, closing any other membership."""
    current = await _current_membership_of(member_id)
    if current is not None:
        if current.household_id == household_id:
            raise ConflictError(f"constituent {member_id} is already in household {household_id}")
        await _close(current, today, reason="moved")
    if is_primary_contact:
        await _clear_primary_contact(household_id, except_member_id=member_id)
    rows = await db.fetch_all(
        "INSERT INTO core_household_member (household_id, member_id, role, is_primary_contact, "
        "joined_on, left_on, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
        household_id,
        member_id,
        role,
        is_primary_contact,
        today,
        None,
        utc_now(),
    )
    membership = await _get_membership(int(rows[0]["id"]))
    await audit.record_change(
        "join",
        "household_member",
        membership.id,
        after=_snapshot(membership),
        constituent_id=member_id,
    )
    await emit(
        "household.member_added",
        {"household_id": household_id, "member_id": member_id, "membership_id": membership.id},
    )
    return membership


async def add_member(
    household_id: int, member_id: int, *, role: str = "member", is_primary_contact: bool = False
) -> Membership:
    """Add an individual to a household today; they leave any other household today."""
    _check_role(role)
    async with unit_of_work():
        await lock_constituents([household_id, member_id])
        await require_household(household_id)
        await _require_person(member_id, "member_id")
        return await _join(household_id, member_id, role, is_primary_contact, org_today())


async def create_household(
    name: str,
    member_ids: Sequence[int],
    primary_contact_id: int | None = None,
    *,
    roles: Mapping[int, str] | None = None,
) -> Household:
    """Create a household constituent and move the given people into it, all in one change."""
    household_name = clean_field(name, 200, "name")
    if household_name is None:
        raise InvalidInputError({"name": "must not be empty"})
    roles = dict(roles or {})
    if len(member_ids) > MAX_MEMBERS_PER_CALL:
        raise InvalidInputError({"member_ids": f"at most {MAX_MEMBERS_PER_CALL} people per call"})
    if len(set(member_ids)) != len(member_ids):
        raise InvalidInputError({"member_ids": "lists a person more than once"})
    if primary_contact_id is not None and primary_contact_id not in member_ids:
        raise InvalidInputError({"primary_contact_id": "must be one of member_ids"})
    if set(roles) - set(member_ids):
        raise InvalidInputError({"roles": "names people who are not in member_ids"})
    for role in roles.values():
        _check_role(role)
    async with unit_of_work():
        await lock_constituents(member_ids)
        for member_id in member_ids:
            await _require_person(member_id, "member_ids")
        household_id = await _insert_household_constituent(household_name)
        today = org_today()
        members = [
            await _join(
                household_id,
                member_id,
                roles.get(member_id, "member"),
                member_id == primary_contact_id,
                today,
            )
            for member_id in member_ids
        ]
        await emit(
            "household.created",
            {"household_id": household_id, "name": household_name, "member_ids": list(member_ids)},
        )
    return Household(id=household_id, name=household_name, members=members)


async def _insert_household_constituent(name: str) -> int:
    # Through the constituent service, so a household is audited, named and announced
    # (``constituent.created``) like every other constituent; this joins our transaction.
    try:
        created = await service.create_constituent({"kind": "household", "household_name": name})
    except InvalidInputError as exc:
        raise InvalidInputError(
            {("name" if key == "household_name" else key): msg for key, msg in exc.errors.items()}
        ) from exc
    return created.id


async def _require_current(household_id: int, member_id: int) -> Membership:
    row = await db.fetch_one(
        _MEMBERSHIP_SQL + "WHERE " + _VISIBLE + "hm.household_id = {} AND hm.member_id = {} "
        "AND hm.left_on IS NULL",
        household_id,
        member_id,
    )
    if row is None:
        raise NotFoundError(f"constituent {member_id} is not a current member of {household_id}")
    return _membership(row)


async def remove_member(household_id: int, member_id: int) -> Membership:
    """Close a person's current membership of a household with ``left_on`` = today."""
    async with unit_of_work():
        await lock_constituents([household_id, member_id])
        await require_household(household_id)
        current = await _require_current(household_id, member_id)
        return await _close(current, org_today(), reason="removed")


async def update_member(
    household_id: int,
    member_id: int,
    *,
    role: str | None = None,
    is_primary_contact: bool | None = None,
) -> Membership:
    """Change a current member's role and/or make them (or stop them being) primary contact."""
    if role is not None:
        _check_role(role)
    async with unit_of_work():
        await lock_constituents([household_id, member_id])
        await require_household(household_id)
        before = await _require_current(household_id, member_id)
        new_role = before.role if role is None else role
        primary = before.is_primary_contact if is_primary_contact is None else is_primary_contact
        if (new_role, primary) == (before.role, before.is_primary_contact):
            return before
        if primary:
            await _clear_primary_contact(household_id, except_member_id=member_id)
        await db.execute(
            "UPDATE core_household_member SET role = {}, is_primary_contact = {} WHERE id = {}",
            new_role,
            primary,
            before.id,
        )
        after = await _get_membership(before.id)
        await audit.record_change(
            "update",
            "household_member",
            before.id,
            before=_snapshot(before),
            after=_snapshot(after),
            constituent_id=member_id,
        )
        await emit(
            "household.member_updated",
            {
                "household_id": household_id,
                "member_id": member_id,
                "membership_id": before.id,
                "role": new_role,
                "is_primary_contact": primary,
            },
        )
    return after


async def _page(
    where: str, args: list[Any], ordering: str, page: int, per_page: int
) -> Page[Membership]:
    offset = offset_of(page, per_page)
    base = _MEMBERSHIP_SQL + "WHERE " + _VISIBLE + where
    total = await db.fetch_value(f"SELECT COUNT(*) AS n FROM ({base}) counted", *args)
    rows = await db.fetch_all(
        f"{base} ORDER BY {ordering} LIMIT {{}} OFFSET {{}}", *args, per_page, offset
    )
    return Page([_membership(r) for r in rows], int(total or 0), page, per_page)


async def list_members(
    household_id: int, *, history: bool = False, page: int = 1, per_page: int = 50
) -> Page[Membership]:
    """Current members of a household (or every membership, past ones too, with ``history``).

    Current members come first, the primary contact before the others, then by name.
    """
    offset_of(page, per_page)
    await require_household(household_id)
    where = "hm.household_id = {}" + ("" if history else " AND hm.left_on IS NULL")
    # true sorts after false on both databases, so DESC puts the primary contact first.
    ordering = (
        "CASE WHEN hm.left_on IS NULL THEN 0 ELSE 1 END, hm.is_primary_contact DESC, "
        "m.sort_name, hm.joined_on DESC, hm.id DESC"
    )
    return await _page(where, [household_id], ordering, page, per_page)


async def households_of(person_id: int, *, page: int = 1, per_page: int = 50) -> Page[Membership]:
    """A person's household memberships, the current one first, then newest to oldest."""
    offset_of(page, per_page)
    await require_constituent(person_id)
    ordering = "CASE WHEN hm.left_on IS NULL THEN 0 ELSE 1 END, hm.joined_on DESC, hm.id DESC"
    return await _page("hm.member_id = {}", [person_id], ordering, page, per_page)

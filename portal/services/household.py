"""My household: the person's own membership plus what the organisation chooses to share.

``household_sharing`` (portal settings) decides what else is shown: ``members`` (the
display names and roles of the current members) and ``address`` (the
household's primary address). Nothing else about other members (their contact details,
gifts or preferences) is ever shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from core import db
from core.constituents.households import households_of, list_members


@dataclass(frozen=True)
class HouseholdMemberView:
    """Another member as shown to a person: name and role only."""

    name: str
    role: str
    is_me: bool


@dataclass
class HouseholdView:
    """The person's current household as the portal shows it."""

    name: str
    my_role: str
    joined_on: date
    members: list[HouseholdMemberView] = field(default_factory=list)
    address: dict[str, str | None] | None = None
    shares_members: bool = False
    shares_address: bool = False


async def household_view(constituent_id: int, sharing: Sequence[str]) -> HouseholdView | None:
    """The current household (None when the person lives in none)."""
    memberships = await households_of(constituent_id, per_page=1)
    current = next((m for m in memberships.items if m.current), None)
    if current is None:
        return None
    view = HouseholdView(
        name=current.household_name,
        my_role=current.role,
        joined_on=current.joined_on,
        shares_members="members" in sharing,
        shares_address="address" in sharing,
    )
    if view.shares_members:
        members = await list_members(current.household_id, per_page=50)
        view.members.extend(
            HouseholdMemberView(m.member_name, m.role, m.member_id == constituent_id)
            for m in members.items
        )
    if view.shares_address:
        row = await db.fetch_one(
            "SELECT line1, line2, city, region, postcode, country FROM core_address "
            "WHERE constituent_id = {} ORDER BY is_primary DESC, id LIMIT 1",
            current.household_id,
        )
        if row is not None:
            view.address = dict(row)
    return view

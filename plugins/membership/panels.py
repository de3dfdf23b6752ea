"""Data for the constituent profile panel and the dashboard card."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core import db
from plugins.membership import store
from plugins.membership.common import as_int, org_today


async def panel_context(constituent_id: int) -> dict[str, Any]:
    """The constituent's memberships and the memberships that cover them."""
    covered = await db.fetch_all(
        "SELECT m.id, c.display_name AS member_name, l.name AS level_name, m.status, "
        "m.end_date FROM membership_associate a JOIN membership_membership m "
        "ON m.id = a.membership_id JOIN membership_level l ON l.id = m.level_id "
        "JOIN core_constituent c ON c.id = m.member_id WHERE a.constituent_id = {} "
        "ORDER BY m.id",
        constituent_id,
    )
    return {
        "constituent_id": constituent_id,
        "memberships": await store.memberships_of(constituent_id),
        "covered_by": covered,
    }


async def card_context() -> dict[str, Any]:
    """Members now, joiners in the last 30 days, and expiries in the next 30 days."""
    today = org_today()
    row = await db.fetch_one(
        "SELECT SUM(CASE WHEN counts_as_member = {} THEN 1 ELSE 0 END) AS members, "
        "SUM(CASE WHEN join_date > {} AND join_date <= {} THEN 1 ELSE 0 END) AS joined, "
        "SUM(CASE WHEN lifecycle = 'active' AND end_date >= {} AND end_date <= {} "
        "THEN 1 ELSE 0 END) AS expiring FROM membership_membership",
        True,
        today - timedelta(days=30),
        today,
        today,
        today + timedelta(days=30),
    )
    row = row or {}
    return {
        "members": as_int(row.get("members")),
        "joined": as_int(row.get("joined")),
        "expiring": as_int(row.get("expiring")),
    }

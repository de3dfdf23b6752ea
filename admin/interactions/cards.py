"""Core's dashboard cards: my open follow-ups, overdue follow-ups, new constituents.

Cards show only what the staff user may read: follow-up cards need ``interactions.read``,
the constituents card ``constituents.read``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core import db
from core.auth.service import grants, user_permissions
from core.i18n import gettext as _
from core.interactions import queries
from core.plugins.types import DashboardCard

PREVIEW = 5


def month_bounds_utc(today: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where ``today``'s month begins and the next one begins, in ``zone``."""
    start = datetime(today.year, today.month, 1, tzinfo=zone)
    following = (
        datetime(today.year + 1, 1, 1, tzinfo=zone)
        if today.month == 12
        else datetime(today.year, today.month + 1, 1, tzinfo=zone)
    )
    return start.astimezone(UTC), following.astimezone(UTC)


async def new_constituents_between(start: datetime, end: datetime) -> int:
    """Live constituents created in ``[start, end)``."""
    value = await db.fetch_value(
        "SELECT COUNT(*) AS n FROM core_constituent "
        "WHERE created_at >= {} AND created_at < {} AND deleted_at IS NULL",
        start,
        end,
    )
    return int(value or 0)


async def my_follow_ups_card(user_id: int, today: date) -> DashboardCard:
    """My open follow-ups: how many, how many overdue, and the next few."""
    result = await queries.list_follow_ups(owner_id=user_id, per_page=PREVIEW, today=today)
    return DashboardCard(
        key="core.my_follow_ups",
        title=_("My open follow-ups"),
        template="admin/cards/my_follow_ups.html",
        context={"result": result, "today": today},
        order=10,
    )


async def overdue_follow_ups_card(today: date) -> DashboardCard:
    """Overdue follow-ups of every staff member: how many, and the oldest few."""
    result = await queries.list_follow_ups(
        owner_id=None, overdue=True, per_page=PREVIEW, today=today
    )
    return DashboardCard(
        key="core.overdue_follow_ups",
        title=_("Overdue follow-ups"),
        template="admin/cards/overdue_follow_ups.html",
        context={"result": result, "today": today},
        order=11,
    )


async def new_constituents_card(today: date, zone: ZoneInfo) -> DashboardCard:
    """Constituents created this calendar month (organisation's time zone)."""
    start, end = month_bounds_utc(today, zone)
    return DashboardCard(
        key="core.new_constituents",
        title=_("New constituents this month"),
        template="admin/cards/new_constituents.html",
        context={"count": await new_constituents_between(start, end), "month_start": start},
        order=12,
    )


async def core_cards(user_id: int) -> list[DashboardCard]:
    """The cards this user may see."""
    permissions = await user_permissions(user_id)
    zone = queries.org_zone()
    today = datetime.now(zone).date()
    cards: list[DashboardCard] = []
    if grants(permissions, "interactions.read"):
        cards.append(await my_follow_ups_card(user_id, today))
        cards.append(await overdue_follow_ups_card(today))
    if grants(permissions, "constituents.read"):
        cards.append(await new_constituents_card(today, zone))
    return cards

"""Routes and UI-slot contributions of the interactions area.

Pages: the constituent timeline fragment (``timeline.py``), logging an interaction
(``log_form.py``) and the follow-ups page (``follow_ups.py``); core's dashboard cards live
in ``cards.py``.
"""

from __future__ import annotations

from typing import Any

from admin.interactions import cards, follow_ups, log_form, timeline
from core.i18n import gettext as _
from core.plugins.types import DashboardCard, NavItem

ROUTES: list[Any] = [*timeline.ROUTES, *log_form.ROUTES, *follow_ups.ROUTES]


def nav() -> list[NavItem]:
    """The "Follow-ups" entry (called per request, so the label is translated)."""
    return [
        NavItem(_("Follow-ups"), "/admin/follow-ups/", permission="interactions.read", order=20)
    ]


async def dashboard_cards(user_id: int) -> list[DashboardCard]:
    """Core's dashboard cards: my open follow-ups, overdue follow-ups, new constituents."""
    return await cards.core_cards(user_id)

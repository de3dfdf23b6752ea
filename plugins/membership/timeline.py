"""Membership facts on the member's timeline (joined, renewed, lapsed, reminder sent...)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from core.interactions import service as interactions
from plugins.membership.models import Membership

CHANGE_TYPE = "membership.change"
REMINDER_TYPE = "membership.reminder"

CHANGE_SUBJECTS = {
    "joined": "Joined as a member",
    "renewed": "Membership renewed",
    "rejoined": "Membership renewed after it lapsed",
    "upgraded": "Membership upgraded",
    "downgraded": "Membership downgraded",
    "cancelled": "Membership cancelled",
    "lapsed": "Membership lapsed",
    "activated": "Membership dues received",
    "renewal_requested": "Renewal requested online: dues to collect",
    "upgrade_requested": "Upgrade requested online: dues to collect",
    "downgrade_requested": "Downgrade requested online: dues to collect",
    "payment_to_review": "Dues paid online but not applied: to review",
}


class ChangeInteraction(BaseModel):
    """Payload of a ``membership.change`` interaction."""

    model_config = ConfigDict(extra="forbid")
    membership_id: int
    kind: str
    level_name: str
    end_date: str
    status: str


class ReminderInteraction(BaseModel):
    """Payload of a ``membership.reminder`` interaction."""

    model_config = ConfigDict(extra="forbid")
    membership_id: int
    kind: str
    days: int
    end_date: str
    outbox_id: int | None


async def record_change(membership: Membership, kind: str, ref: str) -> None:
    """Put a membership change on the member's timeline (once per ``ref``)."""
    await interactions.record_interaction(
        constituent_id=membership.member_id,
        interaction_type=CHANGE_TYPE,
        payload=ChangeInteraction(
            membership_id=membership.id,
            kind=kind,
            level_name=membership.level_name,
            end_date=membership.end_date.isoformat(),
            status=membership.status,
        ),
        direction="internal",
        subject=CHANGE_SUBJECTS.get(kind, kind),
        external_ref=ref,
    )


async def record_reminder(
    membership: Membership, kind: str, days: int, outbox_id: int | None
) -> None:
    """Put a sent renewal reminder on the member's timeline."""
    await interactions.record_interaction(
        constituent_id=membership.member_id,
        interaction_type=REMINDER_TYPE,
        payload=ReminderInteraction(
            membership_id=membership.id,
            kind=kind,
            days=days,
            end_date=membership.end_date.isoformat(),
            outbox_id=outbox_id,
        ),
        channel="email",
        direction="outbound",
        purpose=None,
        subject="Renewal reminder",
        external_ref=f"reminder:{membership.id}:{kind}:{membership.end_date.isoformat()}:{days}",
    )

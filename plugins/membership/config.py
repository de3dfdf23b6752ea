"""Settings of the ``membership`` plugin (``[plugin_settings.membership]`` in ``steward.toml``).

Every field has a default, so a deployment may enable the plugin without configuring it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Days = Annotated[int, Field(ge=1, le=366)]


class MembershipSettings(BaseModel):
    """Validated settings of the membership plugin."""

    model_config = ConfigDict(extra="forbid")

    reminder_days_before: list[Days] = Field(
        default_factory=lambda: [30, 7],
        max_length=10,
        description="send a renewal reminder this many days before a membership expires",
    )
    grace_reminder_days: list[Days] = Field(
        default_factory=lambda: [7],
        max_length=10,
        description="send a reminder this many days after expiry, while in grace",
    )
    reminder_language: Literal["en", "es"] | None = Field(
        default=None, description="language of reminders; unset means the organisation's locale"
    )
    dues_payment_method: Literal["cash", "cheque", "card", "bank_transfer", "online", "other"] = (
        "other"
    )
    auto_renew_payment_method: Literal["card", "direct_debit", "bank_transfer", "online"] = (
        "direct_debit"
    )
    auto_renew_days_before: int = Field(
        default=3, ge=0, le=60, description="charge auto-renewing dues this many days before expiry"
    )
    online_quote_minutes: int = Field(
        default=60,
        ge=30,
        le=1440,
        description="how long a price quoted for paying dues online holds (gateway page too)",
    )

"""Settings of the ``donations`` plugin (``[plugin_settings.donations]`` in ``steward.toml``).

Every field has a default so a deployment may enable the plugin without configuring it; the
Stripe gateway is available only once its keys are set.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DonationsSettings(BaseModel):
    """Validated settings of the donations plugin."""

    model_config = ConfigDict(extra="forbid")

    stripe_secret_key: str = Field(default="", max_length=300)
    stripe_webhook_secret: str = Field(default="", max_length=300)
    stripe_api_base: str = Field(
        default="https://api.stripe.com",
        pattern=r"^https?://[^\s/]+$",
        description="Stripe API address (stripe-mock or a test server may stand in for it)",
    )
    webhook_tolerance_seconds: int = Field(default=300, ge=30, le=3600)
    success_url: str = Field(default="/portal/donations/thanks", max_length=500)
    cancel_url: str = Field(default="/portal/donations/", max_length=500)
    lapse_after_days: int = Field(
        default=45, ge=1, le=366, description="days a recurring gift may be overdue before lapsing"
    )
    pledge_reminder_days: int = Field(
        default=7, ge=0, le=90, description="days before an instalment is due to remind the donor"
    )
    receipt_series: str = Field(default="R", pattern=r"^[A-Z0-9-]{1,20}$")
    receipt_jurisdiction: str = Field(default="default", pattern=r"^[a-z0-9_]{1,20}$")
    receipt_language: Literal["en", "es"] | None = Field(
        default=None, description="language of receipts; unset means the organisation's locale"
    )

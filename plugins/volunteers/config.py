"""Settings of the ``volunteers`` plugin (``[plugin_settings.volunteers]`` in ``steward.toml``).

Every field has a default so a deployment may enable the plugin without configuring it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class VolunteersSettings(BaseModel):
    """Validated settings of the volunteers plugin."""

    model_config = ConfigDict(extra="forbid")

    reminder_hours_before: int = Field(
        default=24, ge=1, le=336, description="hours before a shift its reminder is sent"
    )
    series_horizon_days: int = Field(
        default=180, ge=7, le=731, description="how far ahead recurring shifts are generated"
    )
    max_self_report_minutes: int = Field(
        default=960, ge=15, le=1440, description="longest self-reported entry, in minutes"
    )

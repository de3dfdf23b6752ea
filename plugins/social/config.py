"""Settings of the ``social`` plugin (``[plugin_settings.social]`` in ``steward.toml``).

Every field has a default so a deployment can enable the plugin without configuring it.
``allow_networks`` exists for tests and for organisations that really run a feed on their own
network: outbound fetches refuse private, loopback, link-local, multicast and reserved
addresses unless the resolved address lies in one of these networks.
"""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SocialSettings(BaseModel):
    """Validated settings of the social plugin."""

    model_config = ConfigDict(extra="forbid")

    allow_networks: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="CIDR networks outbound fetches may reach although they are not public",
    )
    max_response_bytes: int = Field(default=2_000_000, ge=1_000, le=50_000_000)
    timeout_seconds: float = Field(default=15.0, ge=0.5, le=120.0)
    max_redirects: int = Field(default=5, ge=0, le=10)
    user_agent: str = Field(
        default="Stewardship-social/0.1 (+https://stewardship.invalid/bot)", max_length=200
    )
    dispatch_every_seconds: int = Field(default=60, ge=10, le=3600)
    max_backoff_seconds: int = Field(default=6 * 3600, ge=60, le=7 * 86_400)
    max_pages_per_poll: int = Field(default=5, ge=1, le=50)
    webhook_tolerance_seconds: int = Field(default=300, ge=30, le=3600)
    spike_window_hours: int = Field(default=24, ge=1, le=168)
    spike_baseline_days: int = Field(default=14, ge=2, le=90)
    spike_volume_factor: float = Field(default=3.0, ge=1.1, le=100.0)
    spike_min_mentions: int = Field(default=10, ge=1, le=100_000)
    spike_negative_share: float = Field(default=0.25, ge=0.01, le=1.0)
    alert_emails: list[str] = Field(default_factory=list, max_length=50)
    link_min_similarity: float = Field(default=0.85, ge=0.5, le=1.0)

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

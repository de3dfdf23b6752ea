"""The portal's settings (``[plugins.portal]`` in ``steward.toml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

HouseholdShare = Literal["members", "address"]
Purpose = Literal["newsletter", "fundraising", "events"]


def _default_sharing() -> list[HouseholdShare]:
    return ["members"]


def _default_purposes() -> list[Purpose]:
    return ["newsletter", "fundraising", "events"]


class PortalSettings(BaseModel):
    """What a deployment can tune in the portal.

    ``household_sharing`` says what a person sees of their household besides their own record:
    ``members`` (names and roles of the current members) and ``address`` (the household's
    address). An empty list shows only the household's name.
    """

    model_config = ConfigDict(extra="forbid")

    magic_link_minutes: int = Field(default=15, ge=1, le=15)
    session_max_age_seconds: int = Field(default=4 * 3600, ge=300, le=7 * 86400)
    rate_limit_window_seconds: int = Field(default=900, ge=60, le=86400)
    link_requests_per_address: int = Field(default=5, ge=1, le=1000)
    link_requests_per_client: int = Field(default=30, ge=1, le=10000)
    password_attempts_per_window: int = Field(default=10, ge=1, le=1000)
    household_sharing: list[HouseholdShare] = Field(default_factory=_default_sharing)
    consent_purposes: list[Purpose] = Field(default_factory=_default_purposes)


def portal_settings() -> PortalSettings:
    """The validated settings of the enabled portal plugin (defaults when unset)."""
    from core.plugins.registry import plugin_settings

    value = plugin_settings("portal")
    return value if isinstance(value, PortalSettings) else PortalSettings()

"""Organisation settings changed at runtime, on top of ``steward.toml`` and the environment.

A few settings describe the organisation rather than the deployment (its name, time zone,
fiscal year, currency, language and country). Staff change them in the admin UI; the values
are stored in ``core_org_setting`` and applied over the file/env settings at start-up (the
system plugin's ``steward_startup``) and at once after a save.

They are applied *in place* on the process's :class:`~core.settings.Settings` object, so every
holder of it (the registry, ``app.state["settings"]``, plugins that kept it from
``steward_configure``) sees the change; :func:`sync_app` then refreshes what the web
application copied out of it when it was built (the Jinja ``org_name`` global, the
``datetime`` filter's zone, the language middleware's default). Other processes pick the
change up at their next start.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core import audit, db, i18n
from core.context import current_actor
from core.errors import InvalidInputError
from core.events import emit, unit_of_work
from core.money import CURRENCY_EXPONENTS
from core.settings import Locale, Settings

ORG_FIELDS: tuple[str, ...] = (
    "org_name",
    "time_zone",
    "fiscal_year_start_month",
    "default_currency",
    "locale",
    "default_country",
)


def check_time_zone(value: str) -> str:
    """The IANA zone name, or ValueError."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {value!r}") from exc
    return value


def check_currency(value: str) -> str:
    """The upper-cased ISO 4217 code, or ValueError."""
    code = value.upper()
    if code not in CURRENCY_EXPONENTS:
        raise ValueError(f"unknown ISO 4217 currency code {value!r}")
    return code


def check_country(value: str) -> str:
    """The upper-cased ISO 3166 code (one phone numbers can be read for), or ValueError."""
    import phonenumbers

    code = value.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown ISO 3166 country code {value!r}")
    return code


class OrgSettings(BaseModel):
    """The organisation settings staff may change, validated like :class:`Settings`."""

    model_config = ConfigDict(extra="forbid")

    org_name: str = Field(min_length=1, max_length=200)
    time_zone: str = Field(max_length=64)
    fiscal_year_start_month: int = Field(ge=1, le=12)
    default_currency: str = Field(max_length=3)
    locale: Locale
    default_country: str = Field(max_length=2)

    @field_validator("org_name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        cleaned = value.strip()
        if not cleaned:
            raise ValueError("must not be blank")
        return cleaned

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_time_zone(value.strip())

    @field_validator("default_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value.strip())

    @field_validator("default_country")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value.strip())


def current_org_settings(settings: Settings) -> OrgSettings:
    """The organisation settings in effect (file/env values with overrides applied)."""
    return OrgSettings.model_validate({name: getattr(settings, name) for name in ORG_FIELDS})


async def stored_overrides() -> dict[str, Any]:
    """The overrides saved in the database (only valid, known keys)."""
    rows = await db.fetch_all("SELECT key, value FROM core_org_setting")
    values: dict[str, Any] = {}
    for row in rows:
        if row["key"] in ORG_FIELDS:
            try:
                values[row["key"]] = json.loads(row["value"])
            except ValueError:
                continue
    return values


def apply_to_settings(settings: Settings, overrides: dict[str, Any]) -> Settings:
    """Apply overrides in place on ``settings`` after validating them together; returns it.

    An override that no longer validates (say a zone removed from tzdata) is skipped, so a
    bad row can never stop the application from starting.
    """
    merged = {name: getattr(settings, name) for name in ORG_FIELDS}
    for name, value in overrides.items():
        if name not in ORG_FIELDS:
            continue
        candidate = {**merged, name: value}
        try:
            merged = OrgSettings.model_validate(candidate).model_dump()
        except ValidationError:
            continue
    for name, value in merged.items():
        if getattr(settings, name) != value:
            setattr(settings, name, value)
    return settings


async def apply_stored(settings: Settings) -> Settings:
    """Read the stored overrides and apply them in place on ``settings``."""
    return apply_to_settings(settings, await stored_overrides())


async def save_org_settings(settings: Settings, data: OrgSettings | dict[str, Any]) -> OrgSettings:
    """Store the organisation settings that differ from those in effect; audited.

    Applies them in place on ``settings`` after the commit and emits ``org_settings.changed``
    with the names of the changed fields (a fiscal-year change may require rollups to be
    rebuilt by the plugins that keep them).
    """
    try:
        wanted = OrgSettings.model_validate(data)
    except ValidationError as exc:
        raise InvalidInputError(
            {str(e["loc"][0]) if e["loc"] else "__all__": e["msg"] for e in exc.errors()}
        ) from exc
    before = current_org_settings(settings).model_dump()
    after = wanted.model_dump()
    changes = audit.changed_fields(before, after)
    if not changes:
        return wanted
    now = datetime.now(UTC)
    label = current_actor().label[:200]
    async with unit_of_work():
        for name in changes:
            encoded = json.dumps(after[name])
            existing = await db.fetch_one("SELECT key FROM core_org_setting WHERE key = {}", name)
            if existing:
                await db.execute(
                    "UPDATE core_org_setting SET value = {}, changed_at = {}, changed_by = {} "
                    "WHERE key = {}",
                    encoded,
                    now,
                    label,
                    name,
                )
            else:
                await db.execute(
                    "INSERT INTO core_org_setting (key, value, changed_at, changed_by) "
                    "VALUES ({}, {}, {}, {})",
                    name,
                    encoded,
                    now,
                    label,
                )
        await audit.record_change(
            "update",
            "org_settings",
            "organisation",
            before={name: before[name] for name in changes},
            after={name: after[name] for name in changes},
        )
        await emit("org_settings.changed", {"fields": sorted(changes)})
    apply_to_settings(settings, {name: after[name] for name in changes})
    return wanted


def sync_app(app: Any) -> None:
    """Refresh what a Litestar app copied out of its settings when it was built.

    Call after the settings changed in place (start-up, a save): the Jinja ``org_name``
    global, the zone of the ``datetime`` filter and the language middleware's default.
    """
    from core.web.locale import LocaleMiddleware

    settings: Settings = app.state["registry"].settings
    app.state["settings"] = settings
    env = app.state.get("jinja")
    if env is not None:
        zone = settings.zone
        env.globals["org_name"] = settings.org_name
        env.filters["datetime"] = lambda value, style="medium": i18n.format_datetime(
            value, zone, style
        )
    for middleware in getattr(app, "middleware", []):
        if isinstance(middleware, LocaleMiddleware):
            middleware.default_locale = settings.locale

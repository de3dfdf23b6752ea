"""Deployment settings, read from ``steward.toml`` and ``STEWARD_*`` environment variables.

Environment variables win over the TOML file. Plugin settings live under ``[plugins.<name>]``
in the file (or ``STEWARD_PLUGINS__<NAME>__<KEY>`` in the environment) and are validated by
each plugin's own settings model when the plugin loads.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from core.money import CURRENCY_EXPONENTS

SETTINGS_FILE_ENV = "STEWARD_CONFIG"
DEFAULT_SETTINGS_FILE = "steward.toml"

Locale = Literal["en", "es"]


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the setting."""


class Settings(BaseSettings):
    """Everything a deployment configures. See ``docs/operations.md`` for each field."""

    model_config = SettingsConfigDict(
        env_prefix="STEWARD_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    database_url: str = Field(
        default="sqlite:///var/steward.db",
        description="sqlite:///relative.db, sqlite:////absolute.db or postgresql://...",
    )
    org_name: str = Field(default="Stewardship Demo Organisation", min_length=1, max_length=200)
    time_zone: str = "UTC"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    fiscal_year_start_day: int = Field(default=1, ge=1, le=28)
    default_currency: str = "USD"
    locale: Locale = "en"
    default_country: str = Field(
        default="US",
        description="ISO 3166 country used to read phone numbers written without +country.",
    )
    plugins: list[str] | None = Field(
        default=None,
        description="Names of the plugins this deployment enables; unset means all installed.",
    )
    plugin_settings: dict[str, dict[str, Any]] = Field(default_factory=dict)
    secret_key: str = Field(
        default="dev-only-secret-change-me-in-production-0123456789",
        min_length=32,
    )
    allowed_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost"])
    public_base_url: str = "http://127.0.0.1:8000"
    debug: bool = False
    template_override_dir: str | None = Field(
        default=None,
        description="Folder whose templates override plugin and core templates of the same name.",
    )
    auto_migrate: bool = Field(
        default=False,
        description="Apply pending migrations at start-up (single-process SQLite only).",
    )
    jobs_embedded_worker: bool | None = Field(
        default=None,
        description="Run background jobs inside the web process; unset means only on SQLite.",
    )
    session_max_age_seconds: int = Field(default=8 * 3600, ge=300, le=30 * 86400)
    login_rate_limit_per_minute: int = Field(default=10, ge=1, le=1000)
    mail_backend: Literal["outbox", "smtp"] = Field(
        default="outbox",
        description="outbox: record mail for the admin outbox only; smtp: deliver by SMTP too.",
    )
    mail_from: str = Field(default="Stewardship <noreply@localhost>", min_length=3, max_length=300)
    mail_delivery: Literal["queue", "inline"] = Field(
        default="queue",
        description="SMTP delivery from a background job (queue) or during the request (inline).",
    )
    smtp_host: str = Field(default="localhost", min_length=1, max_length=255)
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = Field(default=None, max_length=255)
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=15.0, gt=0, le=300)

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
            return value
        if value.startswith(("postgresql://", "postgres://")):
            return value
        raise ValueError(
            "must look like sqlite:///var/steward.db, sqlite:////absolute/path.db "
            "or postgresql://user:password@host:port/dbname"
        )

    @field_validator("time_zone")
    @classmethod
    def _check_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("default_country")
    @classmethod
    def _check_country(cls, value: str) -> str:
        import phonenumbers

        code = value.upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown ISO 3166 country code {value!r}")
        return code

    @field_validator("default_currency")
    @classmethod
    def _check_currency(cls, value: str) -> str:
        code = value.upper()
        if code not in CURRENCY_EXPONENTS:
            raise ValueError(f"unknown ISO 4217 currency code {value!r}")
        return code

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get(SETTINGS_FILE_ENV, DEFAULT_SETTINGS_FILE))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)

    @property
    def zone(self) -> ZoneInfo:
        """The organisation's time zone."""
        return ZoneInfo(self.time_zone)

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite:")

    def fiscal_year_of(self, day: date) -> int:
        """The fiscal year a date falls in, named by the calendar year in which it ends."""
        start = date(day.year, self.fiscal_year_start_month, self.fiscal_year_start_day)
        if self.fiscal_year_start_month == 1 and self.fiscal_year_start_day == 1:
            return day.year
        return day.year + 1 if day >= start else day.year

    def fiscal_year_bounds(self, fiscal_year: int) -> tuple[date, date]:
        """First and last day (inclusive start, exclusive end) of a fiscal year."""
        if self.fiscal_year_start_month == 1 and self.fiscal_year_start_day == 1:
            return date(fiscal_year, 1, 1), date(fiscal_year + 1, 1, 1)
        month, day = self.fiscal_year_start_month, self.fiscal_year_start_day
        return date(fiscal_year - 1, month, day), date(fiscal_year, month, day)


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming the setting as its environment variable."""
    lines = []
    for error in exc.errors():
        path = "__".join(str(part) for part in error["loc"])
        name = f"STEWARD_{path.upper()}" if path else "settings"
        lines.append(f"{name} ({path}): {error['msg']}")
    return "Invalid settings:\n  " + "\n  ".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings, raising :class:`SettingsError` with a clear message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from exc

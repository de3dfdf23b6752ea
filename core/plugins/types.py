"""Value types that hooks return. Collection items carry ``order``; core sorts by it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Permission:
    """A permission a plugin adds, e.g. ``donations.gift.write``."""

    name: str
    label: str
    description: str = ""
    order: int = 100


@dataclass(frozen=True)
class InteractionType:
    """A kind of interaction, owned by the plugin that declares it.

    ``payload`` validates the typed payload stored with each interaction of this type.
    """

    key: str
    label: str
    payload: type[BaseModel] | None = None
    default_channel: str = "other"
    order: int = 100


@dataclass(frozen=True)
class EventType:
    """A domain event name a plugin emits, with a human description."""

    name: str
    description: str
    order: int = 100


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened and was committed, e.g. ``constituent.created``."""

    name: str
    payload: Mapping[str, Any]
    occurred_at: str
    actor: str | None = None


@dataclass(frozen=True)
class ReportSpec:
    """A report a plugin offers: ``build`` returns rows (and chart series) for parameters."""

    key: str
    label: str
    build: Callable[..., Awaitable[Any]]
    description: str = ""
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True)
class JobSpec:
    """A job handler; with ``every_seconds`` it is also scheduled periodically.

    ``handler`` receives the job's JSON payload as keyword arguments.
    """

    name: str
    handler: Callable[..., Awaitable[Any]]
    every_seconds: int | None = None
    max_attempts: int = 5
    description: str = ""
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    """An entry in the admin navigation."""

    label: str
    href: str
    permission: str | None = None
    icon: str = ""
    order: int = 100


@dataclass(frozen=True)
class DashboardCard:
    """A card on the admin dashboard; ``template`` renders with ``context``."""

    key: str
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class ProfilePanel:
    """A panel on the constituent 360° page."""

    key: str
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class TimelineRenderer:
    """How the admin timeline shows interactions of one type."""

    interaction_type: str
    template: str
    order: int = 100


@dataclass(frozen=True)
class PortalWidget:
    """A widget in the self-service portal for the signed-in constituent."""

    key: str
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class SegmentFilter:
    """A constituent filter a plugin contributes to lists and segments.

    ``sql`` returns a SQL condition on ``c.id`` (the constituent id) with ``{}``
    placeholders, plus its arguments, for a validated parameter value.
    """

    key: str
    label: str
    sql: Callable[[Any], tuple[str, list[Any]]]
    parameter: type[BaseModel] | None = None
    order: int = 100


@dataclass(frozen=True)
class ExportSection:
    """Personal data one plugin holds about a constituent, as named lists of records."""

    plugin: str
    records: Mapping[str, list[Mapping[str, Any]]]
    order: int = 100


@dataclass(frozen=True)
class ErasureReport:
    """What a plugin erased for a constituent and what it kept, with the legal reason."""

    plugin: str
    erased: Mapping[str, int]
    retained: Mapping[str, str] = field(default_factory=dict)
    order: int = 100

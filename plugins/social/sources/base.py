"""The source interface: what a kind of source declares and how it is polled.

A kind is a class with a ``kind`` key, a translated :meth:`SourceKind.label`, a pydantic
``settings_model`` (validated whenever staff save a source) and an async
:meth:`SourceKind.poll`. Polling gets the source's saved state (cursor, ETag,
Last-Modified) and a :class:`PollContext` whose :meth:`PollContext.get` is the only way a
source reaches the network, so every kind inherits the address checks, size and time limits
of :mod:`plugins.social.fetch`.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import InvalidInputError
from plugins.social.fetch import FetchPolicy, FetchResponse, fetch


class SourceError(Exception):
    """The source answered, but with something that is not what its kind expects."""


class MentionIn(BaseModel):
    """One post as a source found it (all text untrusted, already stripped of markup)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: str = Field(min_length=1, max_length=500)
    url: str | None = Field(default=None, max_length=2000)
    author_name: str = Field(default="", max_length=300)
    author_handle: str = Field(default="", max_length=300)
    author_id: str = Field(default="", max_length=500)
    platform: str = Field(default="", max_length=40)
    text: str = Field(default="", max_length=10_000)
    posted_at: datetime
    language: str = Field(default="", max_length=10)

    @field_validator("url")
    @classmethod
    def _web_only(cls, value: str | None) -> str | None:
        """Only http(s) links are kept: a ``javascript:`` or ``data:`` URL from a remote
        server must never become a link staff can click."""
        if value and value.lower().startswith(("http://", "https://")):
            return value
        return None


@dataclass
class PollState:
    """What a source remembers between polls."""

    cursor: str = ""
    etag: str = ""
    last_modified: str = ""


@dataclass
class PollResult:
    """Mentions found and the state to keep for the next poll."""

    mentions: list[MentionIn] = field(default_factory=list)
    state: PollState = field(default_factory=PollState)
    pages: int = 0
    not_modified: bool = False


@dataclass
class PollContext:
    """Network access and limits for one poll."""

    policy: FetchPolicy
    max_pages: int = 5
    transport: httpx.AsyncBaseTransport | None = None

    async def get(self, url: str, headers: Mapping[str, str] | None = None) -> FetchResponse:
        """GET through the safe fetcher."""
        return await fetch(url, self.policy, headers=headers, transport=self.transport)

    async def get_json(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        """GET and decode JSON; anything else is a :class:`SourceError`."""
        response = await self.get(url, {"Accept": "application/json", **(headers or {})})
        try:
            return json.loads(response.body)
        except ValueError as exc:
            raise SourceError(f"the server did not answer with JSON ({url})") from exc


class SourceKind(ABC):
    """A kind of source. Subclasses set the class attributes and implement :meth:`poll`."""

    kind: ClassVar[str]
    settings_model: ClassVar[type[BaseModel]]
    pollable: ClassVar[bool] = True
    platform: ClassVar[str] = ""

    @classmethod
    @abstractmethod
    def label(cls) -> str:
        """The kind's name for staff, in the current language."""

    @classmethod
    def validate_settings(cls, raw: Mapping[str, Any]) -> BaseModel:
        """The settings as the kind's model, or InvalidInputError naming the bad fields."""
        try:
            return cls.settings_model.model_validate(dict(raw))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
                for err in exc.errors()
            )
            raise InvalidInputError(f"invalid {cls.kind} settings: {problems}") from exc

    @abstractmethod
    async def poll(self, settings: Any, state: PollState, ctx: PollContext) -> PollResult:
        """Fetch what is new since ``state``."""


_KINDS: dict[str, type[SourceKind]] = {}


def register_source_kind(cls: type[SourceKind]) -> type[SourceKind]:
    """Add a kind of source (usable as a class decorator); a second kind with a used key fails."""
    existing = _KINDS.get(cls.kind)
    if existing is not None and existing is not cls:
        raise ValueError(f"a source kind {cls.kind!r} is already registered")
    _KINDS[cls.kind] = cls
    return cls


def source_kinds() -> dict[str, type[SourceKind]]:
    """Every registered kind, by key."""
    return dict(sorted(_KINDS.items()))


def source_kind(kind: str) -> type[SourceKind]:
    """The class of ``kind``; InvalidInputError for an unknown key."""
    try:
        return _KINDS[kind]
    except KeyError:
        raise InvalidInputError(f"unknown source kind {kind!r}") from None

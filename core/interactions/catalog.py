"""The vocabulary of interactions: channels, directions, and the interaction-type registry.

Interaction types come from every active plugin's ``steward_interaction_types`` hook. Each key
is namespaced by the plugin that owns it (``donations.gift``); core's internal plugins use the
``core`` namespace (``core.note``). A type whose plugin is switched off is not in the registry,
so nothing new can be recorded with it until the plugin is switched back on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from core.errors import InvalidInputError
from core.plugins.manifest import ManifestError
from core.plugins.registry import PluginRegistry, current_registry
from core.plugins.types import InteractionType

CHANNELS = ("email", "phone", "meeting", "letter", "sms", "social", "web", "event", "other")
DIRECTIONS = ("inbound", "outbound", "internal")
INITIATORS = ("constituent", "staff", "system")
FOLLOW_UP_STATUSES = ("none", "open", "done", "cancelled")

CORE_NAMESPACE = "core"
KEY_MAX_LENGTH = 80
PAYLOAD_MAX_CHARS = 50_000
_KEY = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)(\.[a-z][a-z0-9_]*)*$")


class InteractionTypeError(ManifestError):
    """A plugin declared an interaction type core cannot accept (a bug in that plugin)."""


class EmptyPayload(BaseModel):
    """The payload of a type declared without a model: nothing may be stored."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class RegisteredType:
    """An interaction type together with the plugin that declared it."""

    key: str
    label: str
    plugin: str
    payload_model: type[BaseModel]
    default_channel: str
    order: int

    def payload_schema(self) -> dict[str, Any]:
        """The JSON schema of the payload, for API clients and forms."""
        return self.payload_model.model_json_schema()


def namespaces_of(registry: PluginRegistry, plugin: str) -> set[str]:
    """Key prefixes a plugin may use: its own name, plus ``core`` for core's internal plugins."""
    manifest = registry.by_name.get(plugin)
    if manifest is not None and manifest.internal:
        return {plugin, CORE_NAMESPACE}
    return {plugin}


def _checked(registry: PluginRegistry, plugin: str, item: Any) -> RegisteredType:
    """One declared type, or InteractionTypeError saying what the plugin got wrong."""
    if not isinstance(item, InteractionType):
        raise InteractionTypeError(
            f"plugin {plugin!r}: steward_interaction_types returned {item!r}, "
            "not an InteractionType"
        )
    match = _KEY.match(item.key) if len(item.key) <= KEY_MAX_LENGTH else None
    allowed = namespaces_of(registry, plugin)
    if match is None or match.group(1) not in allowed:
        expected = " or ".join(f"'{ns}.<name>'" for ns in sorted(allowed))
        raise InteractionTypeError(
            f"plugin {plugin!r} declares interaction type {item.key!r}: keys must look like "
            f"{expected} (lower-case letters, digits and underscores, at most "
            f"{KEY_MAX_LENGTH} characters)"
        )
    if item.default_channel not in CHANNELS:
        raise InteractionTypeError(
            f"plugin {plugin!r}, interaction type {item.key!r}: default_channel "
            f"{item.default_channel!r} is not one of {', '.join(CHANNELS)}"
        )
    model = item.payload or EmptyPayload
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise InteractionTypeError(
            f"plugin {plugin!r}, interaction type {item.key!r}: payload must be a pydantic model"
        )
    if model.model_config.get("extra") != "forbid":
        raise InteractionTypeError(
            f"plugin {plugin!r}, interaction type {item.key!r}: payload model "
            f"{model.__name__} must set model_config = ConfigDict(extra='forbid')"
        )
    return RegisteredType(
        key=item.key,
        label=item.label,
        plugin=plugin,
        payload_model=model,
        default_channel=item.default_channel,
        order=item.order,
    )


async def interaction_types() -> dict[str, RegisteredType]:
    """Every active plugin's interaction types by key, sorted by ``order`` then key.

    Raises :class:`InteractionTypeError` when a plugin declares a key outside its namespace,
    a key twice, or a payload model that accepts unknown fields.
    """
    registry = current_registry()
    found: dict[str, RegisteredType] = {}
    for result in await registry.collect_results("steward_interaction_types"):
        items = result.value if isinstance(result.value, list | tuple) else [result.value]
        for item in items:
            registered = _checked(registry, result.plugin, item)
            if registered.key in found:
                raise InteractionTypeError(
                    f"interaction type {registered.key!r} is declared twice "
                    f"(plugins {found[registered.key].plugin!r} and {result.plugin!r})"
                )
            found[registered.key] = registered
    ordered = sorted(found.values(), key=lambda t: (t.order, t.key))
    return {t.key: t for t in ordered}


async def resolve_type(key: str, field: str = "interaction_type") -> RegisteredType:
    """The registered type for ``key``; InvalidInputError if unknown or its plugin is off."""
    types = await interaction_types()
    if key in types:
        return types[key]
    registry = current_registry()
    namespace = key.split(".", 1)[0]
    if namespace in {m.name for m in registry.installed} and not registry.is_active(namespace):
        raise InvalidInputError(
            {field: f"interaction type {key!r} belongs to plugin {namespace!r}, which is off"}
        )
    raise InvalidInputError({field: f"unknown interaction type {key!r}"})


def validate_payload(registered: RegisteredType, payload: Any) -> dict[str, Any]:
    """The payload validated by the type's model, as JSON-ready data.

    Field errors come back as ``payload.<field>`` in an InvalidInputError (422).
    """
    data = {} if payload is None else payload
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    if not isinstance(data, dict):
        raise InvalidInputError({"payload": "must be an object"})
    try:
        model = registered.payload_model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            path = ".".join(str(part) for part in error["loc"])
            name = f"payload.{path}" if path else "payload"
            errors[name] = f"{errors[name]}; {error['msg']}" if name in errors else error["msg"]
        raise InvalidInputError(errors) from exc
    dumped: dict[str, Any] = model.model_dump(mode="json")
    if len(dump_payload(dumped)) > PAYLOAD_MAX_CHARS:
        raise InvalidInputError({"payload": f"must be at most {PAYLOAD_MAX_CHARS} characters"})
    return dumped


def dump_payload(payload: dict[str, Any]) -> str:
    """The stored form of a validated payload."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def load_payload(value: Any) -> dict[str, Any]:
    """A stored payload as a dict (tolerates a driver that already decoded it)."""
    if isinstance(value, dict):
        return value
    if not value:
        return {}
    loaded = json.loads(value)
    return loaded if isinstance(loaded, dict) else {}


def default_initiator(actor_kind: str) -> str:
    """Who initiated an interaction when the caller does not say: staff, a donor, or a process."""
    if actor_kind in {"user", "token"}:
        return "staff"
    if actor_kind == "portal":
        return "constituent"
    return "system"


def year_in_range(value: datetime | Any) -> bool:
    """Dates outside 1900-2199 are typing mistakes, not history or plans."""
    return 1900 <= int(value.year) < 2200

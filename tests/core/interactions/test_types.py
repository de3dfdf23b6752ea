"""Interaction types: core's own, plugins' (namespaced, attributed), and bad declarations."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from core import hookimpl
from core.errors import InvalidInputError
from core.interactions.catalog import (
    InteractionTypeError,
    interaction_types,
    resolve_type,
    validate_payload,
)
from core.plugins.registry import PluginRegistry
from core.plugins.state import set_plugin_enabled
from core.plugins.types import InteractionType, TimelineRenderer
from tests.core.interactions.helpers import add_plugin, hooks_namespace

CORE_KEYS = [
    "core.note",
    "core.call",
    "core.email",
    "core.meeting",
    "core.letter",
    "core.sms",
    "core.task",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_minor: int = Field(ge=0, le=10**12)


class Lax(BaseModel):
    amount_minor: int = 0


def _declaring(*types: InteractionType) -> object:
    @hookimpl
    def steward_interaction_types() -> list[InteractionType]:
        return list(types)

    return hooks_namespace(steward_interaction_types=steward_interaction_types)


async def test_core_declares_its_types_through_the_hook(registry: PluginRegistry) -> None:
    declared = await registry.collect("steward_interaction_types")
    assert [t.key for t in declared if t.key.startswith("core.")] == CORE_KEYS
    types = await interaction_types()
    assert list(types)[: len(CORE_KEYS)] == CORE_KEYS
    assert {types[k].plugin for k in CORE_KEYS} == {"interactions"}
    assert types["core.call"].default_channel == "phone"
    assert types["core.meeting"].default_channel == "meeting"
    schema = types["core.call"].payload_schema()
    assert set(schema["properties"]) == {"duration_seconds", "phone_number", "outcome"}
    assert schema["additionalProperties"] is False


async def test_plugin_types_are_attributed_to_their_plugin(registry: PluginRegistry) -> None:
    add_plugin(
        registry,
        "giving",
        _declaring(InteractionType("giving.gift", "Gift", Strict, "web", order=1)),
    )
    types = await interaction_types()
    assert types["giving.gift"].plugin == "giving"
    assert types["giving.gift"].payload_model is Strict
    assert next(iter(types)) == "giving.gift"  # sorted by order


async def test_switched_off_plugin_types_are_not_recordable(registry: PluginRegistry) -> None:
    add_plugin(registry, "giving", _declaring(InteractionType("giving.gift", "Gift", Strict)))
    assert (await resolve_type("giving.gift")).plugin == "giving"

    await set_plugin_enabled("giving", False)
    registry.state.invalidate()
    assert "giving.gift" not in await interaction_types()
    with pytest.raises(InvalidInputError) as caught:
        await resolve_type("giving.gift")
    assert caught.value.errors == {
        "interaction_type": "interaction type 'giving.gift' belongs to plugin 'giving', "
        "which is off"
    }

    await set_plugin_enabled("giving", True)
    registry.state.invalidate()
    assert (await resolve_type("giving.gift")).key == "giving.gift"


async def test_unknown_type_is_invalid_input(registry: PluginRegistry) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await resolve_type("core.telepathy")
    assert caught.value.errors == {"interaction_type": "unknown interaction type 'core.telepathy'"}


@pytest.mark.parametrize(
    ("key", "model", "channel", "message"),
    [
        ("core.gift", Strict, "other", "keys must look like 'giving.<name>'"),
        ("donations.gift", Strict, "other", "keys must look like 'giving.<name>'"),
        ("gift", Strict, "other", "keys must look like 'giving.<name>'"),
        ("giving.Gift", Strict, "other", "keys must look like 'giving.<name>'"),
        ("giving.gift", Lax, "other", "must set model_config = ConfigDict(extra='forbid')"),
        ("giving.gift", Strict, "fax", "default_channel 'fax' is not one of"),
    ],
)
async def test_bad_declarations_are_rejected_at_collection(
    registry: PluginRegistry, key: str, model: type[BaseModel], channel: str, message: str
) -> None:
    add_plugin(registry, "giving", _declaring(InteractionType(key, "Gift", model, channel)))
    with pytest.raises(InteractionTypeError, match="giving") as caught:
        await interaction_types()
    assert message in str(caught.value)


async def test_duplicate_keys_are_rejected(registry: PluginRegistry) -> None:
    add_plugin(
        registry,
        "giving",
        _declaring(InteractionType("giving.gift", "Gift"), InteractionType("giving.gift", "Again")),
    )
    with pytest.raises(InteractionTypeError, match="declared twice"):
        await interaction_types()


async def test_internal_plugins_may_use_the_core_namespace(registry: PluginRegistry) -> None:
    add_plugin(
        registry, "corextra", _declaring(InteractionType("core.visit", "Visit")), internal=True
    )
    types = await interaction_types()
    assert types["core.visit"].plugin == "corextra"


async def test_type_without_payload_model_accepts_only_an_empty_payload(
    registry: PluginRegistry,
) -> None:
    add_plugin(registry, "giving", _declaring(InteractionType("giving.thanks", "Thanks")))
    registered = (await interaction_types())["giving.thanks"]
    assert validate_payload(registered, None) == {}
    with pytest.raises(InvalidInputError) as caught:
        validate_payload(registered, {"x": 1})
    assert caught.value.errors == {"payload.x": "Extra inputs are not permitted"}


async def test_payload_errors_name_the_payload_fields(registry: PluginRegistry) -> None:
    registered = (await interaction_types())["core.call"]
    with pytest.raises(InvalidInputError) as caught:
        validate_payload(registered, {"duration_seconds": -5, "colour": "red"})
    assert set(caught.value.errors) == {"payload.duration_seconds", "payload.colour"}
    assert validate_payload(registered, {"duration_seconds": 90}) == {
        "duration_seconds": 90,
        "phone_number": None,
        "outcome": None,
    }
    with pytest.raises(InvalidInputError, match="must be an object"):
        validate_payload(registered, [1, 2])


async def test_timeline_renderers_cover_core_types(registry: PluginRegistry) -> None:
    renderers = await registry.collect("steward_timeline_renderers")
    core = {r.interaction_type: r.template for r in renderers if r.interaction_type[:5] == "core."}
    assert set(core) == set(CORE_KEYS)
    assert core["core.call"] == "interactions/call.html"
    assert all(isinstance(r, TimelineRenderer) for r in renderers)


async def test_startup_checks_the_catalogue(registry: PluginRegistry) -> None:
    await registry.call_each("steward_startup", isolate=False, settings=registry.settings)
    add_plugin(registry, "giving", _declaring(InteractionType("gift", "Gift", Strict)))
    with pytest.raises(InteractionTypeError, match="'giving'"):
        await registry.call_each("steward_startup", isolate=False, settings=registry.settings)

"""Manifests are validated, and plugins are ordered by what they require."""

from __future__ import annotations

import pytest

from core.plugins.manifest import ManifestError, PluginInfo
from core.plugins.ordering import topological_order


def manifest(name: str, *requires: str) -> PluginInfo:
    return PluginInfo(name=name, version="1", label=name, hooks="x", requires=frozenset(requires))


def test_requirements_come_first_and_ties_keep_input_order() -> None:
    ordered = topological_order(
        [manifest("membership", "donations"), manifest("social"), manifest("donations")]
    )
    assert [m.name for m in ordered] == ["donations", "membership", "social"]


def test_missing_requirement_is_named() -> None:
    with pytest.raises(ManifestError, match=r"membership.*requires donations"):
        topological_order([manifest("membership", "donations")])


def test_cycle_is_reported_with_its_path() -> None:
    with pytest.raises(ManifestError, match="cycle: aa -> bb -> aa"):
        topological_order([manifest("aa", "bb"), manifest("bb", "aa")])


@pytest.mark.parametrize("bad", ["Donations", "1abc", "a", "has-dash", "x" * 41])
def test_bad_plugin_names_are_refused(bad: str) -> None:
    with pytest.raises(ManifestError, match="must be lower-case"):
        manifest(bad)


def test_plugin_cannot_require_itself() -> None:
    with pytest.raises(ManifestError, match="cannot require itself"):
        manifest("loop", "loop")

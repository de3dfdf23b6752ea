"""Every hookspec is documented (docs/hooks.md is generated from them) and tested."""

from __future__ import annotations

import re
from pathlib import Path

from core.plugins.hookdoc import HOOK_FAMILY, hookspec_functions, render

ROOT = Path(__file__).resolve().parents[2]
HOOK_NAMES = [name for name, _ in hookspec_functions()]


def test_every_hookspec_has_a_docstring_and_family() -> None:
    for name, function in hookspec_functions():
        assert (function.__doc__ or "").strip(), f"{name} has no docstring"
        assert name in HOOK_FAMILY, f"{name} has no family in core/plugins/hookdoc.py"


def test_hook_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "hooks.md").read_text()
    assert committed == render(), (
        "docs/hooks.md is stale: run `python -m core.plugins.hookdoc > docs/hooks.md`"
    )
    for name in HOOK_NAMES:
        assert f"### {name}\n" in committed


def test_every_hookspec_is_exercised_by_a_test() -> None:
    this_file = Path(__file__).resolve()
    test_files = [
        p
        for folder in (ROOT / "tests", ROOT / "plugins")
        for p in folder.rglob("test_*.py")
        if p.resolve() != this_file
    ]
    sources = "\n".join(p.read_text() for p in test_files)
    untested = [
        name
        for name in HOOK_NAMES
        if not re.search(rf"[\"']{name}[\"']|\b{name}\(|hook\.{name}\b", sources)
    ]
    assert not untested, f"hooks no test calls by name: {', '.join(untested)}"

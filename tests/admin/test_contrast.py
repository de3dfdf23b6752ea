"""The admin palette meets WCAG AA contrast (4.5:1 for text) on its backgrounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "admin" / "static" / "admin" / "admin.css"
AA_TEXT = 4.5
# (text colour, background) pairs the stylesheet actually uses for text.
PAIRS = [
    ("ink", "paper"),
    ("ink", "wash"),
    ("muted", "paper"),
    ("muted", "wash"),
    ("brand", "paper"),
    ("brand-dark", "paper"),
    ("ok", "ok-wash"),
    ("warn", "warn-wash"),
    ("bad", "bad-wash"),
    ("bad", "paper"),
]


def palette() -> dict[str, str]:
    """The ``--name: #rrggbb`` custom properties of ``:root``."""
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text()))


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_are_readable(text: str, background: str) -> None:
    colours = palette()
    assert contrast(colours[text], colours[background]) >= AA_TEXT
    # White text on the primary and danger buttons.
    assert contrast("#ffffff", colours["brand"]) >= AA_TEXT
    assert contrast("#ffffff", colours["bad"]) >= AA_TEXT

"""Server-rendered bar charts: geometry computed here, drawn as inline SVG by a template.

No scripts and no inline styles (the admin's CSP forbids both): each bar is a
``<rect class="bar">`` with a ``<title>`` giving its label and value, and the whole chart
carries an ``aria-label``; the table beside every chart holds the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 240
TOP = 10
BOTTOM = 40  # room for the labels under the bars
LEFT = 10
RIGHT = 10


@dataclass(frozen=True)
class Bar:
    """One bar: its box in SVG units, its label and its value as text."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    label_x: float
    negative: bool = False


@dataclass(frozen=True)
class BarChart:
    """A chart ready to draw: view box size, zero line and bars."""

    title: str
    width: int
    height: int
    zero_y: float
    bars: list[Bar] = field(default_factory=list)
    show_labels: bool = True

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not self.bars


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float],
    fmt: Callable[[int | float], str] = str,
) -> BarChart:
    """Vertical bars for ``values`` (negative ones hang below the zero line)."""
    count = len(values)
    if count == 0:
        return BarChart(title, WIDTH, HEIGHT, HEIGHT - BOTTOM)
    high = max(0, *values) if count else 0
    low = min(0, *values) if count else 0
    span = (high - low) or 1
    plot = HEIGHT - TOP - BOTTOM
    zero_y = TOP + plot * high / span
    slot = (WIDTH - LEFT - RIGHT) / count
    gap = min(slot * 0.2, 12)
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        size = plot * abs(value) / span
        x = LEFT + index * slot + gap / 2
        y = zero_y - size if value >= 0 else zero_y
        bars.append(
            Bar(
                x=round(x, 2),
                y=round(y, 2),
                width=round(slot - gap, 2),
                height=round(max(size, 0.5 if value else 0), 2),
                label=label if len(label) <= 14 else label[:13] + "…",
                value_text=fmt(value),
                label_x=round(x + (slot - gap) / 2, 2),
                negative=value < 0,
            )
        )
    return BarChart(title, WIDTH, HEIGHT, round(zero_y, 2), bars, show_labels=count <= 16)


@dataclass(frozen=True)
class Progress:
    """A progress bar: the filled share (0-100) and its text."""

    percent: float
    text: str


def progress(raised: int, goal: int, text: str) -> Progress:
    """The share of ``goal`` that ``raised`` reaches, capped at 100 for drawing."""
    share = 100 * raised / goal if goal > 0 else 0.0
    return Progress(round(min(share, 100.0), 1), text)

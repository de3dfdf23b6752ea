"""Server-rendered stacked bar charts (geometry here, SVG drawn by a template macro).

No scripts and no inline styles (the admin's CSP forbids both): each segment is a
``<rect class="seg series-N">`` with a ``<title>``; colours come from the plugin's CSS, and
the table under every chart holds the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 240
TOP = 10
BOTTOM = 40
SIDE = 10
SERIES_COLOURS = 6  # series-0 .. series-5 in admin.css; more series reuse them


@dataclass(frozen=True)
class Segment:
    """One series' part of a column."""

    series: int
    name: str
    value: int
    y: float
    height: float


@dataclass(frozen=True)
class Column:
    """One stacked column."""

    label: str
    x: float
    width: float
    label_x: float
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True)
class StackedChart:
    """A chart ready to draw."""

    title: str
    series: list[str]
    width: int = WIDTH
    height: int = HEIGHT
    base_y: float = HEIGHT - BOTTOM
    columns: list[Column] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not any(c.segments for c in self.columns)


def stacked_chart(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
) -> StackedChart:
    """Columns for ``labels``, each stacking every series' value at that position."""
    count = len(labels)
    names = [name for name, _ in series]
    if count == 0:
        return StackedChart(title, names)
    totals = [sum(values[i] for _, values in series) for i in range(count)]
    high = max(totals) or 1
    plot = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * SIDE) / count
    gap = min(slot * 0.2, 12)
    columns = []
    for index, label in enumerate(labels):
        x = SIDE + index * slot + gap / 2
        y = float(HEIGHT - BOTTOM)
        segments = []
        for number, (name, values) in enumerate(series):
            value = values[index]
            if not value:
                continue
            size = plot * value / high
            y -= size
            segments.append(
                Segment(number % SERIES_COLOURS, name, value, round(y, 2), round(size, 2))
            )
        columns.append(
            Column(
                label, round(x, 2), round(slot - gap, 2), round(x + (slot - gap) / 2, 2), segments
            )
        )
    return StackedChart(title, names, columns=columns)

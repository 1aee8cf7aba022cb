"""The public page's bar chart, drawn as plain SVG by a template: one horizontal bar per unit, its
name above the bar and its score after it, dashed guides at the class cut-offs.

No matplotlib, no embedded font, no script or style element: a few kilobytes of shapes and text
that any browser renders with JavaScript off, inline in the page or as /cong-khai/chart/....svg.
Text is set in the reader's system font, so nothing here measures it: the name gets the whole
width of its own line, the score the space kept at the right of the longest bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from transparency.results import Group

WIDTH = 420
LEFT = 2
VALUE_SPACE = 60  # room for "100,00" after the longest bar
AXIS = 22  # the scale's figures above the first bar
ROW = 38
TITLE = 28  # a group's name in the standalone chart
LEGEND = 22
NAME_LIMIT = 60


@dataclass
class Bar:
    y: int
    width: float
    name: str
    value: str
    muted: bool

    @property
    def value_x(self) -> float:
        return LEFT + self.width + 4


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Chart:
    title: str
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    legend_y: int | None = None
    offset: int = 0  # where it starts in a standalone chart of several groups

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def guide_bottom(self) -> int:
        return AXIS + ROW * len(self.bars)


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1].rstrip() + "…"


def scale_max(groups: list[Group]) -> float:
    """100, or the highest score rounded up to ten when bonus points take a unit past it."""
    top = max((line.score or 0.0 for group in groups for line in group.lines), default=0.0)
    return max(100.0, math.ceil(top / 10.0) * 10.0)


def group_chart(group: Group, cut_offs: list[tuple[float, str]], maximum: float) -> Chart:
    span = WIDTH - LEFT - VALUE_SPACE
    bars = [
        Bar(
            y=AXIS + ROW * number,
            width=round(span * max(0.0, min(line.score or 0.0, maximum)) / maximum, 1),
            name=_short(line.name),
            value=line.score_text,
            muted=not line.ranked,
        )
        for number, line in enumerate(group.lines)
    ]
    figures = sorted({0.0, maximum, *(value for value, _label in cut_offs if 0 < value < maximum)})
    ticks = [Tick(round(LEFT + span * value / maximum, 1), f"{value:g}") for value in figures]
    height = AXIS + ROW * len(bars) + 4
    legend_y = None
    if any(bar.muted for bar in bars):
        legend_y = height + 12
        height += LEGEND
    return Chart(title=group.name, height=height, bars=bars, ticks=ticks, legend_y=legend_y)


def charts(groups: list[Group], cut_offs: list[tuple[float, str]]) -> list[Chart]:
    """One chart per group on a common scale, so bars compare across groups."""
    maximum = scale_max(groups)
    return [group_chart(group, cut_offs, maximum) for group in groups]


def stacked(groups: list[Group], cut_offs: list[tuple[float, str]]) -> tuple[list[Chart], int]:
    """The groups' charts one under the other, each under its group's name: (charts, height)."""
    out, y = [], 0
    for chart in charts(groups, cut_offs):
        chart.offset = y + TITLE
        y += TITLE + chart.height + 8
        out.append(chart)
    return out, y

"""Charts as server-side SVG: geometry computed here, drawn by ``templates/_charts.html``.

Plain numbers in, coordinates out; the template turns them into ``<rect>``, ``<polyline>`` and
``<text>`` elements with CSS classes (no inline styles, so the strict Content-Security-Policy
holds) and an accessible title. Every chart has its data as a table beside it too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

from bot.core.moderation import Stats

WIDTH = 720
HEIGHT = 240
LEFT = 44  # room for the y-axis labels
RIGHT = 12
TOP = 12
BOTTOM = 28  # room for the x-axis labels
BAR_ROW = 26  # height of one row of a horizontal bar chart
BAR_LABEL = 320  # room for the labels of a horizontal bar chart


@dataclasses.dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    series: str  # CSS class of the series
    label: str  # tooltip (<title>)


@dataclasses.dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclasses.dataclass(frozen=True, slots=True)
class Line:
    points: str  # "x,y x,y …"
    series: str
    dots: tuple[tuple[float, float, str], ...]  # x, y, tooltip


@dataclasses.dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    rects: tuple[Rect, ...] = ()
    lines: tuple[Line, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT
    plot_top: float = TOP
    plot_bottom: float = HEIGHT - BOTTOM


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _day_ticks(days: Sequence[dt.date], x_of: list[float]) -> tuple[Tick, ...]:
    if not days:
        return ()
    every = max(1, math.ceil(len(days) / 8))
    return tuple(Tick(x_of[i], f"{day:%m-%d}") for i, day in enumerate(days) if i % every == 0)


def questions_per_day(stats: Stats) -> Chart:
    """Stacked bars per day: answered (helpful or unrated), unhelpful, abstained."""
    days = stats.daily
    peak = nice_max(max((d.total for d in days), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    bar = max(slot * 0.7, 1.0)
    rects: list[Rect] = []
    centres: list[float] = []
    for i, day in enumerate(days):
        x = LEFT + i * slot + (slot - bar) / 2
        centres.append(x + bar / 2)
        answered = day.total - day.abstained - day.unhelpful
        y = HEIGHT - BOTTOM
        for count, series, what in (
            (answered, "answered", "answered"),
            (day.unhelpful, "unhelpful", "answered, marked not helpful"),
            (day.abstained, "abstained", "abstained"),
        ):
            if count <= 0:
                continue
            height = plot_h * count / peak
            y -= height
            rects.append(Rect(round(x, 1), round(y, 1), round(bar, 1), round(height, 1), series, f"{day.day}: {count} {what}"))
    y_ticks = tuple(Tick(round(HEIGHT - BOTTOM - plot_h * f, 1), f"{peak * f:g}") for f in (0, 0.25, 0.5, 0.75, 1))
    return Chart(WIDTH, HEIGHT, rects=tuple(rects), y_ticks=y_ticks, x_ticks=_day_ticks([d.day for d in days], centres))


def rates_over_time(stats: Stats) -> Chart:
    """Lines per day, 0-100%: the share of questions answered, and the share of votes that were helpful."""
    days = stats.daily
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(days) - 1, 1)
    xs = [LEFT + i * step for i in range(len(days))]

    def line(series: str, values: list[float | None], what: str) -> Line:
        points = [(round(x, 1), round(HEIGHT - BOTTOM - plot_h * v, 1), f"{d.day}: {v:.0%} {what}")
                  for x, v, d in zip(xs, values, days, strict=True) if v is not None]
        return Line(" ".join(f"{x},{y}" for x, y, _ in points), series, tuple(points))

    answered = [(d.total - d.abstained) / d.total if d.total else None for d in days]
    votes = [d.helpful_votes + d.not_helpful_votes for d in days]
    helpful = [d.helpful_votes / v if v else None for d, v in zip(days, votes, strict=True)]
    y_ticks = tuple(Tick(round(HEIGHT - BOTTOM - plot_h * f, 1), f"{f:.0%}") for f in (0, 0.25, 0.5, 0.75, 1))
    return Chart(
        WIDTH,
        HEIGHT,
        lines=(line("answer-rate", answered, "answered"), line("helpful", helpful, "helpful")),
        y_ticks=y_ticks,
        x_ticks=_day_ticks([d.day for d in days], xs),
    )


def most_asked(stats: Stats) -> Chart:
    """Horizontal bars: the facts answered most often."""
    facts = stats.top_facts
    height = TOP + BAR_ROW * max(len(facts), 1) + TOP
    peak = nice_max(max((f.count for f in facts), default=0))
    plot_w = WIDTH - BAR_LABEL - RIGHT - 40
    rects = tuple(
        Rect(BAR_LABEL, TOP + i * BAR_ROW + 4, round(plot_w * f.count / peak, 1), BAR_ROW - 8, "answered", f"{f.title}: {f.count}")
        for i, f in enumerate(facts)
    )
    return Chart(WIDTH, height, rects=rects, plot_left=BAR_LABEL, plot_bottom=height - TOP)

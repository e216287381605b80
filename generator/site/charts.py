"""A small SVG writer for the stats page: bar charts and line charts, nothing else.

Charts are inline SVG, so they take the page's colours: text and axes use ``currentColor``,
bars a CSS variable the stylesheet sets per palette (``--chart-bar``, ``--chart-bar-light``),
lines a fixed set of mid-tone colours that read on white and on Material's dark slate. Every
chart is an ``<svg role="img">`` with a ``<title>`` and ``aria-labelledby``; the page puts the
numbers in a table beside it. All text is XML-escaped here, and nothing depends on the clock,
so the same data gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

WIDTH = 720
FONT = 12
SERIES_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7")
BAR = "fill: var(--chart-bar, #4e79a7)"
BAR_LIGHT = "fill: var(--chart-bar-light, #a0b7d4)"
GRID = 'stroke="currentColor" stroke-opacity="0.15"'


def text_xml(value: str) -> str:
    """Text content, escaped; braces as entities so no later Markdown or Jinja pass reads them."""
    return escape(value).replace("{", "&#123;").replace("}", "&#125;")


def nice_ceiling(value: float) -> tuple[float, float]:
    """An axis top at or above ``value`` and a round tick step (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0, 1.0
    rough = value / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return math.ceil(value / step - 1e-9) * step, step


def number(value: float) -> str:
    """Coordinates with at most one decimal, so the output is short and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass
class Svg:
    """One chart being drawn: a title, a viewBox and the elements in drawing order."""

    ident: str
    title: str
    height: int
    width: int = WIDTH
    parts: list[str] = field(default_factory=list)

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, value: str, anchor: str = "start", extra: str = "") -> None:
        self.add(
            f'<text x="{number(x)}" y="{number(y)}" text-anchor="{anchor}"{extra}>{text_xml(value)}</text>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, style: str = GRID) -> None:
        self.add(f'<line x1="{number(x1)}" y1="{number(y1)}" x2="{number(x2)}" y2="{number(y2)}" {style}/>')

    def rect(self, x: float, y: float, w: float, h: float, style: str, tip: str = "") -> None:
        inner = f"<title>{text_xml(tip)}</title>" if tip else ""
        head = (
            f'<rect x="{number(x)}" y="{number(y)}" width="{number(w)}" height="{number(h)}" style="{style}"'
        )
        self.add(f"{head}>{inner}</rect>" if inner else f"{head}/>")

    def render(self) -> str:
        label = f"{self.ident}-title"
        head = (
            f'<svg class="chart" id="{self.ident}" role="img" aria-labelledby="{label}" '
            f'viewBox="0 0 {self.width} {self.height}" xmlns="http://www.w3.org/2000/svg" '
            f'font-size="{FONT}" fill="currentColor">'
        )
        # No blank line may appear inside: Markdown would end the raw HTML block there.
        return "\n".join([head, f'<title id="{label}">{text_xml(self.title)}</title>', *self.parts, "</svg>"])


@dataclass(frozen=True)
class Plot:
    """The plotting area inside a chart's margins."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def y_axis(svg: Svg, plot: Plot, top: float, step: float, percent: bool = False) -> None:
    """Horizontal grid lines with their values at the left edge."""
    ticks = round(top / step)
    for i in range(ticks + 1):
        value = i * step
        y = plot.bottom - plot.height * value / top
        svg.line(plot.left, y, plot.right, y)
        label = f"{value:.0%}" if percent else f"{value:,g}"
        svg.text(plot.left - 6, y + 4, label, "end")


def x_labels(svg: Svg, plot: Plot, positions: Sequence[float], labels: Sequence[str], most: int = 7) -> None:
    """At most ``most`` labels under the axis, evenly picked, always the first and the last."""
    count = len(labels)
    if count == 0:
        return
    picks = (
        sorted({round(i * (count - 1) / (most - 1)) for i in range(most)}) if count > most else range(count)
    )
    for index in picks:
        anchor = "middle"
        if count > 1 and index == 0 and positions[index] - plot.left < 40:
            anchor = "start"
        elif count > 1 and index == count - 1 and plot.right - positions[index] < 40:
            anchor = "end"
        svg.text(positions[index], plot.bottom + 16, labels[index], anchor)
    svg.line(plot.left, plot.bottom, plot.right, plot.bottom, 'stroke="currentColor" stroke-opacity="0.5"')


def legend(svg: Svg, items: Sequence[tuple[str, str]], x: float, y: float, width: float) -> float:
    """Colour swatches and names, wrapped in rows; returns the y below the legend."""
    cx, cy = x, y
    for name, style in items:
        span = 18 + len(name) * FONT * 0.58 + 16
        if cx + span > x + width and cx > x:
            cx, cy = x, cy + 18
        svg.add(
            f'<rect x="{number(cx)}" y="{number(cy - 9)}" width="12" height="12" rx="2" style="{style}"/>'
        )
        svg.text(cx + 18, cy + 1, name)
        cx += span
    return cy + 18


def stacked_bars(
    ident: str, title: str, labels: Sequence[str], stacks: Sequence[tuple[int, int]], names: tuple[str, str]
) -> str:
    """One bar per item (a dump), each a stack of two counts: ``(lower, upper)``."""
    svg = Svg(ident, title, 290)
    bottom = legend(svg, [(names[0], BAR), (names[1], BAR_LIGHT)], 48, 16, WIDTH - 60)
    plot = Plot(48, bottom + 4, WIDTH - 12, 260)
    top, step = nice_ceiling(max((a + b for a, b in stacks), default=0))
    y_axis(svg, plot, top, step)
    count = max(len(stacks), 1)
    slot = plot.width / count
    bar = min(slot * (0.8 if slot > 4 else 1.0), 48)
    centres = []
    for index, ((lower, upper), label) in enumerate(zip(stacks, labels, strict=True)):
        x = plot.left + slot * index + (slot - bar) / 2
        centres.append(x + bar / 2)
        h_low, h_up = plot.height * lower / top, plot.height * upper / top
        tip = f"{label}: {lower + upper} papers ({lower} {names[0]}, {upper} {names[1]})"
        svg.add(f"<g><title>{text_xml(tip)}</title>")
        svg.rect(x, plot.bottom - h_low, bar, h_low, BAR)
        svg.rect(x, plot.bottom - h_low - h_up, bar, h_up, BAR_LIGHT)
        svg.add("</g>")
    x_labels(svg, plot, centres, labels)
    return svg.render()


def horizontal_bars(ident: str, title: str, items: Sequence[tuple[str, int]]) -> str:
    """One labelled bar per ``(label, value)``, in the order given.

    No links inside the SVG (an SVG anchor's ``href`` is read-only to scripts that rewrite
    links, as Material's instant navigation does); the table under the chart links.
    """
    row = 22
    label_width = min(300, max((len(label) for label, _ in items), default=4) * FONT * 0.56 + 8)
    plot = Plot(label_width + 8, 8, WIDTH - 56, 8 + row * max(len(items), 1))
    svg = Svg(ident, title, int(plot.bottom) + 8)
    top = max((value for _, value in items), default=0) or 1
    for index, (label, value) in enumerate(items):
        y = plot.top + index * row
        width = plot.width * value / top
        svg.add(f"<g><title>{text_xml(f'{label}: {value:,}')}</title>")
        svg.text(plot.left - 8, y + 15, label, "end")
        svg.rect(plot.left, y + 3, max(width, 1), row - 6, BAR)
        svg.text(plot.left + width + 6, y + 15, f"{value:,}")
        svg.add("</g>")
    return svg.render()


def line_chart(
    ident: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
) -> str:
    """Shares (0..1) over the same x positions, one coloured line per series, with a legend.

    With few points each point also gets a marker, and a single point is drawn as markers
    alone, so two dumps still make a readable chart.
    """
    svg = Svg(ident, title, 300)
    styles = [f"fill: {SERIES_COLOURS[i % len(SERIES_COLOURS)]}" for i in range(len(series))]
    bottom = legend(
        svg, [(name, style) for (name, _), style in zip(series, styles, strict=True)], 48, 16, 660
    )
    plot = Plot(48, bottom + 4, WIDTH - 16, 270)
    top, step = nice_ceiling(max((v for _, values in series for v in values), default=0))
    if top > 0.5:  # a share never exceeds 100%: ticks of 20%
        top, step = min(top, 1.0), 0.2
    y_axis(svg, plot, top, step, percent=True)
    count = len(labels)
    inset = plot.width / (2 * count) if count <= 12 else 0
    span = plot.width - 2 * inset

    def x_at(index: int) -> float:
        return plot.left + inset + (span * index / (count - 1) if count > 1 else span / 2)

    positions = [x_at(i) for i in range(count)]
    for (name, values), style in zip(series, styles, strict=True):
        colour = style.removeprefix("fill: ")
        points = [(x_at(i), plot.bottom - plot.height * v / top) for i, v in enumerate(values)]
        if len(points) > 1:
            path = " ".join(f"{number(x)},{number(y)}" for x, y in points)
            svg.add(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-linejoin="round"><title>{text_xml(name)}</title></polyline>'
            )
        if count <= 40:
            for (x, y), label, value in zip(points, labels, values, strict=True):
                svg.add(
                    f'<circle cx="{number(x)}" cy="{number(y)}" r="3.5" fill="{colour}">'
                    f"<title>{text_xml(f'{name}, {label}: {value:.1%}')}</title></circle>"
                )
    x_labels(svg, plot, positions, labels, most=6)
    return svg.render()

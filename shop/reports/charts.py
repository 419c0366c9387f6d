"""
Charts drawn on the server as SVG: no JavaScript, nothing from a CDN, and
nothing the Content-Security-Policy refuses (decision 0020): the markup
carries classes only, and the colours come from the dashboard's stylesheet
(``static/reports/dashboard.css``, the admin's own colour variables, so dark
mode follows). Each bar has a ``<title>``, which browsers show on hover and
screen readers read, and the same figures are in the table beside the chart.

``bar_chart`` draws one bar per point on a scale from zero with "nice" steps
(1, 2, 2.5 or 5 times a power of ten), and optionally a line over the bars
on the same scale (revenue net of refunds over revenue).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 960, 260
LEFT, RIGHT, TOP, BOTTOM = 96, 40, 16, 36
MOST_X_LABELS = 10
TICKS = 5


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | int
    # What the bar's tooltip says (default: the label and the value as the axis writes it).
    title: str = ""


def nice_step(largest: float, ticks: int = TICKS, *, whole: bool = False) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten that covers ``largest`` in ``ticks``."""
    if largest <= 0:
        return 1.0
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return max(1.0, math.ceil(step)) if whole else step


def bar_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    axis_label: Callable[[float], str] = lambda value: f"{value:g}",
    whole: bool = False,
    line: Sequence[Decimal | int] | None = None,
    line_title: str = "",
    empty: str = "Nothing in this period.",
) -> str:
    """
    An SVG document (a string) of one bar per point, labelled along the
    bottom (at most ``MOST_X_LABELS`` labels, evenly spaced) and scaled on
    the left; ``whole``: the scale counts whole things. ``line`` (as many
    values as points) is drawn over the bars, named ``line_title``.
    """
    if line is not None and len(line) != len(points):
        raise ValueError("The line needs a value per point.")
    values = [float(point.value) for point in points]
    largest = max([*values, *(float(v) for v in line or ())], default=0.0)
    step = nice_step(largest, whole=whole)
    top = step * max(1, math.ceil(largest / step))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_width / max(1, len(points))

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={quoteattr(chart_id)} '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for tick in range(round(top / step) + 1):
        value = tick * step
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}"/>'
            f'<text class="y-label" x="{LEFT - 6}" y="{y(value) + 4:.1f}">'
            f"{escape(axis_label(value))}</text>"
        )
    every = max(1, math.ceil(len(points) / MOST_X_LABELS))
    for index, (point, value) in enumerate(zip(points, values, strict=True)):
        x = LEFT + index * band
        width = max(1.0, band * 0.8)
        tooltip = point.title or f"{point.label}: {axis_label(value)}"
        parts.append(
            f'<rect class="bar" x="{x + (band - width) / 2:.2f}" y="{y(value):.2f}" '
            f'width="{width:.2f}" height="{TOP + plot_height - y(value):.2f}">'
            f"<title>{escape(tooltip)}</title></rect>"
        )
        if index % every == 0:
            parts.append(
                f'<text class="x-label" x="{x + band / 2:.1f}" y="{HEIGHT - BOTTOM + 16}">'
                f"{escape(point.label)}</text>"
            )
    if line is not None and points:
        coordinates = " ".join(
            f"{LEFT + (index + 0.5) * band:.2f},{y(float(value)):.2f}"
            for index, value in enumerate(line)
        )
        parts.append(
            f'<polyline class="line" points="{coordinates}"><title>{escape(line_title)}</title>'
            "</polyline>"
        )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_height}" '
        f'y2="{TOP + plot_height}"/>'
        f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_height}"/>'
    )
    if not any(values):
        parts.append(
            f'<text class="empty" x="{LEFT + plot_width / 2}" y="{TOP + plot_height / 2}">'
            f"{escape(empty)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)

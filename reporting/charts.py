"""Charts drawn on the server as inline SVG: the dashboard needs no script and no CDN, prints, and shows
exactly the protected cells (a suppressed cell is a gap with a grey mark, never a guessed value)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6f8b", "#e07a1f", "#5b8c3a", "#8e4585")
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44


@dataclass
class Point:
    label: str
    value: Decimal | None
    suppressed: bool


@dataclass
class Series:
    name: str
    points: list[Point]


def _nice_top(largest: float) -> float:
    if largest <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(largest))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if largest <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def _format(value: float, unit: str) -> str:
    if unit == "rate":
        return "%d %%" % round(value * 100)
    if value >= 10_000:
        return f"{value:,.0f}".replace(",", "\u202f")
    return ("%.1f" % value).rstrip("0").rstrip(".")


def line_chart(title: str, unit: str, series: list[Series]) -> SafeString:
    """One line per series over the same periods; suppressed points are gaps marked on the axis."""
    labels = [point.label for point in series[0].points] if series else []
    values = [float(p.value) for s in series for p in s.points if p.value is not None]
    top = 1.0 if unit == "rate" else _nice_top(max(values, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: float) -> float:
        return TOP + plot_h - (v / top) * plot_h

    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">'
            "<title>{}</title>",
            WIDTH,
            HEIGHT,
            title,
            title,
        )
    ]
    for k in range(5):
        v = top * k / 4
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                round(y(v), 1),
                round(y(v), 1),
                LEFT - 6,
                round(y(v) + 4, 1),
                _format(v, unit),
            )
        )
    every = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    round(x(i), 1),
                    HEIGHT - BOTTOM + 18,
                    label,
                )
            )
    for n, line in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for i, point in enumerate(line.points):
            if point.value is None:
                runs.append([])
                if point.suppressed:
                    parts.append(
                        format_html(
                            '<text class="suppressed" x="{}" y="{}" text-anchor="middle" fill="{}">'
                            "×<title>{}</title></text>",
                            round(x(i), 1),
                            HEIGHT - BOTTOM - 4,
                            colour,
                            "%s %s: secret" % (line.name, point.label),
                        )
                    )
                continue
            px, py = round(x(i), 1), round(y(float(point.value)), 1)
            runs[-1].append("%s,%s" % (px, py))
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="2.5" fill="{}"><title>{} {}: {}</title></circle>',
                    px,
                    py,
                    colour,
                    line.name,
                    point.label,
                    _format(float(point.value), unit),
                )
            )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    format_html(
                        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>', colour, " ".join(run)
                    )
                )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308  (every part is escaped above)


def legend(series: list[Series]) -> SafeString:
    items = [
        format_html('<li><span class="swatch" style="background:{}"></span>{}</li>', PALETTE[n % len(PALETTE)], s.name)
        for n, s in enumerate(series)
    ]
    return mark_safe('<ul class="legend">%s</ul>' % "".join(str(item) for item in items))  # noqa: S308


__all__ = ["Point", "Series", "legend", "line_chart"]

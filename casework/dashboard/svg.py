"""Small server-rendered SVG charts: no JavaScript, no external files, every label escaped.

Each chart carries ``role="img"``, a ``<title>`` and a ``<title>`` per bar, so a screen reader (and a
hovering mouse) gets the number; the page shows the same numbers in a table beside the chart.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = {
    "received": "#2b6cb0",
    "decided": "#2f855a",
    "overdue": "#c53030",
    "in_time": "#2f855a",
    "late": "#c53030",
    "issued": "#2b6cb0",
    "reserved": "#d69e2e",
    "left": "#a0aec0",
    "pending": "#a0aec0",
    "granted_full": "#2f855a",
    "granted_part": "#68d391",
    "rejected": "#c53030",
}
FONT = 'font-family="sans-serif" font-size="11"'


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 — every text in ``body`` went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _legend_width(items: list[tuple[str, str]]) -> int:
    return sum(24 + 7 * len(name) for name, _colour in items)


def _legend(items: list[tuple[str, str]], x: int, y: int) -> list[str]:
    parts = []
    for name, colour in items:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" {FONT}>{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts


def grouped_bars(title: str, categories: list[str], series: list[tuple[str, str, list[int]]]) -> SafeString:
    """Vertical bars, one group a category (an ISO week), one bar a series (received / decided / overdue).

    ``series``: (label, colour key, values).
    """
    plot_h, left, top, bottom = 140, 34, 24, 46
    group_w = max(18, 6 * len(series) + 8)
    legend = [(label, PALETTE.get(key, key)) for label, key, _values in series]
    width = max(left + group_w * max(1, len(categories)) + 10, left + _legend_width(legend))
    height = top + plot_h + bottom
    peak = max([1, *(v for _label, _key, values in series for v in values)])
    body = _legend(legend, left, 12)
    axis_end = left + group_w * max(1, len(categories))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{axis_end}" y2="{top + plot_h}" stroke="#718096"/>')
    body.append(f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" {FONT}>{peak}</text>')
    body.append(f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" {FONT}>0</text>')
    bar_w = max(3, (group_w - 8) // max(1, len(series)))
    for i, category in enumerate(categories):
        x0 = left + i * group_w + 4
        for j, (label, key, values) in enumerate(series):
            value = values[i]
            h = round(plot_h * value / peak)
            x = x0 + j * bar_w
            body.append(
                f'<rect x="{x}" y="{top + plot_h - h}" width="{bar_w - 1}" height="{h}" fill="{PALETTE.get(key, key)}">'
                f"<title>{escape(category)} — {escape(label)}: {value}</title></rect>"
            )
        body.append(
            f'<text transform="translate({x0 + 2},{top + plot_h + 8}) rotate(60)" {FONT}>{escape(category[-3:])}</text>'
        )
    return _svg(width, height, title, body)


def stacked_bars(title: str, rows: list[tuple[str, list[tuple[str, str, int]]]], label_width: int = 200) -> SafeString:
    """Horizontal stacked bars: one row a category (a unit, a service, a step), segments (label, colour, value)."""
    bar_h, gap, top, plot_w = 16, 8, 24, 320
    height = top + max(1, len(rows)) * (bar_h + gap) + 8
    peak = max([1, *(sum(v for _l, _k, v in segments) for _label, segments in rows)])
    legend, seen = [], set()
    for _label, segments in rows:
        for name, key, _v in segments:
            if name not in seen:
                seen.add(name)
                legend.append((name, PALETTE.get(key, key)))
    width = max(label_width + plot_w + 60, label_width + _legend_width(legend))
    body = _legend(legend, label_width, 12)
    for i, (label, segments) in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(
            f'<text x="{label_width - 6}" y="{y + bar_h - 4}" text-anchor="end" {FONT}>{escape(label[:40])}</text>'
        )
        x = label_width
        for name, key, value in segments:
            w = round(plot_w * value / peak)
            if w:
                body.append(
                    f'<rect x="{x}" y="{y}" width="{w}" height="{bar_h}" fill="{PALETTE.get(key, key)}">'
                    f"<title>{escape(label)} — {escape(name)}: {value}</title></rect>"
                )
            x += w
        total = sum(v for _n, _k, v in segments)
        body.append(f'<text x="{x + 4}" y="{y + bar_h - 4}" {FONT}>{total}</text>')
    return _svg(width, height, title, body)

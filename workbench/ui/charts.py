"""Charts for evidence: each one both an interactive plotly figure and a static SVG picture.

The plotly figure is built as its JSON spec (plotly.js draws it in JupyterLab and in evidence with
``evidence_charts: interactive``); the SVG (:mod:`workbench.ui.svg`) is what evidence shows by default.
Neither needs plotly in the kernel or a browser on the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from workbench.ui.svg import GRID, MUTED, Canvas, Scale, nice_ticks, text_width, wrap

RED, GREEN, BLUE, SLATE = "#c62828", "#2e7d32", "#1f5f99", "#37474f"
LAYOUT = {"font": {"size": 12}, "paper_bgcolor": "white", "plot_bgcolor": "white"}


@dataclass(frozen=True)
class Chart:
    """One chart: ``figure`` is the plotly figure as JSON-ready data, ``svg`` the same chart as an image."""

    figure: dict
    svg: Markup






def stacked_columns(groups: list[str], series: dict[str, list[int]], colours: dict[str, str], axis: str,
                    title: str) -> Chart:
    """Columns per group stacked by series (for example checklist items per clause by grade), with a legend."""
    figure = {"data": [{"type": "bar", "name": name, "x": groups, "y": values, "marker": {"color": colours[name]}}
                       for name, values in series.items()],
              "layout": {"barmode": "stack", "height": 380, "margin": {"l": 20, "r": 20, "t": 30, "b": 20}, **LAYOUT,
                         "yaxis": {"title": {"text": axis}}, "legend": {"orientation": "h"}}}

    rows, row, used = [], [], 0.0
    for name in series:  # the legend, in as many rows as it takes
        width = 28 + text_width(name, 11)
        if row and used + width > 620:
            rows.append(row)
            row, used = [], 0.0
        row.append(name)
        used += width
    rows.append(row)
    left, right, top, bottom = 70, 680, 40 + 20 * len(rows), 310 + 20 * len(rows)
    canvas = Canvas(700, bottom + 50, f"{title}: " + "; ".join(
        f"{group} " + ", ".join(f"{name} {values[i]}" for name, values in series.items() if values[i])
        for i, group in enumerate(groups)))
    for r, names in enumerate(rows):
        x = left
        for name in names:
            canvas.rect(x, 12 + 20 * r, 12, 12, colours[name])
            canvas.text(x + 16, 22 + 20 * r, name, size=11)
            x += 28 + text_width(name, 11)
    totals = [sum(values[i] for values in series.values()) for i in range(len(groups))]
    peak = max(totals + [1])
    y = Scale(0, peak, bottom, top)
    value_axis(canvas, y, [t for t in nice_ticks(0, peak) if t <= peak and t == int(t)], left, right, axis)
    band = (right - left) / max(len(groups), 1)
    for i, group in enumerate(groups):
        width, base = min(band * 0.6, 90), 0
        x = left + band * i + (band - width) / 2
        for name, values in series.items():
            if values[i]:
                canvas.rect(x, y(base + values[i]), width, y(base) - y(base + values[i]), colours[name], "white")
                base += values[i]
        canvas.lines(x + width / 2, bottom + 18, wrap(group, band - 4, 11, 2), size=11)
    return Chart(figure, canvas.svg())


def value_axis(canvas: Canvas, y: Scale, ticks: list[float], left: float, right: float, title: str) -> None:
    """Horizontal grid lines with their values on the left, and the axis title turned upwards."""
    for tick in ticks:
        canvas.line(left, y(tick), right, y(tick), GRID)
        canvas.text(left - 6, y(tick) + 4, f"{tick:g}", size=11, anchor="end", fill=MUTED)
    canvas.text(16, (y.start + y.end) / 2, title, size=12, anchor="middle", rotate=True)


def category_axis(canvas: Canvas, x: Scale, ticks, top: float, bottom: float, title: str,
                   labels: list[str] | None = None) -> None:
    """Vertical grid lines with their values below the plot, and the axis title under them."""
    ticks = list(ticks)
    for tick, label in zip(ticks, labels or [f"{t:g}" for t in ticks]):
        canvas.line(x(tick), top, x(tick), bottom, GRID)
        canvas.text(x(tick), bottom + 16, label, size=11, anchor="middle", fill=MUTED)
    if title:
        canvas.text((x.start + x.end) / 2, bottom + 36, title, anchor="middle")


def date_ticks(first: date, last: date) -> list[date]:
    """First days of months between two dates, every month or every few when the span is long
    (weekly when it is under two months)."""
    if (last - first).days < 62:
        return [first + timedelta(days=7 * k) for k in range((last - first).days // 7 + 1)]
    months = [date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
              for k in range(1, (last.year - first.year) * 12 + last.month - first.month + 1)]
    step = max(1, len(months) // 8)
    return months[::step]

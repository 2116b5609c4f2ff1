"""The trend chart of a measure: its value per period (one line per system for a measure taken per
system), with its target and threshold drawn as dashed lines."""

from __future__ import annotations

from workbench.processes.objectives.plan import bounds
from workbench.ui.charts import BLUE, GREEN, LAYOUT, RED, SLATE, Chart, value_axis
from workbench.ui.svg import Canvas, Scale, nice_ticks, text_width

LINE_COLOURS = (BLUE, "#6a1b9a", "#ef6c00", SLATE, "#00838f", "#ad1457")


def trend_chart(series: list, title: str = "") -> Chart:
    """Draw one measure's ``series`` (:class:`~workbench.processes.objectives.trends.Trend` of one measure,
    each with points) over the periods they cover."""
    first = series[0]
    title = title or f"{first.name} ({first.unit})"
    periods = sorted({p.period for t in series for p in t.points}, key=lambda p: bounds(p)[0])
    lines = {"target": (first.target, GREEN), "threshold": (first.threshold, RED)}
    levels = {name: value for name, (value, _c) in lines.items() if value is not None}
    values = [p.value for t in series for p in t.points] + list(levels.values())
    low, high = min(values + [0.0]), max(values + [1.0])
    multi = len(series) > 1 or first.subject not in ("", "organisation")
    figure = {"data": [{"type": "scatter", "mode": "lines+markers", "name": t.subject if multi else first.name,
                        "x": [p.period for p in t.points], "y": [p.value for p in t.points],
                        "line": {"color": LINE_COLOURS[i % len(LINE_COLOURS)]}} for i, t in enumerate(series)],
              "layout": {"title": {"text": title}, "height": 340, **LAYOUT,
                         "margin": {"l": 20, "r": 20, "t": 50, "b": 30},
                         "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": periods},
                         "yaxis": {"title": {"text": first.unit}},
                         "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": v, "y1": v,
                                     "line": {"dash": "dash", "color": lines[name][1]}} for name, v in levels.items()],
                         "annotations": [{"text": f"{name} {v:g}", "xref": "paper", "x": 1, "yref": "y", "y": v,
                                          "xanchor": "right", "yanchor": "bottom", "showarrow": False}
                                         for name, v in levels.items()]}}

    words = "; ".join(f"{t.subject + ': ' if multi else ''}"
                      + ", ".join(f"{p.period} {p.value:g}" for p in t.points) for t in series)
    limits = "".join(f", {name} {v:g}" for name, v in levels.items())
    canvas = Canvas(700, 340, f"{title}{limits}: {words or 'no measurement'}")
    left, right, top, bottom = 70, 680 - (150 if multi else 0), 50, 290
    ticks = nice_ticks(low, high)
    y = Scale(ticks[0], ticks[-1], bottom, top)
    canvas.text(10, 22, title, size=14, bold=True)
    value_axis(canvas, y, ticks, left, right, first.unit)
    step = (right - left) / max(len(periods), 1)
    x = {p: left + step * (i + 0.5) for i, p in enumerate(periods)}
    for p in periods:
        canvas.text(x[p], bottom + 18, p, size=11, anchor="middle")
    for name, v in levels.items():
        colour = lines[name][1]
        canvas.line(left, y(v), right, y(v), colour, 1.5, dashed=True)
        canvas.text(right - 4, y(v) - 5, f"{name} {v:g}", size=11, anchor="end", fill=colour)
    for i, t in enumerate(series):
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        for a, b in zip(t.points, t.points[1:]):
            canvas.line(x[a.period], y(a.value), x[b.period], y(b.value), colour, 2)
        for p in t.points:
            canvas.rect(x[p.period] - 4, y(p.value) - 4, 8, 8, colour)
        if t.points and not multi:
            last = t.points[-1]
            canvas.text(x[last.period], y(last.value) - 9, f"{last.value:g}", size=11, anchor="middle", fill=colour)
        if multi:
            canvas.rect(right + 12, top + 20 * i, 12, 12, colour)
            canvas.text(right + 28, top + 10 + 20 * i, t.subject[:int(120 / text_width("x", 11))], size=11)
    if not periods:
        canvas.text((left + right) / 2, (top + bottom) / 2, "no measurement", anchor="middle")
    return Chart(figure, canvas.svg())

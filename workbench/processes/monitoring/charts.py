"""The monitoring charts: a figure's history across periods with its threshold lines, and a column's
share of rows per bin in the reference and in the period."""

from __future__ import annotations

from workbench.ui.charts import BLUE, GREEN, LAYOUT, RED, SLATE, Chart, value_axis
from workbench.ui.svg import Canvas, Scale, nice_ticks, wrap

AMBER = "#b26a00"
PALETTE = ("#1f5f99", "#6a3d9a", "#00838f", "#8d6e63", "#5d4037", "#283593", "#558b2f", "#ad1457")


def history_chart(title: str, periods: list[str], series: dict[str, list[float | None]],
                  thresholds: list[tuple[str, float]], axis: str) -> Chart:
    """Lines of one or more figures over the periods (``None``: not measured that period), each
    threshold a dashed line with its label; the last period is this run's."""
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": v, "y1": v,
               "line": {"dash": "dash", "color": RED if i == len(thresholds) - 1 else AMBER}}
              for i, (_, v) in enumerate(thresholds)]
    notes = [{"text": label, "xref": "paper", "x": 0, "yref": "y", "y": v, "xanchor": "left", "yanchor": "bottom",
              "showarrow": False} for label, v in thresholds]
    figure = {"data": [{"type": "scatter", "mode": "lines+markers", "name": name, "x": periods, "y": values,
                        "line": {"color": colours[name]}} for name, values in series.items()],
              "layout": {"title": {"text": title}, "height": 340, **LAYOUT, "shapes": shapes, "annotations": notes,
                         "xaxis": {"title": {"text": "Period"}, "type": "category"},
                         "yaxis": {"title": {"text": axis}, "gridcolor": "#eceff1"}, "legend": {"orientation": "h"}}}

    measured = [v for values in series.values() for v in values if v is not None]
    top = max(measured + [v for _, v in thresholds] + [0.0]) * 1.15 or 1.0
    legend_rows = (len(series) + 2) // 3
    left, right, plot_top = 70, 660, 44 + 18 * legend_rows
    bottom = plot_top + 220
    summary = "; ".join(f"{name}: " + ", ".join(f"{p} {'not measured' if v is None else f'{v:.3f}'}"
                                                 for p, v in zip(periods, values)) for name, values in series.items())
    rules = ", ".join(f"{label} {value:g}" for label, value in thresholds)
    canvas = Canvas(680, bottom + 56, f"{title} by period ({rules}): {summary}")
    canvas.text(10, 20, title, size=14, bold=True)
    for i, name in enumerate(series):
        x, y0 = left + (i % 3) * 200, 38 + 18 * (i // 3)
        canvas.rect(x, y0 - 9, 12, 12, colours[name])
        canvas.text(x + 16, y0 + 1, wrap(name, 180, 11, 1)[0], size=11)
    y = Scale(0, top, bottom, plot_top)
    value_axis(canvas, y, [t for t in nice_ticks(0, top) if t <= top], left, right, axis)
    step = (right - left) / max(len(periods), 1)
    xs = [left + step * (i + 0.5) for i in range(len(periods))]
    for i, (label, value) in enumerate(thresholds):
        colour = RED if i == len(thresholds) - 1 else AMBER
        canvas.line(left, y(value), right, y(value), colour, 1.5, dashed=True)
        canvas.text(right - 4, y(value) - 4, f"{label} {value:g}", size=11, anchor="end", fill=colour)
    for name, values in series.items():
        points = [(x, v) for x, v in zip(xs, values) if v is not None]
        for (x1, v1), (x2, v2) in zip(points, points[1:]):
            canvas.line(x1, y(v1), x2, y(v2), colours[name], 2)
        for x, v in points:
            canvas.rect(x - 3, y(v) - 3, 6, 6, colours[name])
    for i, (x, period) in enumerate(zip(xs, periods)):
        canvas.lines(x, bottom + 16, wrap(period, step - 4, 11, 2), size=11)
    canvas.rect(xs[-1] - step / 2, plot_top, step, bottom - plot_top, "none", stroke=SLATE)
    canvas.text(xs[-1], bottom + 44, "this period", size=11, anchor="middle", fill=SLATE)
    return Chart(figure, canvas.svg())


def bins_chart(drift) -> Chart:
    """A column's share of rows per bin: the reference beside the period, the period coloured by the
    column's drift status."""
    colour = {"stable": GREEN, "warning": AMBER, "drift": RED}[drift.status]
    labels = [b.label for b in drift.bins]
    title = f"{drift.column}: share of rows per bin (PSI {drift.psi:.3f}, {drift.status})"
    figure = {"data": [{"type": "bar", "name": "reference", "x": labels, "y": [b.reference for b in drift.bins],
                        "marker": {"color": SLATE}},
                       {"type": "bar", "name": "this period", "x": labels, "y": [b.current for b in drift.bins],
                        "marker": {"color": colour}}],
              "layout": {"barmode": "group", "height": 320, **LAYOUT, "title": {"text": title},
                         "yaxis": {"title": {"text": "Share of rows"}}}}
    top = max([b.reference for b in drift.bins] + [b.current for b in drift.bins]) * 1.2 or 1
    canvas = Canvas(680, 330, f"{title}: " + ", ".join(f"{b.label} {b.reference:.3f} in the reference, "
                                                         f"{b.current:.3f} in the period" for b in drift.bins))
    left, right, plot_top, bottom = 70, 660, 50, 262
    y = Scale(0, top, bottom, plot_top)
    canvas.text(10, 22, title, size=14, bold=True)
    value_axis(canvas, y, [t for t in nice_ticks(0, top) if t <= top], left, right, "Share of rows")
    band = (right - left) / len(drift.bins)
    width = min(band * 0.4, 40)
    for i, b in enumerate(drift.bins):
        x = left + band * i + band / 2 - width
        canvas.rect(x, y(b.reference), width, bottom - y(b.reference), SLATE)
        canvas.rect(x + width, y(b.current), width, bottom - y(b.current), colour)
        canvas.lines(x + width, bottom + 16, wrap(b.label, band - 2, 10, 2), size=10)
    canvas.text(left, 320, "grey: reference; coloured: this period (green stable, amber warning, red drift)",
                size=11, fill=BLUE)
    return Chart(figure, canvas.svg())

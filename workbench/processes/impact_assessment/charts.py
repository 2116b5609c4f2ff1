"""The impact assessment's chart: a measured disparity per group against its threshold."""

from __future__ import annotations

from workbench.ui.charts import Chart, RED, GREEN, SLATE, LAYOUT, value_axis
from workbench.ui.svg import Canvas, Scale, nice_ticks, wrap


def disparity_chart(fairness, metric: str) -> Chart:
    """One disparity metric: a bar per sensitive attribute, the configured threshold drawn as a line,
    bars beyond the threshold in red."""
    found = [(a.attribute, d) for a in fairness.attributes for d in a.disparities if d.metric == metric]
    title, threshold, bound = found[0][1].title, found[0][1].threshold, found[0][1].bound
    colours = [RED if d.breach else GREEN for _, d in found]
    labels = [f"{d.value:.3f}{' breach' if d.breach else ''}" for _, d in found]
    rule = f"threshold {'≥' if bound == 'min' else '≤'} {threshold:g}"
    top = max([d.value for _, d in found] + [threshold, 1.0 if bound == "min" else 0]) * 1.2
    figure = {
        "data": [{"type": "bar", "x": [attribute for attribute, _ in found], "y": [d.value for _, d in found],
                  "marker": {"color": colours}, "text": labels, "textposition": "outside",
                  "hovertemplate": "%{x}: %{y:.3f}<extra></extra>"}],
        "layout": {"title": {"text": title}, "height": 320, "margin": {"l": 20, "r": 20, "t": 50, "b": 20}, **LAYOUT,
                   "showlegend": False, "xaxis": {"title": {"text": "Sensitive attribute"}},
                   "yaxis": {"title": {"text": title}, "range": [0, top], "gridcolor": "#eceff1"},
                   "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": threshold,
                               "y1": threshold, "line": {"dash": "dash", "color": SLATE}}],
                   "annotations": [{"text": rule, "xref": "paper", "x": 0, "yref": "y", "y": threshold,
                                    "xanchor": "left", "yanchor": "bottom", "showarrow": False}]}}

    canvas = Canvas(640, 320, f"{title} by sensitive attribute, {rule}: "
                    + ", ".join(f"{a} {label}" for (a, _), label in zip(found, labels)))
    left, right, plot_top, bottom = 70, 620, 50, 262
    y = Scale(0, top, bottom, plot_top)
    canvas.text(10, 22, title, size=14, bold=True)
    value_axis(canvas, y, [t for t in nice_ticks(0, top) if t <= top], left, right, title)
    band = (right - left) / len(found)
    for i, ((attribute, d), colour, label) in enumerate(zip(found, colours, labels)):
        width = min(band * 0.6, 120)
        x = left + band * i + (band - width) / 2
        canvas.rect(x, y(d.value), width, bottom - y(d.value), colour)
        canvas.text(x + width / 2, y(d.value) - 5, label, size=11, anchor="middle")
        canvas.lines(x + width / 2, bottom + 16, wrap(attribute, band - 4, 11, 2), size=11)
    canvas.line(left, y(threshold), right, y(threshold), SLATE, 1.5, dashed=True)
    canvas.text(left + 4, y(threshold) - 5, rule, size=11, fill=SLATE)
    canvas.text((left + right) / 2, 310, "Sensitive attribute", anchor="middle")
    return Chart(figure, canvas.svg())

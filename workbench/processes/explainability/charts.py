"""The explainability charts: each feature's importance overall, and per group of a sensitive attribute."""

from __future__ import annotations

from workbench.ui.charts import BLUE, GREEN, LAYOUT, RED, SLATE, Chart, category_axis
from workbench.ui.svg import Canvas, Scale, nice_ticks, text_width

SHOWN = 15  # features drawn; the tables list them all
PALETTE = (BLUE, "#e08a00", GREEN, "#7b3fa0", SLATE, "#00838f", "#ad1457", "#6d4c41")
LEFT, RIGHT, ROW = 170, 640, 30


def axis_title(method: str, scoring: str) -> str:
    """What an importance is, as the charts' axis says it."""
    return f"drop in {scoring} when shuffled" if method == "permutation" else "mean absolute attribution"


def _scale(values: list[float]) -> tuple[Scale, list[float]]:
    low, high = min([0.0, *values]), max([0.0, *values]) or 1.0
    ticks = nice_ticks(low, high)
    return Scale(ticks[0], ticks[-1], LEFT, RIGHT), ticks


def importance_chart(features: list, proxies: set[str], method: str, scoring: str) -> Chart:
    """One bar per feature, the most important at the top, proxies in red; a whisker spans one standard
    deviation of the permutation's repeats either side."""
    shown = features[:SHOWN]
    axis = axis_title(method, scoring)
    summary = f"Feature importance ({axis}): " + ", ".join(
        f"{f.feature} {f.mean:.3f}{' (proxy)' if f.feature in proxies else ''}" for f in shown)
    colours = [RED if f.feature in proxies else BLUE for f in shown]
    figure = {"data": [{"type": "bar", "orientation": "h", "y": [f.feature for f in shown][::-1],
                        "x": [f.mean for f in shown][::-1], "marker": {"color": colours[::-1]},
                        **({"error_x": {"type": "data", "array": [f.std for f in shown][::-1]}}
                           if method == "permutation" else {})}],
              "layout": {"height": 90 + ROW * len(shown), **LAYOUT, "title": {"text": "Feature importance"},
                         "xaxis": {"title": {"text": axis}}}}
    top, bottom = 40, 40 + ROW * len(shown)
    x, ticks = _scale([f.mean + (f.std or 0) for f in shown] + [f.mean - (f.std or 0) for f in shown])
    canvas = Canvas(680, bottom + 70, summary)
    canvas.text(10, 22, "Feature importance", size=14, bold=True)
    category_axis(canvas, x, ticks, top, bottom, axis)
    for i, (f, colour) in enumerate(zip(shown, colours)):
        y = top + i * ROW
        canvas.text(LEFT - 8, y + 19, _fit(f.feature), size=12, anchor="end")
        canvas.rect(min(x(0), x(f.mean)), y + 6, abs(x(f.mean) - x(0)), ROW - 12, colour)
        if f.std:
            canvas.line(x(f.mean - f.std), y + ROW / 2, x(f.mean + f.std), y + ROW / 2, SLATE, 1.5)
    canvas.text(LEFT, bottom + 60, "red: a top feature flagged as a proxy for a sensitive attribute", size=11)
    return Chart(figure, canvas.svg())


def group_chart(attribute: str, groups: list, order: list[str], method: str, scoring: str) -> Chart:
    """For one sensitive attribute, each feature's importance within each of its groups, side by side."""
    shown = order[:SHOWN]
    axis = axis_title(method, scoring)
    value = {(g.group, i.feature): i.mean for g in groups for i in g.importances}
    colour = {g.group: PALETTE[n % len(PALETTE)] for n, g in enumerate(groups)}
    summary = f"Feature importance by {attribute} ({axis}): " + "; ".join(
        f"{g.group} ({g.rows} rows): " + ", ".join(f"{f} {value[g.group, f]:.3f}" for f in shown) for g in groups)
    figure = {"data": [{"type": "bar", "orientation": "h", "name": f"{g.group} ({g.rows} rows)", "y": shown[::-1],
                        "x": [value[g.group, f] for f in shown][::-1], "marker": {"color": colour[g.group]}}
                       for g in groups],
              "layout": {"barmode": "group", "height": 120 + ROW * len(shown) * max(1, len(groups) // 2), **LAYOUT,
                         "title": {"text": f"Feature importance by {attribute}"}, "xaxis": {"title": {"text": axis}}}}
    bar = min(12, (ROW * 2 - 8) / len(groups))
    block = bar * len(groups) + 10
    legend_rows, row, used = [], [], 0.0
    for g in groups:
        width = 28 + text_width(f"{g.group} ({g.rows} rows)", 11)
        if row and used + width > 640:
            legend_rows.append(row)
            row, used = [], 0.0
        row.append(g)
        used += width
    legend_rows.append(row)
    top = 36 + 20 * len(legend_rows)
    bottom = top + block * len(shown)
    x, ticks = _scale(list(value.values()))
    canvas = Canvas(680, int(bottom + 50), summary)
    canvas.text(10, 22, f"Feature importance by {attribute}", size=14, bold=True)
    for r, names in enumerate(legend_rows):
        left = LEFT
        for g in names:
            label = f"{g.group} ({g.rows} rows)"
            canvas.rect(left, 28 + 20 * r, 12, 12, colour[g.group])
            canvas.text(left + 16, 38 + 20 * r, label, size=11)
            left += 28 + text_width(label, 11)
    category_axis(canvas, x, ticks, top, bottom, axis)
    for i, f in enumerate(shown):
        y = top + i * block
        canvas.text(LEFT - 8, y + block / 2 + 4, _fit(f), size=12, anchor="end")
        for n, g in enumerate(groups):
            v = value[g.group, f]
            canvas.rect(min(x(0), x(v)), y + 5 + n * bar, abs(x(v) - x(0)), bar - 1, colour[g.group])
    return Chart(figure, canvas.svg())


def _fit(name: str) -> str:
    """A feature's name cut to fit left of the bars (the tables give it whole)."""
    return name if text_width(name, 12) <= LEFT - 14 else name[:int((LEFT - 14) / (0.52 * 12)) - 1] + "…"

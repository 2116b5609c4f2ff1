"""Charts for evidence: each one both an interactive plotly figure and a static SVG picture.

The plotly figure is built as its JSON spec (plotly.js draws it in JupyterLab and in evidence with
``evidence_charts: interactive``); the SVG (:mod:`workbench.ui.svg`) is what evidence shows by default.
Neither needs plotly in the kernel or a browser on the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from workbench.ui.svg import GRID, MUTED, Canvas, Scale, luminance, nice_ticks, text_width, wrap

RED, GREEN, BLUE, SLATE = "#c62828", "#2e7d32", "#1f5f99", "#37474f"
LAYOUT = {"font": {"size": 12}, "paper_bgcolor": "white", "plot_bgcolor": "white"}


@dataclass(frozen=True)
class Chart:
    """One chart: ``figure`` is the plotly figure as JSON-ready data, ``svg`` the same chart as an image."""

    figure: dict
    svg: Markup


def risk_heatmap(assessed: list, criteria) -> Chart:
    """Two 5 x 5 grids, inherent and residual: cells coloured by band, labelled with risk ids."""
    names = criteria.band_names()
    n = len(names)
    colourscale = []
    for i, name in enumerate(names):
        colour = criteria.band(name).colour
        colourscale += [[i / n, colour], [(i + 1) / n, colour]]
    bands = [[names.index(criteria.level(l, i).band) + 0.5 for i in range(1, 6)] for l in range(1, 6)]
    impact = [f"{s.level} {s.label}" for s in criteria.impact]
    likelihood = [f"{s.level} {s.label}" for s in criteria.likelihood]
    panels = []
    for kind in ("inherent", "residual"):
        cells = [[[] for _ in range(5)] for _ in range(5)]
        for a in assessed:
            level = getattr(a, kind)
            cells[level.likelihood - 1][level.impact - 1].append(a.risk.id)
        panels.append((kind, [[", ".join(ids) for ids in row] for row in cells]))

    data, layout = [], {"height": 460, "margin": {"l": 20, "r": 20, "t": 40, "b": 20}, **LAYOUT, "annotations": []}
    for i, (kind, text) in enumerate(panels):
        suffix = "" if i == 0 else "2"
        data.append({"type": "heatmap", "z": bands, "x": impact, "y": likelihood, "text": text,
                     "texttemplate": "%{text}", "colorscale": colourscale, "zmin": 0, "zmax": n, "showscale": False,
                     "xgap": 2, "ygap": 2, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                     "hovertemplate": "likelihood %{y}<br>impact %{x}<br>risks: %{text}<extra></extra>"})
        domain = [0, 0.4] if i == 0 else [0.6, 1]
        layout[f"xaxis{suffix}"] = {"domain": domain, "anchor": f"y{suffix}", "title": {"text": "Impact"}, "tickangle": 0}
        layout[f"yaxis{suffix}"] = {"domain": [0, 1], "anchor": f"x{suffix}", "title": {"text": "Likelihood"}}
        layout["annotations"].append({"text": f"{kind.capitalize()} risk", "x": sum(domain) / 2, "y": 1,
                                      "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                                      "showarrow": False, "font": {"size": 16}})

    colours = [[criteria.band(names[int(b)]).colour for b in row] for row in bands]
    canvas = Canvas(1000, 440, "Heatmaps of inherent and residual risk: risk ids by likelihood and impact")
    label_width = min(150, max(text_width(label, 11) for label in likelihood))
    for i, (kind, text) in enumerate(panels):
        left = i * 500 + 34 + label_width + 8
        right, top, cell_h = i * 500 + 480, 40, 66
        cell_w = (right - left) / 5
        canvas.text((left + right) / 2, 24, f"{kind.capitalize()} risk", size=15, anchor="middle", bold=True)
        canvas.text(i * 500 + 18, top + 2.5 * cell_h, "Likelihood", anchor="middle", rotate=True)
        for row in range(5):  # likelihood 5 at the top
            like = 4 - row
            y = top + row * cell_h
            canvas.text(left - 8, y + cell_h / 2 + 4, likelihood[like], size=11, anchor="end")
            for imp in range(5):
                x = left + imp * cell_w
                colour = colours[like][imp]
                canvas.rect(x + 1, y + 1, cell_w - 2, cell_h - 2, colour)
                if text[like][imp]:
                    ink = "#1f2328" if luminance(colour) > 0.5 else "white"
                    canvas.lines(x + cell_w / 2, y + cell_h / 2, wrap(text[like][imp], cell_w - 8, 11), size=11,
                                 fill=ink)
        for imp in range(5):
            level, _, label = impact[imp].partition(" ")
            canvas.lines(left + (imp + 0.5) * cell_w, top + 5 * cell_h + 22, [level, *wrap(label, cell_w, 10, 2)],
                         size=10)
        canvas.text((left + right) / 2, 432, "Impact", anchor="middle")
    return Chart({"data": data, "layout": layout}, canvas.svg())


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
    _value_axis(canvas, y, [t for t in nice_ticks(0, top) if t <= top], left, right, title)
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


def readiness_bars(groups: list, title: str, target: int) -> Chart:
    """Readiness per clause or Annex A area as horizontal bars from 0 to 100 %, with the target
    maturity drawn as a dashed line (target / 5)."""
    labels = [f"{g.group} {g.title}" for g in groups]
    values = [round(g.readiness * 100, 1) for g in groups]
    goal = target * 20
    height = 80 + 34 * len(groups)
    figure = {
        "data": [{"type": "bar", "x": values, "y": labels, "orientation": "h", "text": [f"{v:g}%" for v in values],
                  "textposition": "auto", "marker": {"color": BLUE}, "hovertemplate": "%{y}: %{x}%<extra></extra>"}],
        "layout": {"title": {"text": title}, "height": height, "margin": {"l": 20, "r": 20, "t": 50, "b": 30},
                   **LAYOUT, "xaxis": {"range": [0, 100], "title": {"text": "readiness (%)"}},
                   "yaxis": {"autorange": "reversed"},
                   "shapes": [{"type": "line", "xref": "x", "x0": goal, "x1": goal, "yref": "paper", "y0": 0,
                               "y1": 1, "line": {"dash": "dash", "color": "#b00020"}}],
                   "annotations": [{"text": f"target {target} = {goal}%", "xref": "x", "x": goal, "yref": "paper",
                                    "y": 1, "yanchor": "bottom", "showarrow": False}]}}

    canvas = Canvas(1000, height + 20, f"{title}, target {goal}%: "
                    + ", ".join(f"{label} {value:g}%" for label, value in zip(labels, values)))
    left = min(420, max(text_width(label, 12) for label in labels) + 20)
    top, bottom = 50, 50 + 34 * len(groups)
    x = Scale(0, 100, left, 960)
    canvas.text(10, 22, title, size=14, bold=True)
    _category_axis(canvas, x, range(0, 101, 20), top, bottom, "readiness (%)")
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + 34 * i + 6
        canvas.text(left - 8, y + 15, wrap(label, left - 16, 12, 1)[0], anchor="end")
        canvas.rect(left, y, x(value) - left, 22, BLUE)
        inside = x(value) - left > 60
        canvas.text(x(value) - 6 if inside else x(value) + 6, y + 15, f"{value:g}%", size=11,
                    anchor="end" if inside else "start", fill="white" if inside else "#1f2328")
    canvas.line(x(goal), top - 6, x(goal), bottom, "#b00020", 1.5, dashed=True)
    canvas.text(x(goal), top - 10, f"target {target} = {goal}%", size=11, anchor="middle", fill="#b00020")
    return Chart(figure, canvas.svg())


def plan_timeline(actions: list) -> Chart:
    """The implementation plan as a timeline: one bar per action from its start to its due date.

    Typed text in hover labels is escaped: plotly renders some HTML tags (links among them) there.
    """
    day_ms = 86_400_000
    labels = [f"{a.id} {a.item}" for a in actions]
    height = 100 + 30 * len(actions)
    figure = {
        "data": [{"type": "bar", "base": [a.start_date.isoformat() for a in actions],
                  "x": [((a.due_date + timedelta(days=1)) - a.start_date).days * day_ms for a in actions],
                  "y": labels, "orientation": "h", "marker": {"color": GREEN},
                  "customdata": [[str(escape(a.action)), str(escape(a.owner)), a.due_date.isoformat()]
                                 for a in actions],
                  "hovertemplate": "%{y}: %{customdata[0]}<br>owner %{customdata[1]}, due %{customdata[2]}"
                                   "<extra></extra>"}],
        "layout": {"title": {"text": "Implementation plan"}, "height": height,
                   "margin": {"l": 20, "r": 20, "t": 50, "b": 30}, **LAYOUT, "xaxis": {"type": "date"},
                   "yaxis": {"autorange": "reversed"}}}

    first = min(a.start_date for a in actions)
    last = max(a.due_date for a in actions) + timedelta(days=1)
    canvas = Canvas(1000, height + 10, "Implementation plan: " + ", ".join(
        f"{label} from {a.start_date} to {a.due_date}" for label, a in zip(labels, actions)))
    left = min(300, max(text_width(label, 12) for label in labels) + 20)
    top, bottom = 50, 50 + 30 * len(actions)
    x = Scale(first.toordinal(), last.toordinal(), left, 960)
    canvas.text(10, 22, "Implementation plan", size=14, bold=True)
    ticks = _date_ticks(first, last)
    _category_axis(canvas, x, [t.toordinal() for t in ticks], top, bottom, "", [t.isoformat() for t in ticks])
    for i, (label, a) in enumerate(zip(labels, actions)):
        y = top + 30 * i + 5
        canvas.text(left - 8, y + 14, wrap(label, left - 16, 12, 1)[0], anchor="end")
        start, end = x(a.start_date.toordinal()), x((a.due_date + timedelta(days=1)).toordinal())
        canvas.rect(start, y, end - start, 20, GREEN)
    return Chart(figure, canvas.svg())


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
    _value_axis(canvas, y, [t for t in nice_ticks(0, peak) if t <= peak and t == int(t)], left, right, axis)
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


def _value_axis(canvas: Canvas, y: Scale, ticks: list[float], left: float, right: float, title: str) -> None:
    """Horizontal grid lines with their values on the left, and the axis title turned upwards."""
    for tick in ticks:
        canvas.line(left, y(tick), right, y(tick), GRID)
        canvas.text(left - 6, y(tick) + 4, f"{tick:g}", size=11, anchor="end", fill=MUTED)
    canvas.text(16, (y.start + y.end) / 2, title, size=12, anchor="middle", rotate=True)


def _category_axis(canvas: Canvas, x: Scale, ticks, top: float, bottom: float, title: str,
                   labels: list[str] | None = None) -> None:
    """Vertical grid lines with their values below the plot, and the axis title under them."""
    ticks = list(ticks)
    for tick, label in zip(ticks, labels or [f"{t:g}" for t in ticks]):
        canvas.line(x(tick), top, x(tick), bottom, GRID)
        canvas.text(x(tick), bottom + 16, label, size=11, anchor="middle", fill=MUTED)
    if title:
        canvas.text((x.start + x.end) / 2, bottom + 36, title, anchor="middle")


def _date_ticks(first: date, last: date) -> list[date]:
    """First days of months between two dates, every month or every few when the span is long
    (weekly when it is under two months)."""
    if (last - first).days < 62:
        return [first + timedelta(days=7 * k) for k in range((last - first).days // 7 + 1)]
    months = [date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
              for k in range(1, (last.year - first.year) * 12 + last.month - first.month + 1)]
    step = max(1, len(months) // 8)
    return months[::step]

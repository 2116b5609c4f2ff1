"""The gap analysis's charts: readiness per clause or area, and the implementation plan over time."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import escape

from workbench.ui.charts import Chart, GREEN, BLUE, LAYOUT, category_axis, date_ticks
from workbench.ui.svg import Canvas, Scale, text_width, wrap


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
    category_axis(canvas, x, range(0, 101, 20), top, bottom, "readiness (%)")
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
    ticks = date_ticks(first, last)
    category_axis(canvas, x, [t.toordinal() for t in ticks], top, bottom, "", [t.isoformat() for t in ticks])
    for i, (label, a) in enumerate(zip(labels, actions)):
        y = top + 30 * i + 5
        canvas.text(left - 8, y + 14, wrap(label, left - 16, 12, 1)[0], anchor="end")
        start, end = x(a.start_date.toordinal()), x((a.due_date + timedelta(days=1)).toordinal())
        canvas.rect(start, y, end - start, 20, GREEN)
    return Chart(figure, canvas.svg())

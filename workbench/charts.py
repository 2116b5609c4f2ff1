"""Charts for evidence, drawn with plotly."""

from __future__ import annotations

from .config import RiskCriteria


def risk_heatmap(assessed: list, criteria: RiskCriteria):
    """Two 5 x 5 grids, inherent and residual: cells coloured by band, labelled with risk ids."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    names = criteria.band_names()
    n = len(names)
    colourscale = []
    for i, name in enumerate(names):
        colour = criteria.band(name).colour
        colourscale += [[i / n, colour], [(i + 1) / n, colour]]
    bands = [[names.index(criteria.level(l, i).band) + 0.5 for i in range(1, 6)] for l in range(1, 6)]
    impact = [f"{s.level} {s.label}" for s in criteria.impact]
    likelihood = [f"{s.level} {s.label}" for s in criteria.likelihood]

    fig = make_subplots(rows=1, cols=2, subplot_titles=("Inherent risk", "Residual risk"),
                        horizontal_spacing=0.2)
    for col, kind in ((1, "inherent"), (2, "residual")):
        cells = [[[] for _ in range(5)] for _ in range(5)]
        for a in assessed:
            level = getattr(a, kind)
            cells[level.likelihood - 1][level.impact - 1].append(a.risk.id)
        text = [[", ".join(ids) for ids in row] for row in cells]
        fig.add_trace(go.Heatmap(
            z=bands, x=impact, y=likelihood, text=text, texttemplate="%{text}",
            colorscale=colourscale, zmin=0, zmax=n, showscale=False, xgap=2, ygap=2,
            hovertemplate="likelihood %{y}<br>impact %{x}<br>risks: %{text}<extra></extra>",
        ), row=1, col=col)
        fig.update_xaxes(title_text="Impact", row=1, col=col, tickangle=0)
        fig.update_yaxes(title_text="Likelihood", row=1, col=col)
    fig.update_layout(height=460, margin={"l": 20, "r": 20, "t": 40, "b": 20},
                      font={"size": 12}, paper_bgcolor="white", plot_bgcolor="white")
    return fig


def disparity_chart(fairness, metric: str):
    """One disparity metric: a bar per sensitive attribute, the configured threshold drawn as a line,
    bars beyond the threshold in red."""
    import plotly.graph_objects as go

    found = [(a.attribute, d) for a in fairness.attributes for d in a.disparities if d.metric == metric]
    title, threshold, bound = found[0][1].title, found[0][1].threshold, found[0][1].bound
    fig = go.Figure(go.Bar(
        x=[attribute for attribute, _ in found], y=[d.value for _, d in found],
        marker_color=["#c62828" if d.breach else "#2e7d32" for _, d in found],
        text=[f"{d.value:.3f}{' breach' if d.breach else ''}" for _, d in found], textposition="outside",
        hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    fig.add_hline(y=threshold, line_dash="dash", line_color="#37474f",
                  annotation_text=f"threshold {'≥' if bound == 'min' else '≤'} {threshold:g}",
                  annotation_position="top left")
    top = max([d.value for _, d in found] + [threshold, 1.0 if bound == "min" else 0])
    fig.update_layout(title=title, height=320, margin={"l": 20, "r": 20, "t": 50, "b": 20}, font={"size": 12},
                      paper_bgcolor="white", plot_bgcolor="white", showlegend=False,
                      yaxis={"title": title, "range": [0, top * 1.2], "gridcolor": "#eceff1"},
                      xaxis={"title": "Sensitive attribute"})
    return fig


def readiness_bars(groups: list, title: str, target: int):
    """Readiness per clause or Annex A area as horizontal bars from 0 to 100 %, with the target
    maturity drawn as a dashed line (target / 5)."""
    import plotly.graph_objects as go

    labels = [f"{g.group} {g.title}" for g in groups]
    values = [round(g.readiness * 100, 1) for g in groups]
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", text=[f"{v:g}%" for v in values],
                           textposition="auto", marker_color="#1f5f99",
                           hovertemplate="%{y}: %{x}%<extra></extra>"))
    fig.update_layout(title=title, height=80 + 34 * len(groups), margin={"l": 20, "r": 20, "t": 50, "b": 30},
                      xaxis={"range": [0, 100], "title": "readiness (%)"}, yaxis={"autorange": "reversed"},
                      font={"size": 12}, paper_bgcolor="white", plot_bgcolor="white")
    fig.add_vline(x=target * 20, line_dash="dash", line_color="#b00020",
                  annotation_text=f"target {target} = {target * 20}%", annotation_position="top")
    return fig


def plan_timeline(actions: list):
    """The implementation plan as a timeline: one bar per action from its start to its due date.

    Typed text in hover labels is escaped: plotly renders some HTML tags (links among them) there.
    """
    from datetime import timedelta

    from .display import esc

    import plotly.graph_objects as go

    day_ms = 86_400_000
    labels = [f"{a.id} {a.item}" for a in actions]
    fig = go.Figure(go.Bar(
        base=[a.start_date.isoformat() for a in actions],
        x=[((a.due_date + timedelta(days=1)) - a.start_date).days * day_ms for a in actions],
        y=labels, orientation="h", marker_color="#2e7d32",
        customdata=[[esc(a.action), esc(a.owner), a.due_date.isoformat()] for a in actions],
        hovertemplate="%{y}: %{customdata[0]}<br>owner %{customdata[1]}, due %{customdata[2]}<extra></extra>"))
    fig.update_layout(title="Implementation plan", height=100 + 30 * len(actions),
                      margin={"l": 20, "r": 20, "t": 50, "b": 30}, xaxis={"type": "date"},
                      yaxis={"autorange": "reversed"}, font={"size": 12}, paper_bgcolor="white",
                      plot_bgcolor="white")
    return fig

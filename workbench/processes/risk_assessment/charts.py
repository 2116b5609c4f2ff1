"""The risk assessment's chart: inherent and residual risk on the likelihood-impact grid."""

from __future__ import annotations

from workbench.ui.charts import Chart, LAYOUT
from workbench.ui.svg import Canvas, luminance, text_width, wrap


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

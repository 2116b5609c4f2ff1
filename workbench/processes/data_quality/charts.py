"""The data quality charts: a dataset's lineage, and group shares against reference shares."""

from __future__ import annotations

from workbench.ui.charts import GREEN, LAYOUT, RED, SLATE, Chart, value_axis
from workbench.ui.svg import Canvas, Scale, nice_ticks, wrap

BOX_W, BOX_H, GAP = 220, 86, 70


def describe_lineage(lineage: list[dict]) -> str:
    """The lineage in words, for the picture's text alternative."""
    return "Lineage: " + "; ".join(f"{d['dataset_id']} ({d['role']})" + (
        f" from {', '.join(d['derived_from'])}" if d["derived_from"] else "") for d in lineage)


def lineage_chart(lineage: list[dict]) -> Chart:
    """The datasets, parents left of what was made from them, each with its preparation steps;
    an arrow from each dataset to each one derived from it."""
    depth: dict[str, int] = {}
    for d in lineage:  # parents come first
        depth[d["dataset_id"]] = 1 + max((depth.get(p, -1) for p in d["derived_from"]), default=-1)
    columns: dict[int, list[dict]] = {}
    for d in lineage:
        columns.setdefault(depth[d["dataset_id"]], []).append(d)
    width = 20 + len(columns) * (BOX_W + GAP)
    height = 40 + max(len(c) for c in columns.values()) * (BOX_H + 24)
    where = {d["dataset_id"]: (20 + depth[d["dataset_id"]] * (BOX_W + GAP), 30 + i * (BOX_H + 24))
             for c in columns.values() for i, d in enumerate(c)}
    summary = describe_lineage(lineage)
    canvas = Canvas(width, height, summary)
    for d in lineage:
        x, y = where[d["dataset_id"]]
        for parent in d["derived_from"]:
            if parent in where:
                px, py = where[parent]
                canvas.line(px + BOX_W, py + BOX_H / 2, x, y + BOX_H / 2, SLATE, 1.5)
                canvas.text(x - 4, y + BOX_H / 2 + 4, "▶", size=10, anchor="end", fill=SLATE)
        canvas.rect(x, y, BOX_W, BOX_H, "#eef3f8", stroke=SLATE)
        canvas.text(x + 8, y + 18, d["dataset_id"], size=12, bold=True)
        canvas.text(x + 8, y + 34, f"{d['role']}, version {d['seq']}", size=11, fill=SLATE)
        steps = [f"{s['step']} by {s['by']} ({s['on']})" for s in d["preparation"]] or ["no preparation recorded"]
        canvas.lines(x + 8, y + 60, [line for s in steps[:3] for line in wrap(s, BOX_W - 16, 10, 1)],
                     size=10, anchor="start")
    figure = {"data": [], "layout": {"title": {"text": "Lineage"}, "height": height, **LAYOUT,
                                     "annotations": [{"text": summary, "showarrow": False}]}}
    return Chart(figure, canvas.svg())


def representation_chart(groups: list) -> Chart:
    """One attribute's groups: share in the data beside the reference share, under-represented in red."""
    attribute = groups[0].attribute
    names = [g.group for g in groups]
    figure = {"data": [{"type": "bar", "name": "share in the data", "x": names, "y": [g.share for g in groups],
                        "marker": {"color": [RED if g.breach else GREEN for g in groups]}},
                       {"type": "bar", "name": "reference share", "x": names, "y": [g.reference for g in groups],
                        "marker": {"color": SLATE}}],
              "layout": {"barmode": "group", "height": 320, **LAYOUT, "title": {"text": f"Representation by {attribute}"},
                         "yaxis": {"title": {"text": "Share of rows"}, "range": [0, 1]}}}
    top = max([g.share for g in groups] + [g.reference for g in groups]) * 1.2 or 1
    canvas = Canvas(640, 320, f"Representation by {attribute}: " + ", ".join(
        f"{g.group} {g.share:.3f} against {g.reference:.3f}{' under-represented' if g.breach else ''}" for g in groups))
    left, right, plot_top, bottom = 70, 620, 50, 262
    y = Scale(0, top, bottom, plot_top)
    canvas.text(10, 22, f"Representation by {attribute}", size=14, bold=True)
    value_axis(canvas, y, [t for t in nice_ticks(0, top) if t <= top], left, right, "Share of rows")
    band = (right - left) / len(groups)
    for i, g in enumerate(groups):
        width = min(band * 0.35, 60)
        x = left + band * i + band / 2 - width
        canvas.rect(x, y(g.share), width, bottom - y(g.share), RED if g.breach else GREEN)
        canvas.rect(x + width, y(g.reference), width, bottom - y(g.reference), SLATE)
        canvas.text(x + width, y(max(g.share, g.reference)) - 5, f"{g.share:.2f} / {g.reference:.2f}", size=11,
                    anchor="middle")
        canvas.lines(x + width, bottom + 16, wrap(g.group, band - 4, 11, 2), size=11)
    canvas.text(left, 310, "coloured: share in the data (red: under-represented); grey: reference share", size=11)
    return Chart(figure, canvas.svg())

"""Kernel-side display helpers: escaped HTML tables, and charts as plotly figures and SVG pictures.

Every piece of text a person typed goes through :func:`esc` before it reaches HTML.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable

from workbench.ui.svg import esc, luminance  # noqa: F401 - esc: every kernel-side module escapes with this one

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
SVG_MIMETYPE = "image/svg+xml"


def show_html(markup: str) -> None:
    """Display trusted markup (built from escaped parts)."""
    from IPython.display import display

    display({"text/html": markup}, raw=True)


def table(columns: Iterable[str], rows: Iterable[Iterable[object]], caption: str = "",
          numeric: Iterable[int] = (), raw: Iterable[int] = ()) -> str:
    """An accessible HTML table; cells are escaped unless their column index is in ``raw``."""
    numeric, raw = set(numeric), set(raw)
    head = "".join(f'<th scope="col"{_num(i, numeric)}>{esc(c)}</th>' for i, c in enumerate(columns))
    body = "".join(
        "<tr>" + "".join(f"<td{_num(i, numeric)}>{cell if i in raw else esc(cell)}</td>"
                         for i, cell in enumerate(row)) + "</tr>"
        for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _num(i: int, numeric: set[int]) -> str:
    return ' class="num"' if i in numeric else ""


def band_badge(name: str, colour: str) -> str:
    """A coloured label for a risk band, readable in colour and in text."""
    dark = luminance(colour) > 0.5
    return f'<span class="band{" band-dark" if dark else ""}" style="background:{esc(colour)}">{esc(name)}</span>'


def show_figure(chart, title: str) -> None:
    """Display a :class:`~workbench.ui.charts.Chart`: its plotly figure (JupyterLab), the same as an HTML
    div that draws itself (interactive evidence), and its SVG picture (static evidence)."""
    from IPython.display import display

    data = _script_json(chart.figure["data"])
    layout = _script_json(chart.figure["layout"])
    div_id = "chart-" + hashlib.sha256(f"{title}{data}{layout}".encode()).hexdigest()[:16]
    height = chart.figure["layout"].get("height", 450)
    div = (f'<div id="{div_id}" class="plotly-graph-div" style="height:{height}px; width:100%;"></div>'
           f'<script type="text/javascript">if (document.getElementById("{div_id}")) {{Plotly.newPlot("{div_id}", '
           f'{data}, {layout}, {{"displaylogo": false, "responsive": true}})}};</script>')
    display({PLOTLY_MIMETYPE: chart.figure, SVG_MIMETYPE: chart.svg,
             "text/html": f'<figure aria-label="{esc(title)}">{div}</figure>'}, raw=True)


def _script_json(value) -> str:
    """JSON that is safe inside a script element: no ``<``, ``>`` or ``&`` that HTML could read."""
    return (json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

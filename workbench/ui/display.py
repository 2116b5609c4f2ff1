"""Kernel-side display helpers: escaped HTML tables, and charts as plotly figures and SVG pictures.

HTML is :class:`~markupsafe.Markup`: text is escaped wherever it meets markup (``Markup.format``,
``+``, :func:`table` cells) unless it is itself ``Markup``, so a person's typed text is never markup.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable

from markupsafe import Markup, escape
from markupsafe import escape_silent as esc  # None becomes "", as an empty cell

from workbench.ui.svg import luminance

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
SVG_MIMETYPE = "image/svg+xml"


def show_html(markup: Markup) -> None:
    """Display HTML; anything that is not :class:`~markupsafe.Markup` is shown as text."""
    from IPython.display import display

    display({"text/html": str(escape(markup))}, raw=True)


def table(columns: Iterable[str], rows: Iterable[Iterable[object]], caption: str = "",
          numeric: Iterable[int] = ()) -> Markup:
    """An accessible HTML table; every cell is escaped unless it is :class:`~markupsafe.Markup`
    (``None`` is an empty cell).

    The table sits in a region named by its caption (else its columns) that a keyboard can focus: a
    table wider than a phone's screen scrolls inside it, not the page.
    """
    numeric, columns = set(numeric), list(columns)
    head = Markup().join(Markup('<th scope="col"{}>{}</th>').format(_num(i, numeric), column)
                         for i, column in enumerate(columns))
    body = Markup().join(Markup("<tr>{}</tr>").format(Markup().join(
        Markup("<td{}>{}</td>").format(_num(i, numeric), esc(cell)) for i, cell in enumerate(row))) for row in rows)
    cap = Markup("<caption>{}</caption>").format(caption) if caption else ""
    label = escape(caption).striptags() or "Table of " + ", ".join(escape(c).striptags() for c in columns)
    return Markup('<div class="table-scroll" role="region" tabindex="0" aria-label="{}">'
                  "<table>{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>").format(label, cap, head, body)


def proposed_risks(proposed: list, none: str, cites: str = "") -> Markup:
    """The section of the risks a measurement proposes for the system's risk assessment (``none``: why
    there are none; ``cites``: the controls the proposals cite, for the caption)."""
    head = Markup("<h2>Risks proposed for the risk assessment</h2>")
    if not proposed:
        return head + Markup("<p class='ok'>{}</p>").format(none)
    rows = [(r.id, r.title, r.description, ", ".join(r.affected_parties), ", ".join(r.planned_controls), r.owner)
            for r in proposed]
    return (head + Markup("<p>Add these to the system's AI risk assessment, rate and treat them there.</p>")
            + table(("ID", "Risk", "Description", "Affected parties", "Controls (Annex A)", "Proposed owner"), rows,
                    caption=f"{len(rows)} proposed risk(s)" + (f", citing {cites}" if cites else "")))


def _num(i: int, numeric: set[int]) -> Markup:
    return Markup(' class="num"') if i in numeric else Markup()


def band_badge(name: str, colour: str) -> Markup:
    """A coloured label for a risk band, readable in colour and in text."""
    dark = " band-dark" if luminance(colour) > 0.5 else ""
    return Markup('<span class="band{}" style="background:{}">{}</span>').format(dark, colour, name)


def show_figure(chart, title: str) -> None:
    """Display a :class:`~workbench.ui.charts.Chart`: its plotly figure (JupyterLab), the same as an HTML
    div that draws itself (interactive evidence), and its SVG picture (static evidence)."""
    from IPython.display import display

    data = _script_json(chart.figure["data"])
    layout = _script_json(chart.figure["layout"])
    div_id = "chart-" + hashlib.sha256(f"{title}{data}{layout}".encode()).hexdigest()[:16]
    height = chart.figure["layout"].get("height", 450)
    div = Markup('<div id="{id}" class="plotly-graph-div" style="height:{height}px; width:100%;"></div>'
                 '<script type="text/javascript">if (document.getElementById("{id}")) {{Plotly.newPlot("{id}", '
                 '{data}, {layout}, {{"displaylogo": false, "responsive": true}})}};</script>').format(
        id=div_id, height=height, data=data, layout=layout)
    display({PLOTLY_MIMETYPE: chart.figure, SVG_MIMETYPE: str(chart.svg),
             "text/html": str(Markup('<figure aria-label="{}">{}</figure>').format(title, div))}, raw=True)


def _script_json(value) -> Markup:
    """JSON that is safe inside a script element: no ``<``, ``>`` or ``&`` that HTML could read."""
    return Markup(json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
                  .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

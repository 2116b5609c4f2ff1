"""Kernel-side display helpers: escaped HTML tables and plotly figures without plotly's renderers.

Every piece of text a person typed goes through :func:`esc` before it reaches HTML.
"""

from __future__ import annotations

import json
from html import escape
from typing import Iterable

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"


def esc(value: object) -> str:
    """HTML-escape any value, quotes included."""
    return escape("" if value is None else str(value), quote=True)


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
    dark = _luminance(colour) > 0.5
    return f'<span class="band{" band-dark" if dark else ""}" style="background:{esc(colour)}">{esc(name)}</span>'


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def show_figure(fig, title: str) -> None:
    """Display a plotly figure as its JSON (for JupyterLab) and as an HTML div (for the evidence)."""
    from IPython.display import display

    spec = json.loads(fig.to_json())
    div = fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False,
                      config={"displaylogo": False, "responsive": True})
    display({PLOTLY_MIMETYPE: spec,
             "text/html": f'<figure aria-label="{esc(title)}">{div}</figure>'}, raw=True)

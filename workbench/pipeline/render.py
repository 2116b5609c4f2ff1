"""Render an executed notebook into self-contained, offline evidence HTML."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from workbench.pipeline.compare import summarise
from workbench.resources import templates_dir

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
SVG_MIMETYPE = "image/svg+xml"
TEMPLATE = "evidence"
SCRIPT_HASHES = "__WORKBENCH_SCRIPT_HASHES__"
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
_LABEL = re.compile(r'aria-label="([^"]*)"')


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"workbench-results", "notebook-only"}
    root = str(templates_dir())
    return HTMLExporter(config=config, template_name=TEMPLATE, extra_template_basedirs=[root],
                        extra_template_paths=[str(Path(root) / TEMPLATE)])


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js from the installed plotly package, inlined once per file that draws charts."""
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def has_charts(nb) -> bool:
    """Whether any output of ``nb`` is a plotly figure."""
    return any(PLOTLY_MIMETYPE in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def figure_scripts(nb) -> set[str]:
    """The inline scripts the run's plotly figures draw themselves with (one ``newPlot`` call each)."""
    return {script for c in nb.cells for o in c.get("outputs", []) if PLOTLY_MIMETYPE in o.get("data", {})
            for script in _SCRIPT.findall(o["data"].get("text/html", ""))}


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def with_static_charts(nb):
    """A copy of ``nb`` whose charts are their SVG pictures, as images; ``nb`` itself when a chart has
    no picture (a notebook from before charts carried one). The archived notebook keeps both.

    Each picture's figure can take the keyboard's focus: a picture wider than a phone's screen keeps
    its drawn size, so its labels stay legible, and scrolls inside its figure.
    """
    from copy import deepcopy

    copy = deepcopy(nb)
    for cell in copy.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIMETYPE not in data:
                continue
            if SVG_MIMETYPE not in data:
                return nb
            label = _LABEL.search(data.get("text/html", ""))
            alt = label.group(1) if label else "chart"
            source = "data:image/svg+xml;base64," + base64.b64encode(data[SVG_MIMETYPE].encode()).decode()
            output["data"] = {"text/html": f'<figure class="chart" tabindex="0" aria-label="{alt}">'
                                           f'<img alt="{alt}" src="{source}"></figure>'}
    return copy


def render_html(nb, hashes: dict[str, str], previous: dict | None = None, changes: list[dict] | None = None,
                charts: str = "static") -> str:
    """Render ``nb`` with ``templates/evidence``.

    ``hashes`` (file name -> SHA-256) go on the cover; ``previous`` (run id, status, effective date,
    relative ``href``) and its ``changes`` make the section "Changes since the previous version": the
    changes in words (``compare.summarise``), then every change folded away, after the record's summary
    (the first cell that shows something).

    ``charts="static"`` shows every chart as the SVG image the run drew (small, no script: the CSP
    forbids all scripts); ``"interactive"``, or charts without a picture, inline plotly.js once
    and the CSP allows scripts by hash only: plotly.js and each figure's own script, as the run
    produced them. Any other script in the page (typed text that escaping missed) does not run.
    """
    if charts == "static":
        nb = with_static_charts(nb)
    charts = has_charts(nb)
    resources = {"workbench": {"hashes": hashes, "plotly_js": plotly_js() if charts else "",
                               "charts": charts, "script_hashes": SCRIPT_HASHES,
                               "previous": previous, "changes": changes or [],
                               "summary": summarise(changes or [])}}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    if charts:
        trusted = figure_scripts(nb) | {plotly_js()}
        allowed = sorted({csp_hash(s) for s in _SCRIPT.findall(body) if s in trusted})
        body = body.replace(SCRIPT_HASHES, " ".join(allowed), 1)
    return body

"""Static charts, the default: each chart's SVG picture, drawn by the run, shown as an image; no script in
the evidence and no browser needed to make it."""

from __future__ import annotations

import base64
import re

import pytest
from browser_checks import CHROMIUM_ARGS
from evidence_checks import STATIC_EVIDENCE_BYTES

from workbench.pipeline import run as pipeline
from workbench.demo import ANSWERS

pytestmark = pytest.mark.kernel


@pytest.fixture
def evidence(workspace):
    assert workspace.config.evidence_charts == "static"
    return pipeline.run_process(workspace, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"],
                                assessor="amara")


def test_static_evidence_is_small_and_scriptless(evidence):
    html = evidence.html.read_text(encoding="utf-8")
    assert len(html.encode()) < STATIC_EVIDENCE_BYTES
    assert "<script" not in html and "script-src 'none'" in html
    [source] = re.findall(r'<img alt="Heatmaps of inherent and residual risk" src="data:image/svg\+xml;base64,([^"]+)"',
                          html)
    svg = base64.b64decode(source).decode()
    assert svg.startswith("<svg") and "Inherent risk" in svg and "Residual risk" in svg
    assert "<script" not in svg


def test_the_archived_notebook_keeps_the_interactive_figure(evidence):
    import nbformat

    nb = nbformat.read(str(evidence.notebook), as_version=4)
    figures = [o for c in nb.cells for o in c.get("outputs", []) if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(figures) == 1
    assert figures[0]["data"]["image/svg+xml"].startswith("<svg")  # the picture the evidence shows


@pytest.mark.browser
def test_static_evidence_draws_offline_in_chromium(evidence, chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(evidence.html.as_uri())
        width = page.evaluate("document.querySelector('figure.chart img').naturalWidth")
        browser.close()
    assert width > 0
    assert all(url.startswith(("file:", "data:")) for url in requests)

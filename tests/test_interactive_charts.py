"""Interactive charts (``evidence_charts: interactive``): plotly.js inlined once and whole, each figure
drawn by its own script, both allowed by hash and no other script; still offline in Chromium, with
hostile text inert. Every other evidence test reads the default, static charts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from browser_checks import CHROMIUM_ARGS, assert_quiet, open_offline
from evidence_checks import URL_ATTRIBUTES
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from test_evidence_html import HOSTILE, hostile_answers, section

from keys import KEYS
from workbench.demo import SYSTEMS, demo_configuration
from workbench.demo.impact_data import ANSWERS as IMPACT_ANSWERS, write_predictions
from workbench.pipeline.render import csp_hash, plotly_js
from workbench.pipeline.run import run_process
from workbench.workspace import init_workspace

pytestmark = pytest.mark.kernel

SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
PLACEHOLDER = "/* plotly.js inlined here */"
HEATMAP_IMAGES = ".plotly-graph-div .heatmaplayer g.hm image"


@dataclass(frozen=True)
class Interactive:
    path: Path
    html: str  # the file as written
    rest: str  # the file with its one plotly.js replaced by a placeholder
    soup: BeautifulSoup  # parsed from ``rest``
    scripts: list[str]  # every script in the file, in order


def load(path: Path) -> Interactive:
    html = path.read_text(encoding="utf-8")
    scripts = SCRIPT.findall(html)
    library = plotly_js()
    assert html.count(library) == 1 and scripts[0] == library, "plotly.js must be inlined once, whole, first"
    rest = html.replace(library, PLACEHOLDER)
    return Interactive(path, html, rest, BeautifulSoup(rest, "html.parser"), scripts)


@pytest.fixture(scope="module")
def interactive(tmp_path_factory):
    """A workspace that keeps interactive charts, with the cv-screening dataset."""
    ws = init_workspace(tmp_path_factory.mktemp("interactive") / "ws",
                        config={**demo_configuration(KEYS), "evidence_charts": "interactive"})
    ws.add_systems(SYSTEMS)
    write_predictions(ws.root, "cv-screening")
    return ws


@pytest.fixture(scope="module")
def risk(interactive) -> Interactive:
    """A risk assessment whose free text is hostile: the heatmap's script runs beside typed text."""
    return load(run_process(interactive, "risk-assessment", "credit-scoring", hostile_answers(), assessor="amara").html)


@pytest.fixture(scope="module")
def impact(interactive) -> Interactive:
    """The cv-screening impact assessment: three disparity charts, each with a threshold line."""
    return load(run_process(interactive, "impact-assessment", "cv-screening", IMPACT_ANSWERS["cv-screening"],
                            assessor="tomas").html)


def policy_of(page: Interactive) -> dict[str, list[str]]:
    [meta] = page.soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    return {name: values for name, *values in (d.split() for d in meta["content"].split(";") if d.strip())}


@pytest.mark.parametrize("name, charts", [("risk", 1), ("impact", 3)])
def test_scripts_run_by_hash_only(request, name, charts):
    page = request.getfixturevalue(name)
    # plotly.js, then one Plotly.newPlot call per chart, and nothing else
    assert len(page.scripts) == 1 + charts
    assert all("Plotly.newPlot(" in s for s in page.scripts[1:])
    policy = policy_of(page)
    assert sorted(policy.pop("script-src")) == sorted({csp_hash(s) for s in page.scripts})
    assert policy == {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["data:"],
                      "font-src": ["data:"], "connect-src": ["'none'"], "base-uri": ["'none'"],
                      "form-action": ["'none'"]}
    # the file is plotly.js and what static evidence would be, with room for the figures' data
    assert len(page.html.encode()) - len(plotly_js().encode()) < 100_000


@pytest.mark.parametrize("name", ["risk", "impact"])
def test_nothing_is_loaded_from_anywhere(request, name):
    page = request.getfixturevalue(name)
    soup = page.soup
    assert soup.find_all("script", src=True) == [] and soup.find_all("link") == []
    assert soup.find_all(["iframe", "object", "embed", "base", "img", "video", "audio", "source", "form"]) == []
    for tag in soup.find_all(True):
        for attribute in URL_ATTRIBUTES:
            value = tag.get(attribute)
            if value is not None:
                assert str(value).startswith(("#", "data:")), f"<{tag.name} {attribute}={value!r}>"
    # in the figures' scripts, the styles and every attribute (typed text may say http:// and is shown as text)
    code = [t.get_text() for t in soup.find_all(["script", "style"])]
    lowered = " ".join(code + [str(v) for t in soup.find_all(True) for v in t.attrs.values()]).lower()
    for needle in ("require.js", "mathjax", "cdn.", "http://", "https://", "//unpkg", "@import", "websocket",
                   "fetch(", "xmlhttprequest"):
        assert needle not in lowered, needle


def test_hostile_text_is_text_and_in_no_script(risk):
    assert "<script>alert" not in risk.rest and "<img" not in risk.rest.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in risk.rest
    assert not any("alert" in s for s in risk.scripts)
    assert section(risk.soup, "Scope").select_one("p.text").get_text() == "Scope " + HOSTILE


def test_heatmap_traces_put_each_risk_in_its_cell(risk):
    cell = section(risk.soup, "Inherent and residual risk")
    [div] = cell.select("div.plotly-graph-div")
    script = next(s.get_text() for s in cell.find_all("script") if "Plotly.newPlot(" in s.get_text())
    start = script.index(json.dumps(div["id"]), script.index("Plotly.newPlot(")) + len(json.dumps(div["id"]))
    traces, _ = json.JSONDecoder().raw_decode(script, script.index("[", start))
    assert [t["type"] for t in traces] == ["heatmap", "heatmap"]

    results = json.loads((risk.path.parent / "results.json").read_text(encoding="utf-8"))["results"]
    for trace, kind in zip(traces, ("inherent", "residual")):
        expected: dict[tuple[int, int], list[str]] = {}
        for a in results["risks"]:
            expected.setdefault((a[kind]["likelihood"], a[kind]["impact"]), []).append(a["risk"]["id"])
        found = {(row + 1, column + 1): sorted(text.split(", "))
                 for row, texts in enumerate(trace["text"]) for column, text in enumerate(texts) if text}
        assert found == expected, kind


def test_disparity_charts_draw_their_thresholds(impact):
    fairness = section(impact.soup, "Measured fairness")
    assert len(fairness.select("div.plotly-graph-div")) == 3
    scripts = impact.scripts[1:]
    for script, threshold in zip(scripts, ("threshold ≤ 0.1", "threshold ≥ 0.8", "threshold ≤ 0.1")):
        assert json.dumps(threshold)[1:-1] in script or threshold in script
        assert script.count('"type":"line"') == 1


# in the browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(chromium, risk, impact):
    """One headless Chromium for the module, started after the kernel runs it needs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.mark.browser
def test_heatmaps_draw_offline_and_hostile_text_stays_inert(context, risk):
    page, visit = open_offline(context, risk.path,
                               ready=f"document.querySelectorAll({json.dumps(HEATMAP_IMAGES)}).length >= 2")
    assert_quiet(visit)  # no alert(), no request, no CSP violation
    images = page.locator(HEATMAP_IMAGES)
    assert images.count() == 2
    for i in range(2):
        image = images.nth(i)
        assert (image.get_attribute("href") or image.get_attribute("xlink:href") or "").startswith("data:image/png")
        box = image.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
    assert page.locator(".plotly-graph-div .annotation-text").all_text_contents() == ["Inherent risk", "Residual risk"]
    assert page.evaluate("document.images.length") == 0
    assert page.locator("p.text").first.inner_text() == "Scope " + HOSTILE


@pytest.mark.browser
def test_disparity_charts_draw_offline_with_their_threshold_lines(context, impact):
    page, visit = open_offline(context, impact.path,
                               ready="document.querySelectorAll('.plotly-graph-div .barlayer .point').length >= 6")
    assert_quiet(visit)
    charts = page.locator(".plotly-graph-div")
    assert charts.count() == 3
    for i in range(3):
        chart = charts.nth(i)
        assert chart.locator(".barlayer .point").count() == 2  # sex and age_band
        assert chart.locator(".shapelayer path").count() == 1  # the threshold
        assert "threshold" in chart.locator(".annotation-text").text_content()

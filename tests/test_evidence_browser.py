"""The evidence HTML in a real browser: offline, quiet, charts drawn, typed text inert.

Debian's Chromium driven by Playwright; every request other than the file itself is recorded
and aborted.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides

from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.pipeline.run import run_process
from workbench.systems import AISystem
from workbench.workspace import init_workspace

# the demo and the hostile run are real papermill runs, so these tests also need a kernel
pytestmark = [pytest.mark.browser, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DEMO_SYSTEMS = [s["id"] for s in SYSTEMS]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> {{ 7*7 }} **bold** =HYPERLINK("http://x")'
MORE = ('[click](javascript:alert(2)) <svg onload=alert(3)></svg> <iframe src="http://192.0.2.1/"></iframe> '
        '</script><script>alert(4)</script> {% for x in range(3) %}x{% endfor %} @SUM(A1) <a href=//192.0.2.1>a</a>')
HEATMAP_IMAGES = ".plotly-graph-div .heatmaplayer g.hm image"


@dataclass
class Visit:
    """What happened while a page was open."""

    url: str
    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory) -> Path:
    """Evidence of a real run whose free text tries to run script."""
    ws = init_workspace(tmp_path_factory.mktemp("hostile-browser") / "ws",
                        config={**demo_configuration(), "evidence_charts": "interactive"})  # more surface
    ws.register.add_systems(AISystem.model_validate(s) for s in SYSTEMS)
    answers = copy.deepcopy(ANSWERS["credit-scoring"])
    answers["scope"] = "Scope " + HOSTILE
    r1 = answers["risks"][0]
    r1["title"], r1["description"], r1["rationale"] = "Title " + HOSTILE, "Description " + HOSTILE, "Rationale " + HOSTILE
    r1["affected_parties"] = ["Party " + HOSTILE]
    answers["risks"][2]["rationale"] = "Accepted " + HOSTILE
    r2 = answers["risks"][1]
    r2["title"], r2["description"], r2["rationale"] = "T2 " + MORE[:190], "D2 " + MORE, "+R2 " + MORE
    r2["affected_parties"] = ["=P2 " + MORE[:190]]
    return run_process(ws, "risk-assessment", "credit-scoring", answers, assessor="amara").html


@pytest.fixture(scope="module")
def hostile_approval(hostile_html) -> Path:
    """The approval record of the hostile run, rejected with a hostile comment."""
    from workbench.records.signoff import sign_off
    from workbench.workspace import Workspace

    ws = Workspace(hostile_html.parents[4])
    return sign_off(ws, hostile_html.parent.name, "reject", HOSTILE + "\n" + MORE, person="priya").record


@pytest.fixture(scope="module")
def browser(chromium, demo_root, hostile_html):
    """One headless Chromium for the module, started after every kernel run it needs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser):
    """Open a local file in a fresh context that lets only file:// through; yields (page, visit)."""
    contexts = []

    def _open(path: Path, charts: bool = True):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        visit = Visit(path.resolve().as_uri())
        page.on("request", lambda request: visit.requests.append(request.url))
        page.on("console", lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: visit.page_errors.append(str(err)))

        def on_dialog(dialog):
            visit.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def route(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                visit.aborted.append(route.request.url)
                route.abort()

        page.route("**/*", route)
        page.goto(visit.url, wait_until="load")
        if charts:
            page.wait_for_function(f"document.querySelectorAll({json.dumps(HEATMAP_IMAGES)}).length >= 2",
                                   timeout=30_000)
        return page, visit

    yield _open
    for context in contexts:
        context.close()


def demo_file(demo_root: Path, system_id: str) -> Path:
    found = sorted(demo_root.glob(f"evidence/{system_id}/risk-assessment/*/evidence.html"))
    assert len(found) == 1, found
    return found[0]


def assert_quiet(visit: Visit) -> None:
    assert [u for u in visit.requests if not u.startswith("file://")] == []
    assert visit.aborted == []
    assert visit.requests == [visit.url], visit.requests  # the file itself, nothing else
    assert visit.console_errors == []
    assert visit.page_errors == []
    assert visit.dialogs == []


def test_three_demo_files(demo_root):
    assert len(sorted(demo_root.glob("evidence/*/risk-assessment/*/evidence.html"))) == 3


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_demo_evidence_opens_offline_and_draws_both_heatmaps(demo_root, open_page, system_id):
    path = demo_file(demo_root, system_id)
    page, visit = open_page(path)
    assert_quiet(visit)

    assert page.locator(".plotly-graph-div").count() == 1
    assert page.locator(".plotly-graph-div .heatmaplayer").count() == 2
    images = page.locator(HEATMAP_IMAGES)
    assert images.count() == 2
    for i in range(2):
        image = images.nth(i)
        assert (image.get_attribute("href") or image.get_attribute("xlink:href") or "").startswith("data:image/png")
        box = image.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
    titles = page.locator(".plotly-graph-div .annotation-text").all_text_contents()
    assert titles == ["Inherent risk", "Residual risk"]

    # each grid's cell labels are exactly the system's risk ids, once each
    results = json.loads((path.parent / "results.json").read_text(encoding="utf-8"))["results"]
    ids = sorted(a["risk"]["id"] for a in results["risks"])
    layers = page.locator(".plotly-graph-div .heatmaplayer")
    for i in range(2):
        labels = layers.nth(i).locator("text").all_text_contents()
        assert sorted(r for label in labels for r in label.split(", ") if r) == ids

    # the cover and sections are there as text a reader sees
    assert page.locator("header.cover h1").inner_text().startswith("AI risk assessment: ")
    assert page.get_by_role("heading", name="Scoring method").count() == 1

    if system_id == "credit-scoring":
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "evidence-credit-scoring.png"
        shot.unlink(missing_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_hostile_text_stays_inert_in_the_browser(open_page, hostile_html):
    page, visit = open_page(hostile_html)
    assert_quiet(visit)  # no alert(), no request for 'x', no CSP violation
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                         ".some(a => a.name.startsWith('on'))).length") == 0
    scope = page.locator("p.text").first.inner_text()
    assert scope == "Scope " + HOSTILE
    assert page.get_by_text("Title " + HOSTILE, exact=True).count() == 2  # the register and the treatment plan
    body = page.locator("main").inner_text()
    assert body.count("{{ 7*7 }}") >= 7 and "**bold**" in body and '=HYPERLINK("http://x")' in body


def test_the_harness_sees_requests_dialogs_and_errors(open_page, tmp_path):
    """A page that misbehaves on purpose: every check above would catch it."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html><body><img src="http://192.0.2.1/x.png">'
                   '<link rel="stylesheet" href="https://cdn.example.invalid/x.css">'
                   '<script>alert("hi"); console.error("oops"); undefinedFunction();</script></body></html>')
    _, visit = open_page(bad, charts=False)
    assert sorted(visit.aborted) == ["http://192.0.2.1/x.png", "https://cdn.example.invalid/x.css"]
    assert set(visit.aborted) <= set(visit.requests)
    assert visit.dialogs == ["alert: hi"]
    assert "oops" in visit.console_errors
    assert any("undefinedFunction" in e for e in visit.page_errors)


def test_more_payloads_in_every_field_stay_inert(open_page, hostile_html):
    page, visit = open_page(hostile_html)
    assert_quiet(visit)
    assert page.evaluate("document.querySelectorAll('iframe, svg[onload], a[href^=javascript]').length") == 0
    body = page.locator("main").inner_text()
    assert "D2 " + MORE in body and "{% for x in range(3) %}" in body


def test_the_approval_record_is_inert_in_the_browser(open_page, hostile_approval):
    page, visit = open_page(hostile_approval, charts=False)
    assert_quiet(visit)
    assert page.evaluate("document.scripts.length + document.images.length + frames.length") == 0
    assert page.locator("blockquote").inner_text() == HOSTILE + "\n" + MORE
    assert page.locator("h1").inner_text().startswith("Rejected")

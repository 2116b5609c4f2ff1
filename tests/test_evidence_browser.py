"""The evidence HTML, with the default static charts, in a real browser: offline, quiet, charts drawn,
typed text inert.

Debian's Chromium driven by Playwright; every request other than the file itself is recorded
and aborted. Interactive charts in the browser: test_interactive_charts.py.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from browser_checks import CHROMIUM_ARGS, assert_quiet, open_offline
from evidence_checks import pictures
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from test_evidence_html import HEATMAP, load

from keys import KEYS
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.pipeline.run import run_process
from workbench.workspace import init_workspace

# the demo and the hostile run are real papermill runs, so these tests also need a kernel
pytestmark = [pytest.mark.browser, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DEMO_SYSTEMS = [s["id"] for s in SYSTEMS]
HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> {{ 7*7 }} **bold** =HYPERLINK("http://x")'
MORE = ('[click](javascript:alert(2)) <svg onload=alert(3)></svg> <iframe src="http://192.0.2.1/"></iframe> '
        '</script><script>alert(4)</script> {% for x in range(3) %}x{% endfor %} @SUM(A1) <a href=//192.0.2.1>a</a>')


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory) -> Path:
    """Evidence of a real run whose free text tries to run script."""
    ws = init_workspace(tmp_path_factory.mktemp("hostile-browser") / "ws", config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
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
    """Open a local file in a fresh context that lets only file:// through (see ``open_offline``)."""
    contexts = []

    def _open(path: Path, **wait):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return open_offline(context, path, **wait)

    yield _open
    for context in contexts:
        context.close()


def demo_file(demo_root: Path, system_id: str) -> Path:
    found = sorted(demo_root.glob(f"evidence/{system_id}/risk-assessment/*/evidence.html"))
    assert len(found) == 1, found
    return found[0]


def test_three_demo_files(demo_root):
    assert len(sorted(demo_root.glob("evidence/*/risk-assessment/*/evidence.html"))) == 3


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_demo_evidence_opens_offline_and_draws_the_heatmap_picture(demo_root, open_page, system_id):
    path = demo_file(demo_root, system_id)
    page, visit = open_page(path)
    assert_quiet(visit)

    # the one image is the heatmap picture, decoded at the size it was drawn and shown large enough to read
    assert page.evaluate("document.images.length") == 1
    image = page.get_by_role("img", name=HEATMAP, exact=True)
    picture = pictures(load(path).soup)[HEATMAP]
    assert image.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [int(picture.get("width")),
                                                                          int(picture.get("height"))]
    box = image.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 250

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
    assert page.evaluate("[...document.images].map(i => i.alt)") == [HEATMAP]  # no image typed in
    assert page.evaluate("[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                         ".some(a => a.name.startsWith('on'))).length") == 0
    scope = page.locator("p.text").first.inner_text()
    assert scope == "Scope " + HOSTILE
    assert page.get_by_text("Title " + HOSTILE, exact=True).count() == 2  # the register and the treatment plan
    body = page.locator("main").inner_text()
    assert body.count("{{ 7*7 }}") == 8 and body.count("**bold**") == 8 and '=HYPERLINK("http://x")' in body


def test_the_harness_sees_requests_dialogs_and_errors(open_page, tmp_path):
    """A page that misbehaves on purpose: every check above would catch it."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html><body><img src="http://192.0.2.1/x.png">'
                   '<link rel="stylesheet" href="https://cdn.example.invalid/x.css">'
                   '<script>alert("hi"); console.error("oops"); undefinedFunction();</script></body></html>')
    _, visit = open_page(bad, ready=None)
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
    page, visit = open_page(hostile_approval)
    assert_quiet(visit)
    assert page.evaluate("document.scripts.length + document.images.length + frames.length") == 0
    assert page.locator("blockquote").inner_text() == HOSTILE + "\n" + MORE
    assert page.locator("h1").inner_text().startswith("Rejected")


@pytest.mark.parametrize(("process", "heading", "seen"), [
    ("soa", "Controls to look at again", ["credit-scoring/R2", "excluded for support-assistant"]),
    ("internal-audit", "Audit programme coverage", ["Not covered in this 3-year cycle", "interview: Amara Okafor",
                                                   "SoA row soa-"]),
    ("gap-analysis", "Blockers", ["9.3.3 (rated 0)", "Controls the SoA excludes"])])
def test_the_records_an_auditor_samples_show_their_flags_offline(demo_root, open_page, process, heading, seen):
    """The SoA's flagged control, the audit programme's uncovered clauses and readiness's blockers,
    as a reader sees them in Chromium, offline."""
    [path] = sorted(demo_root.glob(f"evidence/organisation/{process}/*/evidence.html"))
    page, visit = open_page(path)
    assert_quiet(visit)
    assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    text = page.locator("body").inner_text()
    for words in seen:
        assert words in text, words

"""Evidence, the portfolio and an approval record on a phone and on paper, in Debian's Chromium.

On a 390 px wide screen the page never scrolls sideways: each table scrolls inside a region of its
own that a keyboard can focus, and each chart keeps a size at which its labels can be read, scrolling
inside its figure when it is wider than the screen. Printed on A4, tables wrap to the page width and
headings keep with what follows them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_checks import CHROMIUM_ARGS, open_offline
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from test_lab_browser import serious

from workbench.demo import SYSTEMS

# the demo is real papermill runs, so these tests also need a kernel
pytestmark = [pytest.mark.browser, pytest.mark.kernel]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
EVIDENCE = ([f"{s['id']}/{process}" for process in ("risk-assessment", "impact-assessment") for s in SYSTEMS]
            + [f"organisation/{process}" for process in ("soa", "internal-audit", "context", "gap-analysis",
                                                                  "objectives", "management-review", "ai-policy")]
            + [f"credit-scoring/data-quality/{dataset}" for dataset in ("bureau-extract", "training")]
            + [f"credit-scoring/supplier-assessment/{supplier}" for supplier in ("cloud-ml", "credit-bureau")]
            + ["support-assistant/supplier-assessment/llm-provider"]
            + [f"credit-scoring/model-release/{version}" for version in ("scorecard-v3", "scorecard-v4")]
            + ["credit-scoring/explainability/scorecard-v4", "credit-scoring/monitoring",
               "credit-scoring/fundamental-rights-impact",
               "cv-screening/incident-report/inc-0001"]
            + [f"{s['id']}/system-card" for s in SYSTEMS])
PAGES = EVIDENCE + ["portfolio", "approval"]
PHONE = {"width": 390, "height": 844}
MARGIN_MM = 10
# A4's width less two margins, in CSS pixels (96 to the inch): what a printed line may fill
PRINTABLE = round((210 - 2 * MARGIN_MM) / 25.4 * 96)
SMALLEST_LABEL_PX = 9

# The element's nearest ancestor that scrolls sideways, scrolled to its end; null when none scrolls.
SCROLLED_TO_END = """element => {
  let box = element.parentElement;
  while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
  if (!box) return null;
  box.scrollLeft = box.scrollWidth;
  const outer = box.getBoundingClientRect();
  return {left: outer.left, right: outer.right, end: element.getBoundingClientRect().right,
          tables: box.querySelectorAll('table').length, tabindex: box.getAttribute('tabindex'),
          role: box.getAttribute('role'), label: box.getAttribute('aria-label')};
}"""
# The size in CSS pixels at which a picture shows its smallest text: an <img> of an SVG, or an inline <svg>.
SMALLEST_TEXT = """picture => {
  const svg = picture instanceof HTMLImageElement
    ? new DOMParser().parseFromString(atob(picture.src.split(',')[1]), 'image/svg+xml').documentElement
    : picture;
  const drawn = Number(svg.getAttribute('viewBox').split(' ')[2]);
  const sizes = [...svg.querySelectorAll('text')].map(text => Number(text.getAttribute('font-size')));
  return Math.min(...sizes) * picture.getBoundingClientRect().width / drawn;
}"""


@pytest.fixture(scope="module")
def pages(copy_of_demo) -> dict[str, Path]:
    """Each kind of page the demo makes, by name: its evidence files, the portfolio, and the approval
    record of a sign-off made here."""
    from workbench.records.signoff import sign_off

    evidence = copy_of_demo.evidence_dir
    found = {str(p.parent.parent.relative_to(evidence)): p
             for pattern in ("*/*/*/evidence.html", "*/*/*/*/evidence.html")  # a system's, and an item's
             for p in evidence.glob(pattern)}
    run_id = found["credit-scoring/risk-assessment"].parent.name
    approval = sign_off(copy_of_demo, run_id, "approve", "Read on a phone and on paper.", person="david").record
    return {**found, "portfolio": evidence / "index.html", "approval": approval}


@pytest.fixture(scope="module")
def browser(chromium, pages):
    """One headless Chromium for the module, started after the kernel runs it needs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser):
    """Open a local file, only file:// let through, in a fresh context with the given viewport."""
    contexts = []

    def _open(path: Path, viewport: dict):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page, _visit = open_offline(context, path)
        return page

    yield _open
    for context in contexts:
        context.close()


def test_every_kind_of_demo_evidence_is_checked(pages):
    assert sorted(set(pages) - {"portfolio", "approval"}) == sorted(EVIDENCE)


@pytest.mark.parametrize("name", PAGES)
def test_at_phone_width_only_tables_and_charts_scroll_sideways(pages, open_page, name):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(pages[name], PHONE)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    tables = page.locator("table").all()
    assert tables
    for i, table in enumerate(tables):
        region = table.evaluate(SCROLLED_TO_END)
        assert region is not None, f"table {i} scrolls with the page"
        assert region["tables"] == 1 and region["role"] == "region" and region["label"], region
        assert region["tabindex"] == "0", region  # a keyboard scrolls it too
        assert 0 <= region["left"] and region["right"] <= PHONE["width"], region
        assert region["end"] <= region["right"] + 1, f"table {i}'s last column is out of reach: {region}"

    for i, picture in enumerate(page.locator("main img, main svg").all()):
        assert picture.evaluate(SMALLEST_TEXT) >= SMALLEST_LABEL_PX, f"picture {i}"
        region = picture.evaluate(SCROLLED_TO_END)
        if region is None:
            box = picture.bounding_box()
            assert box["x"] + box["width"] <= PHONE["width"], f"picture {i} is cut: {box}"
        else:
            assert region["tabindex"] == "0" and region["label"], region
            assert 0 <= region["left"] and region["right"] <= PHONE["width"], region
            assert region["end"] <= region["right"] + 1, f"picture {i} is cut: {region}"

    # where the regions do scroll, axe finds nothing serious: a keyboard reaches each of them
    assert serious(Axe().run(page)) == []


@pytest.mark.parametrize("name", PAGES)
def test_on_a4_no_table_is_wider_than_the_page(pages, open_page, name):
    page = open_page(pages[name], {"width": PRINTABLE, "height": 1100})
    page.emulate_media(media="print")
    rights = page.locator("table").evaluate_all("tables => tables.map(t => t.getBoundingClientRect().right)")
    assert rights and max(rights) <= PRINTABLE, rights
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PRINTABLE

    pdf = page.pdf(format="A4", margin={side: f"{MARGIN_MM}mm" for side in ("top", "right", "bottom", "left")})
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"print-{name.replace('/', '-')}.pdf").write_bytes(pdf)


@pytest.mark.parametrize("name", PAGES)
def test_in_print_headings_keep_with_what_follows(pages, open_page, name):
    page = open_page(pages[name], {"width": PRINTABLE, "height": 1100})
    page.emulate_media(media="print")
    # a heading, a note that introduces what follows it (the heatmap's legend) and a table's head allow no page
    # break after them; a sticky head cell would let one through
    intros = page.locator("h2, h3, :is(h2, h3) + .note, thead").evaluate_all(
        "es => es.map(e => [e.textContent.trim(), getComputedStyle(e).breakAfter])")
    assert intros
    assert [text for text, after in intros if after != "avoid"] == []
    sticky = page.locator("th").evaluate_all(
        "ths => ths.filter(th => getComputedStyle(th).position === 'sticky').map(th => th.textContent)")
    assert sticky == []
    charts = page.locator("figure.chart").evaluate_all("fs => fs.map(f => getComputedStyle(f).breakInside)")
    assert set(charts) <= {"avoid"}

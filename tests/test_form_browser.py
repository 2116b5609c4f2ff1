"""The widget forms as a person meets them in a real JupyterLab, in Debian's Chromium.

The impact assessment of the demo's CV-screening ranker, prepared with ``prepare_notebook`` and
run from the Run menu: every question is readable whole, every input has a visible label and an
accessible name, a new form shows no messages, and a Submit with a missing predictions file says
so next to the field, keeps saying so, and puts the focus on it.
"""

from __future__ import annotations

import pytest
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from test_lab_browser import IDLE, browser, lab, serious, shot  # noqa: F401 - the lab and browser fixtures

from workbench.pipeline.run import prepare_notebook
from workbench.workspace import Workspace

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

CUT = """form => [...form.querySelectorAll('.widget-label, label')]
  .filter(l => l.offsetParent !== null && l.textContent.trim()
               && (l.scrollWidth > l.clientWidth + 1 || getComputedStyle(l).textOverflow === 'ellipsis'
                   && getComputedStyle(l).whiteSpace === 'nowrap'))
  .map(l => l.textContent.trim())"""
UNNAMED = """form => [...form.querySelectorAll('input, textarea, select')]
  .filter(i => i.offsetParent !== null && i.type !== 'hidden'
               && !(i.labels && [...i.labels].some(l => l.textContent.trim()) || i.getAttribute('aria-label')))
  .map(i => i.outerHTML.slice(0, 120))"""


@pytest.fixture(scope="module")
def impact_form(lab, browser):
    """The impact form of the CV-screening ranker, open and run in JupyterLab: (page, form, root)."""
    url, root = lab
    notebook = prepare_notebook(Workspace(root), "impact-assessment", "cv-screening")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/lab/tree/{notebook.relative_to(root).as_posix()}?reset")
    page.locator(".jp-Notebook").wait_for(timeout=90_000)
    page.wait_for_function(IDLE, timeout=90_000)
    page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    form = page.locator(".jp-OutputArea-output .aims-form").first
    form.get_by_role("combobox", name="AI system *").wait_for(timeout=120_000)
    page.wait_for_function(IDLE, timeout=60_000)
    yield page, form, root
    context.close()


def test_every_question_reads_whole_and_every_input_is_named(impact_form):
    page, form, _root = impact_form
    assert form.locator(".widget-label").count() > 60
    assert form.evaluate(CUT) == []  # no label cut with an ellipsis
    assert form.evaluate(UNNAMED) == []
    columns = form.get_by_role("textbox", name="Sensitive attribute columns (one per line) *", exact=True)
    assert columns.is_visible() and "sex" in columns.input_value()  # the demo's record, one per line
    assert serious(__import__("axe_playwright_python.sync_playwright", fromlist=["Axe"]).Axe().run(
        page, context=".jp-OutputArea-output .aims-form")) == []


def test_a_new_form_is_quiet_and_a_missing_file_is_shown_kept_and_focused_on_submit(impact_form):
    from playwright.sync_api import expect

    page, form, root = impact_form
    expect(form.get_by_role("alert")).to_have_count(0)  # nothing touched: no messages
    predictions = form.get_by_role("textbox", name="Predictions file (CSV or Parquet, relative to the workspace) *")
    predictions.fill("data/nowhere.csv")
    form.get_by_role("combobox", name="Assessor *").select_option(index=1)
    before = sorted(root.glob("evidence/cv-screening/impact-assessment/*"))
    form.get_by_role("button", name="Submit").click()
    message = form.get_by_role("alert").filter(has_text="no such file in the workspace")
    expect(message.first).to_be_visible(timeout=60_000)
    expect(form.get_by_text("Not submitted: 1 problem(s)")).to_be_visible()
    expect(form.get_by_text("1 problem(s) shown")).to_be_visible()
    expect(predictions).to_be_focused()
    form.get_by_role("textbox", name="Score column (optional)").fill("score")  # the group re-checks
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_timeout(1_000)
    expect(message.first).to_be_visible()
    expect(form.get_by_text("1 problem(s) shown")).to_be_visible()
    shot(page, "form-problem.png")
    assert sorted(root.glob("evidence/cv-screening/impact-assessment/*")) == before

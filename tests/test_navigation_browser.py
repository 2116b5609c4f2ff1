"""Finding one's way in a real JupyterLab and a real Voilà, driven in Debian's Chromium with Playwright.

From the launcher the notebook opens at its form; the evidence link after Submit opens the evidence
file itself, as the side panel's links do; the panel lists each system's latest record of every
process, the organisation-wide records and the portfolio; the launcher's cards say what they are.
In Voilà, served by ``workbench form``, a person who does not code chooses the system, fills the
form, submits and reads the evidence, with no code on the page and nothing wrong in the console.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from subprocesses import free_port, stop, wait_for_server
from test_lab_browser import IDLE, browser, lab, pick, shot  # noqa: F401 - fixtures shared with the lab's other tests

from workbench.processes import processes
from workbench.workspace import Workspace

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

SYSTEM = "cv-screening"
HOSTILE = '<img src=x onerror="window.pwned = 1">Hostile ranker'
CLI = "from workbench.cli import main; main()"


# how far below the top of the notebook's view the form starts, in pixels
FORM_OFFSET = """(() => {
    const form = document.querySelector('.jp-NotebookPanel .aims-form');
    const view = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
    return form && view ? form.getBoundingClientRect().top - view.getBoundingClientRect().top : NaN;
})()"""
AT_THE_FORM = f"(() => {{ const top = {FORM_OFFSET}; return top >= 0 && top < 80; }})()"


def test_the_notebook_opens_at_its_form_and_its_evidence_link_opens_the_file(lab, browser):
    from playwright.sync_api import expect

    url, root = lab
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url + "/lab?reset")
    page.locator(".jp-LauncherCard", has_text="AI risk assessment").click(timeout=90_000)
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("AI system", exact=True).select_option(SYSTEM)
    dialog.get_by_role("button", name="Create notebook").click()

    # the view lands on the form, not below the last cell; the code above it is folded
    form = page.locator(".jp-NotebookPanel .aims-form")
    form.wait_for(timeout=120_000)
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_function(AT_THE_FORM, timeout=30_000)
    page.wait_for_timeout(1_000)  # and it stays there once the widgets have drawn
    assert page.evaluate(AT_THE_FORM), page.evaluate(FORM_OFFSET)
    notebook = page.locator(".jp-NotebookPanel")
    expect(notebook.locator(".jp-CodeCell .jp-InputArea-editor:visible")).to_have_count(0)  # code folded
    expect(notebook.get_by_text("How to use this notebook")).to_have_count(0)

    # Submit, then the link: a button-like link to the evidence file served by /files/, as the panel's
    pick(form.get_by_label("Assessor *", exact=True), "(tomas)")
    form.get_by_role("button", name="Submit").click()
    form.locator("strong", has_text="Archived").wait_for(timeout=240_000)
    run_id = max(p.name for p in (root / "evidence" / SYSTEM / "risk-assessment").iterdir())
    link = form.get_by_role("link", name="Open the evidence")
    href = f"{url}/files/evidence/{SYSTEM}/risk-assessment/{run_id}/evidence.html"
    expect(link).to_have_attribute("href", href)
    assert link.evaluate("a => getComputedStyle(a).display") == "inline-block"  # it looks like a button
    with context.expect_page() as opened:
        link.click()
    evidence = opened.value
    evidence.wait_for_load_state()
    assert evidence.url == href
    expect(evidence.locator("h1#cover-title")).to_have_text("AI risk assessment: CV screening ranker")
    assert evidence.locator(".jp-LabShell").count() == 0 and "Trust HTML" not in evidence.content()

    page.locator(".jp-SideBar .lm-TabBar-tab[data-id='aims-workbench-systems']").click()
    panel = page.locator(".jp-AimsPanel")
    panel.get_by_role("button", name="Refresh the review status").click()
    record = panel.get_by_role("link", name="Open the evidence: AI risk assessment, CV screening ranker")
    expect(record).to_have_attribute("href", href)
    context.close()


def test_the_panel_lists_each_process_the_organisation_and_the_portfolio(lab, browser):
    from playwright.sync_api import expect

    url, root = lab
    Workspace(root).add_systems([{
        "id": "hostile", "name": HOSTILE, "owner": "amara", "purpose": "Tests the panel.",
        "lifecycle_stage": "inception", "deployment_context": "None.", "affected_stakeholders": ["testers"],
        "personal_data_categories": [], "tier": "low"}], person="priya")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url + "/lab?reset")
    page.locator(".jp-SideBar .lm-TabBar-tab[data-id='aims-workbench-systems']").click(timeout=90_000)
    panel = page.locator(".jp-AimsPanel")  # showing it loads the systems
    credit = panel.locator(".jp-AimsPanel-system[data-system-id='credit-scoring']")
    expect(credit.locator(".jp-AimsPanel-record")).to_have_count(12, timeout=30_000)  # 5 of its own, 7 of its items
    for process, title in (("impact-assessment", "AI system impact assessment"), ("risk-assessment", "AI risk assessment")):
        record = credit.locator(f".jp-AimsPanel-record[data-process='{process}']")
        link = record.get_by_role("link", name=f"Open the evidence: {title}, Retail credit scoring model")
        expect(link).to_have_text(title)  # the registry's title, not the slug
        expect(link).to_have_css("text-decoration-line", "underline")  # it looks like a link
        expect(link).to_have_attribute(
            "href", re.compile(rf"{url}/files/evidence/credit-scoring/{process}/[a-z]+-\w+-\w+/evidence\.html"))
        expect(record).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} · awaiting approval"))

    organisation = panel.locator(".jp-AimsPanel-organisation .jp-AimsPanel-record a")
    expect(organisation).to_have_text(
        [processes()[name].title for name in ("ai-policy", "context", "gap-analysis", "internal-audit",
                                              "management-review", "objectives", "soa")])
    portfolio = panel.get_by_role("link", name="Portfolio: every latest record")
    expect(portfolio).to_have_attribute("href", f"{url}/files/evidence/index.html")
    with context.expect_page() as opened:
        portfolio.click()
    expect(opened.value.locator("h1").first).to_be_visible()

    # a hostile name is text in the panel, never markup
    hostile = panel.locator(".jp-AimsPanel-system[data-system-id='hostile']")
    expect(hostile.locator(".jp-AimsPanel-name")).to_have_text(HOSTILE)
    assert hostile.locator("img").count() == 0 and page.evaluate("window.pwned") is None
    expect(hostile.locator(".jp-AimsPanel-records")).to_have_text("No records yet")
    shot(page, "lab-panel-records.png")
    context.close()


def test_the_launcher_cards_differ_and_say_what_they_are(lab, browser):
    from playwright.sync_api import expect

    url, _root = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url + "/lab?reset")
    cards = page.locator(".jp-LauncherCard[data-category='AIMS Workbench']")
    # one card per process, labelled with the registry's title ("AI risk assessment", not a slug)
    found = {p.title: cards.filter(has=page.get_by_text(p.title, exact=True)) for p in processes().values()}
    for card in found.values():
        expect(card).to_have_count(1, timeout=90_000)
    icons = [card.locator(".jp-LauncherCard-icon svg").inner_html() for card in found.values()]
    assert len(set(icons)) == len(icons)
    for process in processes().values():
        tooltip = found[process.title].get_attribute("title")
        assert tooltip.startswith(f"{process.title}, ") and not re.search(r"\ba [AEIOU]", tooltip), tooltip
        assert ("organisation-wide" in tooltip) == (process.subject == "organisation"), tooltip
        assert ("one AI system" in tooltip) == (process.subject == "system"), tooltip
    expect(found["Statement of Applicability"]).to_have_attribute("title", re.compile("as AIMS manager$"))
    expect(found["AI risk assessment"]).to_have_attribute("title", re.compile("as assessor$"))

    found["AI system impact assessment"].click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.get_by_label("AI system", exact=True)).to_be_visible()
    expect(dialog.locator(".jp-Dialog-header")).to_have_text("AI system impact assessment")
    dialog.get_by_role("button", name="Cancel").click()
    page.close()


def test_voila_form_from_choosing_the_system_to_reading_the_evidence(copy_of_demo, browser, tmp_path):
    """``workbench form``: a person who does not code chooses the system, fills, submits, reads the evidence."""
    from playwright.sync_api import expect

    root = copy_of_demo.root
    port = free_port()
    log = tmp_path / "voila.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-c", CLI, "form", "risk-assessment", "-w", str(root),
                                 f"--port={port}", "--no-browser"], cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base, proc, log, probe="/voila/static/")
        for _ in range(100):
            address = re.search(rf"{re.escape(base)}/\?token=\w+", log.read_text())
            if address:
                break
            time.sleep(0.2)
        assert address, log.read_text()
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        console, failed = [], []
        page.on("console", lambda message: console.append((message.type, message.text)))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(address.group(0), timeout=120_000)

        system = page.get_by_role("combobox", name="AI system *")
        system.wait_for(timeout=120_000)
        pick(system, "(support-assistant)")  # nobody chose it before: the person does, in the form
        expect(page.get_by_text("Started from")).to_be_visible(timeout=30_000)
        pick(page.get_by_label("Assessor *", exact=True), "(tomas)")
        page.get_by_label("Period (e.g. 2026-Q4)", exact=True).fill("2026-Q4")
        page.get_by_label("Scope of the assessment *", exact=True).fill("The chat assistant, as deployed.")
        page.get_by_role("button", name="Submit").click()
        page.locator("strong", has_text="Archived").wait_for(timeout=240_000)

        with context.expect_page() as opened:
            page.get_by_role("link", name="Open the evidence").click()
        evidence = opened.value
        evidence.wait_for_load_state()
        assert re.fullmatch(rf"{base}/voila/files/evidence/support-assistant/risk-assessment/ra-\w+-\w+/evidence\.html",
                            evidence.url), evidence.url
        assert page.request.get(evidence.url).status == 200
        expect(evidence.locator("h1#cover-title")).to_have_text("AI risk assessment: Customer support LLM assistant")
        shot(page, "voila-submitted.png")

        # nothing for coders on the page, nothing wrong in the console, nothing fetched from elsewhere
        text = page.locator("body").inner_text()
        for coder in ("How to use this notebook", "run all cells", "system_id", "from workbench"):
            assert coder not in text
        assert [m for m in console if m[0] in ("error", "warning")] == []
        assert failed == []
        # and Voilà serves the evidence, nothing else of the workspace
        for path in ("workbench.yaml", "register.db", "drafts/risk-assessment.ipynb", "evidence/ledger.jsonl",
                     "evidence/index.html"):
            assert page.request.get(f"{base}/voila/files/{path}").status == 403, path
        context.close()
    finally:
        stop(proc)

"""AIMS Workbench in a real JupyterLab, driven in Debian's Chromium with Playwright.

A ``jupyter lab`` serves a copy of the demo workspace (127.0.0.1, a free port, no token). The
test does what a person does: the launcher card, the system dialog, the widget form, Submit;
then it checks the archive, the side panel, and the evidence rendered with the network blocked.
Accessibility is checked with axe-core (axe-playwright-python): the evidence and the form.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_checks import CHROMIUM_ARGS, IMAGES_DRAWN
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from subprocesses import free_port, stop, wait_for_server

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
IDLE = ("(() => { const bar = document.querySelector('#jp-main-statusbar');"
        " return !!bar && /[|] Idle$/m.test(bar.innerText); })()")
SYSTEM = "cv-screening"
TITLE = "Ranker downgrades career breaks <b>not bold</b>"


def serious(results) -> list[str]:
    """The serious or critical axe violations, one line each with where they are."""
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, demo_root, chromium):
    """A real jupyter lab on a copy of the demo workspace; yields (url, workspace root)."""
    pytest.importorskip("jupyterlab_aims_workbench", reason="the JupyterLab extension is not installed; ./dev test installs it")
    base = tmp_path_factory.mktemp("lab")
    root = base / "workspace"
    shutil.copytree(demo_root, root)
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_WORKSPACE"}
    env.update(JUPYTERLAB_SETTINGS_DIR=str(base / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(base / "lab-workspaces"))
    log = base / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
             f"--ServerApp.root_dir={root}", f"--SchedulerApp.db_url=sqlite:///{base / 'scheduler.sqlite'}"],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, proc, log)
        yield url, root
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def pick(select, needle: str) -> None:
    """Choose the option of an ipywidgets drop-down whose text contains ``needle``."""
    texts = select.evaluate("s => [...s.options].map(o => o.text)")
    select.select_option(label=next(t for t in texts if needle in t))


def test_launcher_form_submit_panel_and_offline_evidence(lab, browser):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    url, root = lab
    before = set(root.glob(f"evidence/{SYSTEM}/risk-assessment/*/evidence.html"))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url + "/lab?reset")

    # the launcher card, listed from the server's processes
    card = page.locator(".jp-LauncherCard", has_text="AI risk assessment")
    card.wait_for(timeout=90_000)
    assert page.locator(".jp-Launcher-sectionTitle", has_text="AIMS Workbench").count() == 1
    shot(page, "lab-launcher.png")
    card.click()

    # the dialog lists the register's systems; choose one and create the notebook
    dialog = page.locator(".jp-Dialog")
    chooser = dialog.get_by_label("AI system", exact=True)
    options = chooser.evaluate("s => [...s.options].map(o => o.value)")
    assert options == ["credit-scoring", "cv-screening", "support-assistant"]
    chooser.select_option(SYSTEM)
    dialog.get_by_role("button", name="Create notebook").click()

    # the notebook opens in drafts/, runs, and shows the form with the system chosen
    system = page.get_by_role("combobox", name="AI system *")
    system.wait_for(timeout=120_000)
    page.wait_for_function(IDLE, timeout=60_000)
    assert (root / "drafts" / f"risk-assessment-{SYSTEM}.ipynb").is_file()
    assert system.evaluate("s => s.options[s.selectedIndex].text").endswith(f"({SYSTEM})")
    form = page.locator(".jp-OutputArea-output .widget-vbox").first

    # it opens with the demo's risks of the system, and says which record they come from
    expect(form.get_by_text("Started from")).to_contain_text("(submitted, effective")
    demo_risks = len(json.loads(sorted(root.glob(f"evidence/{SYSTEM}/risk-assessment/*/results.json"))[0]
                                .read_text())["answers"]["risks"])
    form.get_by_role("button", name="Add risk").click()
    expect(form.get_by_label("Title *", exact=True)).to_have_count(demo_risks + 1, timeout=30_000)
    expect(form.get_by_role("alert")).to_have_count(0)  # an untouched risk is not a page of errors

    # every field is labelled for a screen reader: axe on the form, and the accessible names
    violations = serious(Axe().run(page, context=".jp-OutputArea-output .widget-vbox"))
    assert violations == []
    for name in ("Assessor *", "Period (e.g. 2026-Q4)", "Scope of the assessment *"):
        expect(form.get_by_label(name, exact=True)).to_have_count(1)
    for name in ("Title *", "Description *", "Risk source (Annex C) *", "Inherent likelihood *", "Risk owner *",
                 "Due date *"):
        expect(form.get_by_label(name, exact=True)).to_have_count(demo_risks + 1)  # one per risk

    # Submit too early: the messages show next to the fields, and the first has the focus
    form.get_by_role("button", name="Submit").click()
    expect(form.get_by_text("Not submitted:")).to_be_visible(timeout=60_000)
    assert form.get_by_role("alert").filter(has_text="is required").count() >= 3
    expect(form.get_by_label("Assessor *", exact=True)).to_be_focused()

    # fill in the new risk as a person would
    pick(form.get_by_label("Assessor *", exact=True), "(tomas)")
    form.get_by_label("Period (e.g. 2026-Q4)", exact=True).fill("2026-Q4")
    form.get_by_label("Scope of the assessment *", exact=True).fill("The CV ranker used for first-round screening.")
    form.get_by_label("Title *", exact=True).last.fill(TITLE)
    form.get_by_label("Description *", exact=True).last.fill("Gaps in employment lower the rank of otherwise equal CVs.")
    form.get_by_label("Risk source (Annex C) *", exact=True).last.select_option(index=1)
    form.get_by_label("Affected parties (one per line) *", exact=True).last.fill("applicants\nrecruiters")
    planned = form.get_by_role("combobox", name="Planned controls (Annex A)", exact=True).last
    control = planned.evaluate("i => [...i.list.options].map(o => o.value).find(v => v.startsWith('A.5.4 '))")
    planned.fill(control)  # as choosing it from the list the browser offers
    expect(form.get_by_role("button", name="A.5.4 ✕")).to_have_count(1, timeout=30_000)
    expect(planned).to_have_value("")
    for name, level in (("Inherent likelihood *", 3), ("Inherent impact *", 4),
                        ("Residual likelihood *", 2), ("Residual impact *", 3)):
        form.get_by_label(name, exact=True).last.select_option(index=level)
    form.get_by_label("Treatment *", exact=True).last.select_option(label="accept")
    pick(form.get_by_label("Risk owner *", exact=True).last, "(amara)")
    form.get_by_label("Due date *", exact=True).last.fill("2027-03-31")
    form.get_by_label("Rationale", exact=True).last.fill("Residual level is within appetite after the review.")
    expect(form.get_by_role("alert")).to_have_count(0, timeout=30_000)  # every message cleared as fields fill
    page.wait_for_function(IDLE, timeout=60_000)
    expect(form.get_by_text("Draft saved")).to_have_count(1)
    draft = json.loads((root / "drafts" / "risk-assessment" / f"{SYSTEM}.json").read_text())
    assert len(draft["data"]["risks"]) == demo_risks + 1
    assert draft["data"]["risks"][-1]["title"] == TITLE and draft["data"]["risks"][-1]["due_date"] == "2027-03-31"
    shot(page, "lab-form.png")

    # Submit: progress, then a link to the evidence
    form.get_by_role("button", name="Submit").click()
    form.locator("strong", has_text="Archived").wait_for(timeout=240_000)
    after = set(root.glob(f"evidence/{SYSTEM}/risk-assessment/*/evidence.html"))
    assert len(after - before) == 1
    evidence = (after - before).pop()
    record = json.loads((evidence.parent / "results.json").read_text())
    assert record["answers"]["risks"][-1]["title"] == TITLE and record["assessor"] == "tomas"
    assert record["answers"]["risks"][-1]["affected_parties"] == ["applicants", "recruiters"]
    assert record["answers"]["risks"][-1]["planned_controls"] == ["A.5.4"]
    assert len(record["answers"]["risks"]) == demo_risks + 1
    run_id = evidence.parent.name
    assert form.get_by_role("link", name="Open the evidence").count() == 1
    assert run_id in form.inner_text()

    # the side panel lists the system with its new evidence
    page.locator(".jp-SideBar .lm-TabBar-tab[data-id='aims-workbench-systems']").click()
    panel = page.locator(".jp-AimsPanel")
    panel.get_by_role("button", name="Refresh the review status").click()
    item = panel.locator(f".jp-AimsPanel-system[data-system-id='{SYSTEM}']")
    link = item.get_by_role("link", name="Open the evidence: AI risk assessment, CV screening ranker")
    expect(link).to_have_attribute("title", run_id, timeout=30_000)
    # the demo's incident made its impact assessment overdue as well, which this form did not redo
    assert item.locator(".jp-AimsPanel-state").inner_text() == "overdue"
    assert panel.locator(".jp-AimsPanel-system").count() == 3
    # without a hub, who acts is whoever's key the server holds: the test session holds every demo person's
    expect(panel.locator(".jp-AimsPanel-who")).to_contain_text("Keys held for priya, tomas, amara")
    shot(page, "lab-panel.png")
    assert serious(Axe().run(page, context=".jp-AimsPanel")) == []

    # the panel's link serves the evidence, which renders with every other request blocked
    href = link.get_attribute("href")
    assert href == f"{url}/files/evidence/{SYSTEM}/risk-assessment/{run_id}/evidence.html"
    viewer = context.new_page()
    requests, aborted = [], []
    viewer.on("request", lambda request: requests.append(request.url))

    def route(route):
        if route.request.url == href:
            route.continue_()
        else:
            aborted.append(route.request.url)
            route.abort()

    viewer.route("**/*", route)
    viewer.goto(href, wait_until="load", referer=url + "/lab")  # as the click sends it: /files/ checks it
    viewer.wait_for_function(f"() => {IMAGES_DRAWN}", timeout=30_000)
    assert viewer.evaluate("[...document.images].map(i => i.alt)") == ["Heatmaps of inherent and residual risk"]
    assert requests == [href] and aborted == []
    # typed markup stays text: in the register, the treatment plan and the changes since the demo's version
    assert viewer.get_by_text(TITLE, exact=True).count() == 3
    assert viewer.locator("b", has_text="not bold").count() == 0
    assert serious(Axe().run(viewer)) == []
    context.close()


def test_evidence_html_has_no_serious_accessibility_violations(demo_root, browser):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    for path in sorted(demo_root.glob("evidence/*/risk-assessment/*/evidence.html")):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(f"() => {IMAGES_DRAWN}", timeout=30_000)
        assert page.evaluate("document.images.length") == 1  # the heatmap picture, with its alt text
        assert page.locator("html").get_attribute("lang")
        assert page.locator("main").count() == 1
        assert serious(Axe().run(page)) == [], path
    page.close()


def test_voila_renders_the_form_without_code(workspace, browser, tmp_path):
    """A system owner who does not code opens the prepared notebook in Voilà: the form, no code."""
    from playwright.sync_api import expect

    from workbench.pipeline.run import prepare_notebook

    notebook = prepare_notebook(workspace, "risk-assessment", "support-assistant")
    port = free_port()
    log = tmp_path / "voila.log"
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_WORKSPACE"}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
                                 "--Voila.ip=127.0.0.1"], cwd=workspace.root, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, proc, log, probe="/voila/static/")
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url, timeout=120_000)
        system = page.get_by_role("combobox", name="AI system *")
        system.wait_for(timeout=120_000)
        assert system.evaluate("s => s.options[s.selectedIndex].text").endswith("(support-assistant)")
        expect(page.get_by_role("textbox", name="Scope of the assessment *")).to_be_visible()
        expect(page.get_by_role("button", name="Submit")).to_be_visible()
        body = page.locator("body").inner_text()
        assert "from workbench.ui.notebook import start" not in body and "system_id = " not in body
        assert page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0
        shot(page, "voila-form.png")
        page.close()
    finally:
        stop(proc)

"""The periodic review scheduled by a real jupyter-scheduler, in a real JupyterLab.

``jupyter lab`` with jupyter-scheduler (the ``scheduler`` extra) serves a copy of the demo workspace
and holds only the review scheduler's key, as the scheduler's account would. The test creates a job
through jupyter-scheduler's own REST API on the notebook the launcher's Periodic review card writes,
with parameters as its job form sends them (Python source), lets jupyter-scheduler run it on a
kernel, and finds the recalculations archived, signed by the scheduler, and ``workbench verify``
passing. In Chromium, the Periodic review card opens that notebook, whose toolbar has
jupyter-scheduler's Create Job button. Jobs, their staging files and database stay in the test's
folder.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date

import pytest
from click.testing import CliRunner

from browser_checks import CHROMIUM_ARGS
from keys import KEYS, PUBLIC
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from subprocesses import free_port, stop, wait_for_server
from workbench.cli import main
from workbench.pipeline.archive import ledger_entries
from workbench.pipeline.request import quarter_of
from workbench.scheduling.notebook import REVIEW_NOTEBOOK, review_notebook
from workbench.signing import KEY_VAR, fingerprint
from workbench.workspace import ENV_VAR, Workspace

SYSTEM = "credit-scoring"


@pytest.fixture(scope="module")
def scheduler_lab(tmp_path_factory, demo_root):
    """A jupyter lab with jupyter-scheduler on a copy of the demo; yields (url, token, root, folder)."""
    pytest.importorskip("jupyter_scheduler", reason="jupyter-scheduler is not installed; pip install -e '.[scheduler]'")
    pytest.importorskip("jupyterlab_aims_workbench", reason="the JupyterLab extension is not installed; ./dev test installs it")
    base = tmp_path_factory.mktemp("scheduler")
    root = base / "workspace"
    shutil.copytree(demo_root, root)
    review_notebook(Workspace(root), replace=True)  # the copy's notebook names the demo it was copied from
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    token, port = secrets.token_hex(16), free_port()
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    env.update({KEY_VAR: str(KEYS["scheduler"]), "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(base / "lab-workspaces")})
    log = base / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={token}", "--ServerApp.password=", "--allow-root",
             f"--ServerApp.root_dir={root}", f"--SchedulerApp.db_url=sqlite:///{base / 'scheduler.sqlite'}",
             f"--Scheduler.staging_path={base / 'staging'}"],
            cwd=base, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, proc, log)
        yield url, token, root, base
    finally:
        stop(proc)


def call(lab, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    """One authenticated request to the server; its status and JSON answer."""
    url, token, *_ = lab
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def create_job(lab, environment: str, parameters: dict[str, str]) -> dict:
    """Create a job on the workspace's periodic review notebook through jupyter-scheduler's API."""
    code, created = call(lab, "POST", "/scheduler/jobs", {
        "name": "periodic review", "input_uri": REVIEW_NOTEBOOK.as_posix(), "runtime_environment_name": environment,
        "output_formats": ["ipynb", "html"], "parameters": parameters})
    assert code == 200, created
    return created


def finished(lab, job_id: str, timeout: float = 240) -> dict:
    """Poll the job until it completed or failed; its last description. (A job reads ``STOPPED``, the
    database's default, until its process starts: we never stop one.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, job = call(lab, "GET", f"/scheduler/jobs/{job_id}")
        assert code == 200, job
        if job["status"] in ("COMPLETED", "FAILED"):
            return job
        time.sleep(1)
    pytest.fail(f"job {job_id} still {job['status']} after {timeout}s:\n{(lab[3] / 'lab.log').read_text()[-3000:]}")


@pytest.mark.kernel
def test_a_jupyter_scheduler_job_runs_the_periodic_review_and_its_evidence_is_archived(scheduler_lab):
    _, _, root, base = scheduler_lab
    before = {r["run_id"] for r in Workspace(root).register.evidence_list()}

    # the notebook the launcher card writes and opens
    code, written = call(scheduler_lab, "POST", "/aims-workbench/review-notebook")
    assert (code, written) == (201, {"path": REVIEW_NOTEBOOK.as_posix()})

    # a job as jupyter-scheduler's Create Job form makes it: an environment it lists, values as Python source
    code, environments = call(scheduler_lab, "GET", "/scheduler/runtime_environments")
    assert code == 200 and environments, environments
    period = quarter_of(date.today())
    created = create_job(scheduler_lab, environments[0]["name"],
                         {"mode": '"all"', "system_id": f'"{SYSTEM}"', "period": f'"{period}"', "force": "True"})
    job = finished(scheduler_lab, created["job_id"])
    assert job["status"] == "COMPLETED", f"{job['status_message']}\n{(base / 'lab.log').read_text()[-3000:]}"

    # the job ran in jupyter-scheduler's staging folder, outside the workspace, and said what it did
    [executed] = (base / "staging" / created["job_id"]).glob("periodic_review-*.html")
    assert f"Periodic review {period}" in executed.read_text(encoding="utf-8")

    # the system's assessments, its datasets' quality and its suppliers' assessments recalculated as the scheduler, nothing else, signed by its key
    workspace = Workspace(root)
    new = [r for r in workspace.register.evidence_list() if r["run_id"] not in before]
    assert sorted((r["system_id"], r["process"], r["item_id"], r["period"], r["status"], r["assessor"])
                  for r in new) == [
        (SYSTEM, "data-quality", "bureau-extract", period, "recalculated", "scheduler"),
        (SYSTEM, "data-quality", "training", period, "recalculated", "scheduler"),
        (SYSTEM, "impact-assessment", "", period, "recalculated", "scheduler"),
        (SYSTEM, "monitoring", "", period, "recalculated", "scheduler"),
        (SYSTEM, "risk-assessment", "", period, "recalculated", "scheduler"),
        (SYSTEM, "supplier-assessment", "cloud-ml", period, "recalculated", "scheduler"),
        (SYSTEM, "supplier-assessment", "credit-bureau", period, "recalculated", "scheduler"),
        (SYSTEM, "system-card", "", period, "recalculated", "scheduler")]
    for record in new:
        assert (workspace.evidence_dir / record["path"] / "evidence.html").is_file()
    runs = [e for e in ledger_entries(workspace.evidence_dir) if e.get("run_id") in {r["run_id"] for r in new}]
    assert [e["signature"]["by"] for e in runs] == ["scheduler"] * 8
    assert {e["signature"]["key"] for e in runs} == {fingerprint(PUBLIC["scheduler"])}
    verified = CliRunner().invoke(main, ["verify", "--workspace", str(root)])
    assert verified.exit_code == 0, verified.output + verified.stderr


@pytest.mark.kernel
def test_a_review_that_cannot_run_fails_its_job_and_archives_nothing(scheduler_lab):
    _, _, root, _ = scheduler_lab
    before = len(Workspace(root).register.evidence_list())
    environment = call(scheduler_lab, "GET", "/scheduler/runtime_environments")[1][0]["name"]
    job = finished(scheduler_lab, create_job(scheduler_lab, environment, {"period": '"2026-Q5"'})["job_id"])
    assert job["status"] == "FAILED" and "period: must be" in job["status_message"]
    assert len(Workspace(root).register.evidence_list()) == before


@pytest.mark.browser
def test_the_periodic_review_card_opens_the_notebook_for_jupyter_schedulers_create_job(scheduler_lab, chromium):
    from playwright.sync_api import expect, sync_playwright

    url, token, root, _ = scheduler_lab
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/lab?reset&token={token}")
            section = page.locator(".jp-Launcher-section",
                                   has=page.locator(".jp-Launcher-sectionTitle", has_text="AIMS Workbench"))
            card = section.locator(".jp-LauncherCard", has_text="Periodic review")
            card.wait_for(timeout=90_000)
            card.click()
            page.locator(".lm-TabBar-tab.lm-mod-current", has_text=REVIEW_NOTEBOOK.name).wait_for(timeout=30_000)
            expect(page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-editor").first).to_contain_text(f'"{root}"')
            # selected in the file browser, where jupyter-scheduler's Create Job takes its input file from
            page.locator(".jp-DirListing-item.jp-mod-selected", has_text=REVIEW_NOTEBOOK.name).wait_for(timeout=30_000)
            page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="create-job"] button').click()
            expect(page.get_by_label("Input file")).to_have_value(REVIEW_NOTEBOOK.as_posix(), timeout=30_000)
        finally:
            browser.close()

"""The periodic review on real kernels: due selection, idempotency, failures, carry-forward, the index,
and a template run the way jupyter-scheduler runs it."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from evidence_checks import offline

from keys import KEYS
from keys import record as record_configuration
from workbench.pipeline import run as pipeline
from workbench.pipeline.archive import ledger_entries
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.demo.impact_data import ANSWERS as IMPACT_ANSWERS, write_predictions
from workbench.scheduling.executor import LocalExecutor
from workbench.pipeline.verify import verify
from workbench.processes import Process, get_process
from workbench.resources import notebooks_dir
from workbench.scheduling.review import plan_review, run_review
from workbench.workspace import Workspace, init_workspace

pytestmark = pytest.mark.kernel
TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def assessed_in_june(tmp_path_factory) -> Path:
    """The demo systems, each with a risk assessment effective 2026-06-01: the two high-tier systems
    are overdue on TODAY, the medium-tier one is current. Built once; each test gets a copy."""
    root = tmp_path_factory.mktemp("june") / "ws"
    config = demo_configuration(KEYS)
    config["review"]["processes"] = ["risk-assessment"]
    workspace = init_workspace(root, config=config)
    workspace.add_systems(SYSTEMS)
    for system_id in ("credit-scoring", "cv-screening", "support-assistant"):
        pipeline.run_process(workspace, "risk-assessment", system_id, ANSWERS[system_id], period="2026-Q2",
                             assessor="tomas", effective_date="2026-06-01")
    workspace.register.close()
    return root


@pytest.fixture
def reviewed(assessed_in_june, tmp_path) -> Workspace:
    return Workspace(shutil.copytree(assessed_in_june, tmp_path / "ws"))


def test_due_mode_selects_the_overdue_systems_only(reviewed):
    jobs, known = plan_review(reviewed, "due", today=TODAY)
    assert sorted(j.system_id for j in jobs) == ["credit-scoring", "cv-screening"]
    assert known == []
    assert all(j.period == "2026-Q4" and j.effective_date == "2026-11-27" for j in jobs)
    assert jobs[0].answers == ANSWERS[jobs[0].system_id] and jobs[0].carried_from.startswith("ra-")


def test_review_archives_due_runs_then_a_second_review_archives_nothing(reviewed):
    jobs, known = plan_review(reviewed, "due", today=TODAY)
    summary = run_review(reviewed, jobs, known, LocalExecutor(2), progress=False, today=TODAY)
    assert summary.ok and summary.counts() == {"archived": 2}
    assert summary.overdue == []
    ledger = len(ledger_entries(reviewed.evidence_dir))

    jobs, known = plan_review(reviewed, "all", period="2026-Q4", today=TODAY)
    assert [j.system_id for j in jobs] == ["support-assistant"]
    assert sorted((o.system_id, o.status) for o in known) == [("credit-scoring", "skipped"), ("cv-screening", "skipped")]
    summary = run_review(reviewed, [], known, progress=False, today=TODAY)
    assert summary.ok and len(ledger_entries(reviewed.evidence_dir)) == ledger


def test_overdue_left_unreviewed_makes_the_summary_fail(reviewed):
    jobs, known = plan_review(reviewed, "due", system_id="support-assistant", today=TODAY)
    summary = run_review(reviewed, [], known, progress=False, today=TODAY)
    assert not summary.ok
    assert sorted(o["system_id"] for o in summary.overdue) == ["credit-scoring", "cv-screening"]


def misbehaving_template(tmp_path: Path, code: str) -> Path:
    """The real risk template with one extra cell after the parameters: ``code`` runs first."""
    folder = tmp_path / "templates"
    folder.mkdir()
    nb = nbformat.read(str(get_process("risk-assessment").template), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    cell = nbformat.v4.new_code_cell(code)
    cell["id"] = "misbehave"
    nb.cells.insert(at + 1, cell)
    nbformat.write(nb, str(folder / "risk_assessment.ipynb"))
    return folder


def test_failing_and_timed_out_runs_are_recorded_and_the_others_go_on(reviewed, tmp_path, monkeypatch):
    folder = misbehaving_template(tmp_path, (
        "import time\n"
        "if system_id == 'cv-screening' and run_id:\n    raise RuntimeError('model file unreadable')\n"
        "if system_id == 'support-assistant' and run_id:\n    time.sleep(300)\n"))
    monkeypatch.setattr(Process, "template", property(lambda _process: folder / "risk_assessment.ipynb"))
    jobs, known = plan_review(reviewed, "all", force=True, timeout=20, today=TODAY)
    summary = run_review(reviewed, jobs, known, LocalExecutor(1), progress=False, today=TODAY)
    outcomes = {o.system_id: o for o in summary.outcomes}
    assert outcomes["credit-scoring"].status == "archived"
    assert outcomes["cv-screening"].status == "failed" and "model file unreadable" in outcomes["cv-screening"].error
    assert outcomes["support-assistant"].status == "failed" and "Timeout" in outcomes["support-assistant"].error
    assert not summary.ok
    ncs = {nc["system_id"]: nc for nc in reviewed.register.rows("nonconformities")}
    assert sorted(ncs) == ["cv-screening", "support-assistant"]
    assert outcomes["cv-screening"].nonconformities == [ncs["cv-screening"]["id"]]
    assert "model file unreadable" in ncs["cv-screening"]["description"]
    assert ncs["cv-screening"]["evidence_ref"] == outcomes["cv-screening"].carried_from
    assert ncs["cv-screening"]["source"] == "periodic-review"
    assert outcomes["credit-scoring"].nonconformities == []
    failed = [r for r in reviewed.register.evidence_list() if r["status"] == "failed"]
    assert sorted(r["system_id"] for r in failed) == ["cv-screening", "support-assistant"]
    for record in failed:
        assert (reviewed.evidence_dir / record["path"] / "notebook.ipynb").is_file()
    assert verify(reviewed).ok


def test_a_killed_kernel_is_a_failed_run(reviewed, tmp_path, monkeypatch):
    folder = misbehaving_template(tmp_path, "import os\nif run_id:\n    os.kill(os.getpid(), 9)\n")
    monkeypatch.setattr(Process, "template", property(lambda _process: folder / "risk_assessment.ipynb"))
    jobs, known = plan_review(reviewed, "due", system_id="credit-scoring", force=True, today=TODAY)
    summary = run_review(reviewed, jobs, known, progress=False, today=TODAY)
    [outcome] = summary.outcomes
    assert outcome.status == "failed" and "DeadKernel" in outcome.error


def test_carried_forward_answers_are_compared_with_the_previous_version(reviewed):
    config_path = reviewed.root / "workbench.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["risk_criteria"]["appetite"] = "Low"
    config_path.write_text(yaml.safe_dump(config))
    ws = record_configuration(reviewed.root)
    jobs, known = plan_review(ws, "due", system_id="credit-scoring", today=TODAY)
    summary = run_review(ws, jobs, known, progress=False, today=TODAY)
    [outcome] = summary.outcomes
    record = json.loads((Path(outcome.evidence).parent / "results.json").read_text())
    assert record["previous"]["run_id"] == outcome.carried_from
    changed = {c["field"]: (c["before"], c["after"]) for c in record["changes"]}
    assert changed["results.appetite"] == ("Medium", "Low")
    assert changed["results.risks[R1].above_appetite"] == (False, True)
    assert not any(f.startswith("answers.") for f in changed)
    html = Path(outcome.evidence).read_text()
    assert "Changes since the previous version" in html and "results.risks[R1].above_appetite" in html
    assert f'href="../{outcome.carried_from}/evidence.html"' in html


def test_the_index_links_every_system_and_every_link_resolves(reviewed):
    jobs, known = plan_review(reviewed, "due", today=TODAY)
    run_review(reviewed, jobs, known, progress=False, today=TODAY)
    index = reviewed.evidence_dir / "index.html"
    html = index.read_text()
    for system_id in ("credit-scoring", "cv-screening", "support-assistant"):
        assert f"<code>{system_id}</code>" in html
    links = re.findall(r'href="([^"]+)"', html)
    assert len(links) == 3
    for link in links:
        assert not link.startswith(("/", "http")) and (index.parent / link).is_file()
    offline(index)  # no script (its policy says script-src 'none'), nothing loaded, small
    assert verify(reviewed).ok
    assert 'aria-label="Residual risks by band:' in html


def scheduler_inject(nb, parameters: dict[str, str]):
    """Inject parameters the way jupyter-scheduler does: each value pasted as raw Python source."""
    cell = nbformat.v4.new_code_cell("\n".join(f"{key} = {value}" for key, value in parameters.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, cell)
    return nb


def test_a_template_scheduled_by_jupyter_scheduler_archives_its_evidence(workspace, tmp_path):
    nb = nbformat.read(str(get_process("risk-assessment").template), as_version=4)
    scheduler_inject(nb, {
        "workspace": repr(str(workspace.root)),
        "system_id": "\"'credit-scoring'\"",                       # quoted twice, as some users type it
        "answers": repr(json.dumps(ANSWERS["credit-scoring"])),    # a JSON string
        "period": "'2026-Q4'",
        "assessor": '"amara"',
    })
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    [record] = workspace.register.evidence_list()
    assert (record["system_id"], record["period"], record["status"]) == ("credit-scoring", "2026-Q4", "submitted")
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert f"archived as {record['run_id']}" in printed


def test_the_review_notebook_scheduled_by_jupyter_scheduler_runs_the_review(reviewed, tmp_path):
    nb = nbformat.read(str(notebooks_dir() / "periodic_review.ipynb"), as_version=4)
    scheduler_inject(nb, {"workspace": repr(str(reviewed.root)), "mode": '"due"', "period": "\"'2026-Q4'\"",
                          "workers": "1", "force": "False"})
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    periods = {(r["system_id"], r["period"]) for r in reviewed.register.evidence_list()}
    assert {("credit-scoring", "2026-Q4"), ("cv-screening", "2026-Q4")} <= periods


def test_a_fairness_breach_in_a_reviewed_impact_assessment_opens_nonconformities(workspace):
    write_predictions(workspace.root, "cv-screening")
    pipeline.run_process(workspace, "impact-assessment", "cv-screening", IMPACT_ANSWERS["cv-screening"],
                         period="2026-Q2", assessor="tomas", effective_date="2026-06-01")
    jobs, known = plan_review(workspace, "due", system_id="cv-screening", today=TODAY)
    assert [(j.process, j.system_id) for j in jobs] == [("impact-assessment", "cv-screening")]
    assert [(o.process, o.status) for o in known] == [("risk-assessment", "needs-answers")]
    summary = run_review(workspace, jobs, known, progress=False, today=TODAY)
    impact = next(o for o in summary.outcomes if o.process == "impact-assessment")
    assert impact.status == "archived" and len(impact.breaches) == 3
    assert all("by sex" in b for b in impact.breaches)
    ncs = workspace.register.rows("nonconformities")
    assert sorted(nc["id"] for nc in ncs) == sorted(impact.nonconformities) and len(ncs) == 3
    assert {nc["evidence_ref"] for nc in ncs} == {impact.run_id}
    assert not summary.ok  # the risk assessment could not be carried forward

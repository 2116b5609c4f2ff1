"""The periodic review on real kernels: due selection, idempotency, failures, carry-forward, the index,
a template run the way jupyter-scheduler runs it, and the review's honesty: a scheduled run is the
scheduler's recalculation, names no person, resets no clock and closes no trigger until a person
confirms it."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import nbformat
import pytest
from sqlalchemy import text
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from evidence_checks import offline

from keys import KEYS
from keys import record as record_configuration
from workbench.cli import main
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.demo.impact_data import ANSWERS as IMPACT_ANSWERS, write_predictions
from workbench.exceptions import InputError
from workbench.pipeline import run as pipeline
from workbench.pipeline.archive import ledger_entries
from workbench.pipeline.portfolio import build_index
from workbench.pipeline.recovery import rebuild
from workbench.pipeline.verify import verify
from workbench.processes import Process, get_process
from workbench.records.confirmation import confirm
from workbench.records.signoff import sign_off
from workbench.resources import notebooks_dir
from workbench.scheduling.cadence import review_states
from workbench.scheduling.executor import LocalExecutor
from workbench.scheduling.review import plan_review, run_review
from workbench.scheduling.status import system_reviews
from workbench.workspace import Workspace, init_workspace

pytestmark = pytest.mark.kernel
TODAY = date(2026, 11, 27)


REGISTER_BACKENDS = ("reviewed", "workspace")  # on SQLite; those marked both_registers on PostgreSQL too


@pytest.fixture(scope="module")
def assessed_in_june(tmp_path_factory, register_backend) -> Path:
    """The demo systems, each with a risk assessment effective 2026-06-01: the two high-tier systems
    are overdue on TODAY, the medium-tier one is current. Built once; each test gets a copy."""
    root = tmp_path_factory.mktemp("june") / "ws"
    config = demo_configuration(KEYS)
    config["review"]["processes"] = ["risk-assessment"]
    workspace = init_workspace(root, config=register_backend.config(config))
    workspace.add_systems(SYSTEMS)
    for system_id in ("credit-scoring", "cv-screening", "support-assistant"):
        pipeline.run_process(workspace, "risk-assessment", system_id, ANSWERS[system_id], period="2026-Q2",
                             assessor="tomas", effective_date="2026-06-01")
    workspace.register.close()
    return root


@pytest.fixture
def reviewed(assessed_in_june, tmp_path, register_backend, monkeypatch) -> Workspace:
    return register_backend.copied(Workspace(shutil.copytree(assessed_in_june, tmp_path / "ws")), monkeypatch)


def test_due_mode_selects_the_overdue_systems_only(reviewed):
    jobs, known = plan_review(reviewed, "due", today=TODAY)
    assert sorted(j.system_id for j in jobs) == ["credit-scoring", "cv-screening"]
    assert known == []
    assert all(j.period == "2026-Q4" and j.effective_date == "2026-11-27" for j in jobs)
    assert jobs[0].answers == ANSWERS[jobs[0].system_id] and jobs[0].carried_from.startswith("ra-")
    assert {j.assessor for j in jobs} == {"scheduler"}


@pytest.mark.both_registers
def test_review_recalculates_due_runs_then_a_second_review_archives_nothing(reviewed):
    jobs, known = plan_review(reviewed, "due", today=TODAY)
    summary = run_review(reviewed, jobs, known, LocalExecutor(2), progress=False, today=TODAY)
    assert summary.counts() == {"recalculated": 2}
    # still overdue: a recalculation is no review; the summary says what awaits a person
    assert not summary.ok and sorted(o["system_id"] for o in summary.overdue) == ["credit-scoring", "cv-screening"]
    assert sorted(a["awaiting_confirmation"] for a in summary.awaiting) == sorted(o.run_id for o in summary.outcomes)
    ledger = len(ledger_entries(reviewed.evidence_dir))

    jobs, known = plan_review(reviewed, "all", period="2026-Q4", today=TODAY)
    assert [j.system_id for j in jobs] == ["support-assistant"]
    assert sorted((o.system_id, o.status) for o in known) == [("credit-scoring", "skipped"), ("cv-screening", "skipped")]
    summary = run_review(reviewed, [], known, progress=False, today=TODAY)
    assert len(ledger_entries(reviewed.evidence_dir)) == ledger


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
    assert outcomes["credit-scoring"].status == "recalculated"
    assert outcomes["cv-screening"].status == "failed" and "model file unreadable" in outcomes["cv-screening"].error
    assert outcomes["support-assistant"].status == "failed" and "Timeout" in outcomes["support-assistant"].error
    assert not summary.ok
    ncs = {nc["system_id"]: nc for nc in reviewed.register.rows("nonconformities")}
    assert sorted(ncs) == ["cv-screening", "support-assistant"]
    assert outcomes["cv-screening"].nonconformities == [ncs["cv-screening"]["id"]]
    assert "model file unreadable" in ncs["cv-screening"]["description"]
    assert ncs["cv-screening"]["evidence_ref"] == outcomes["cv-screening"].carried_from
    assert ncs["cv-screening"]["source"] == "review"
    assert {nc["opened_by"] for nc in ncs.values()} == {"scheduler"}  # no person found them
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
    summary = BeautifulSoup(html, "html.parser").find("ul", class_="change-summary").get_text(" ", strip=True)
    assert "Appetite : Medium → Low" in summary and "R1 changed: above appetite no → yes" in summary
    assert "results.risks[R1].above_appetite" in html  # the field by field detail
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
    # the job fails: its recalculations leave the overdue reviews overdue until a person confirms them
    with pytest.raises(CellExecutionError, match="2 overdue"):
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    recalculated = {(r["system_id"], r["period"], r["status"]) for r in reviewed.register.evidence_list()}
    assert {("credit-scoring", "2026-Q4", "recalculated"), ("cv-screening", "2026-Q4", "recalculated")} <= recalculated
    shown = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Due, awaiting confirmation by a person" in shown


def test_a_fairness_breach_in_a_reviewed_impact_assessment_opens_nonconformities(workspace):
    write_predictions(workspace.root, "cv-screening")
    pipeline.run_process(workspace, "impact-assessment", "cv-screening", IMPACT_ANSWERS["cv-screening"],
                         period="2026-Q2", assessor="tomas", effective_date="2026-06-01")
    jobs, known = plan_review(workspace, "due", system_id="cv-screening", today=TODAY)
    assert [(j.process, j.system_id) for j in jobs] == [("impact-assessment", "cv-screening")]
    assert [(o.process, o.status) for o in known] == [("monitoring", "needs-answers"), ("risk-assessment", "needs-answers"),
                                                      ("system-card", "needs-answers")]
    summary = run_review(workspace, jobs, known, progress=False, today=TODAY)
    impact = next(o for o in summary.outcomes if o.process == "impact-assessment")
    assert impact.status == "recalculated" and len(impact.breaches) == 3
    assert all("by sex" in b for b in impact.breaches)
    ncs = workspace.register.rows("nonconformities")
    assert sorted(nc["id"] for nc in ncs) == sorted(impact.nonconformities) and len(ncs) == 3
    assert {nc["evidence_ref"] for nc in ncs} == {impact.run_id}
    assert not summary.ok  # the risk assessment could not be carried forward


# the review is honest: the scheduler's recalculation is no person's assessment ---------------------


def recalculate(workspace: Workspace, system_id: str, today: date = TODAY):
    """Run the periodic review of one system as cron would; return its one outcome."""
    jobs, known = plan_review(workspace, "due", system_id=system_id, today=today)
    [outcome] = run_review(workspace, jobs, known, progress=False, today=today).outcomes
    assert outcome.status == "recalculated", outcome
    return outcome


def state_of(workspace: Workspace, system_id: str, today: date = TODAY):
    return next(s for s in review_states(workspace, today) if s.system_id == system_id)


def test_a_scheduled_review_names_no_person_as_assessor(reviewed):
    outcome = recalculate(reviewed, "credit-scoring")
    entry = next(e for e in ledger_entries(reviewed.evidence_dir) if e.get("run_id") == outcome.run_id)
    assert (entry["kind"], entry["assessor"], entry["status"]) == ("evidence", "scheduler", "recalculated")
    assert (entry["recalculates"], entry["answers_by"]) == (outcome.carried_from, "tomas")
    row = reviewed.register.evidence(outcome.run_id)
    assert (row["assessor"], row["status"], row["confirmed_by"]) == ("scheduler", "recalculated", None)

    html = Path(outcome.evidence).read_text()
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "A recalculation, not a reassessment" in text and "No person has reassessed it" in text
    assert f"unchanged answers of {outcome.carried_from} (by Tomas Novak)" in text
    assert "Recalculated by Review scheduler ( scheduler ), not a person" in text
    assert "Assessor" not in text.split("A recalculation")[0]  # the cover names no assessor
    assert f'href="../{outcome.carried_from}/evidence.html"' in html
    assert "Changes since the previous version" in text and "0 change(s) in answers and results" in text
    notebook = nbformat.read(Path(outcome.evidence).parent / "notebook.ipynb", as_version=4)
    assert notebook.metadata["workbench"]["status"] == "recalculated by the scheduler, for a person to confirm"
    assert ("Status recalculated by the scheduler, for a person to confirm; this file never changes, so the decision is "
            "recorded apart from it: in the portfolio ( index.html of the evidence folder) and in "
            f"{outcome.system_id}/signoff/ Run id") in text  # nothing a confirmation or a sign-off makes false


def test_the_scheduler_identity_runs_nothing_but_unchanged_answers(reviewed):
    from workbench.pipeline.request import build_request

    changed = {**ANSWERS["credit-scoring"], "scope": "Something else"}
    with pytest.raises(InputError, match="assessor: is the scheduler, which only recalculates the answers of ra-.* "
                                         "unchanged; other answers are a person's assessment"):
        build_request(reviewed, "risk-assessment", "credit-scoring", changed, assessor="scheduler")
    write_predictions(reviewed.root, "cv-screening")
    with pytest.raises(InputError, match="there is none for this subject: a person assesses it"):
        build_request(reviewed, "impact-assessment", "cv-screening", IMPACT_ANSWERS["cv-screening"],
                      assessor="scheduler")
    request = build_request(reviewed, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"],
                            assessor="scheduler")
    assert (request.recalculates, request.answers_by) == (reviewed.register.evidence_list("credit-scoring")[0]["run_id"],
                                                          "tomas")


def test_a_recalculation_resets_no_clock_and_closes_no_incident_until_a_person_confirms_it(reviewed):
    reviewed.add_event("support-assistant", "incident", date(2026, 11, 20), "wrong fees quoted")
    runner = CliRunner()
    outcomes = {s: recalculate(reviewed, s) for s in ("credit-scoring", "support-assistant")}

    # the overdue review stays overdue; the incident stays open; both await a person
    late, incident = state_of(reviewed, "credit-scoring"), state_of(reviewed, "support-assistant")
    assert (late.status, late.due_on, late.awaiting_confirmation) == ("overdue", date(2026, 9, 1),
                                                                      outcomes["credit-scoring"].run_id)
    assert (incident.status, incident.due_on) == ("due", date(2026, 11, 20))
    assert incident.reason == f"awaiting confirmation of {outcomes['support-assistant'].run_id} (incident on 2026-11-20)"
    assert {r.system_id: r.state for r in system_reviews(reviewed, TODAY)}["support-assistant"] == "awaiting confirmation"
    status = runner.invoke(main, ["status", "-w", str(reviewed.root)])
    assert f"awaiting confirmation of {outcomes['credit-scoring'].run_id}" in status.output
    build_index(reviewed, TODAY)
    portfolio = " ".join(BeautifulSoup((reviewed.evidence_dir / "index.html").read_text(), "html.parser").get_text(" ").split())
    assert "overdue, awaiting confirmation" in portfolio and "due, awaiting confirmation" in portfolio
    jobs, known = plan_review(reviewed, "due", period="2027-Q1", today=TODAY)  # no second recalculation meanwhile
    assert [j.system_id for j in jobs] == ["cv-screening"]
    assert [(o.system_id, o.status) for o in known] == [("credit-scoring", "skipped"), ("support-assistant", "skipped")]

    # a person confirms: their own act, in the ledger; the record becomes theirs and resets the clock
    for system_id, confirmer in (("credit-scoring", "amara"), ("support-assistant", "tomas")):
        run_id = outcomes[system_id].run_id
        done = runner.invoke(main, ["review", "-w", str(reviewed.root), "confirm", run_id, "--as", confirmer,
                                    "--comment", "Checked the recalculated results against the incident report"])
        assert done.exit_code == 0, done.output
        assert f"confirmed {run_id} by {confirmer}; it awaits sign-off" in done.output
    # each confirmation rewrote the portfolio: both records await approval, none awaits a person any more
    portfolio = " ".join(BeautifulSoup((reviewed.evidence_dir / "index.html").read_text(), "html.parser").get_text(" ").split())
    assert "awaiting confirmation" not in portfolio and portfolio.count("awaiting approval") == 3
    entry = ledger_entries(reviewed.evidence_dir)[-2]
    recalculation = next(e for e in ledger_entries(reviewed.evidence_dir)
                         if e.get("run_id") == outcomes["credit-scoring"].run_id and e["kind"] == "evidence")
    assert {k: entry[k] for k in ("kind", "run_id", "evidence_hash", "person", "comment")} == {
        "kind": "confirmation", "run_id": recalculation["run_id"], "evidence_hash": recalculation["hash"],
        "person": "amara", "comment": "Checked the recalculated results against the incident report"}
    assert entry["recorded_at"] and "files" not in entry
    row = reviewed.register.evidence(recalculation["run_id"])
    assert (row["assessor"], row["status"], row["confirmed_by"]) == ("scheduler", "submitted", "amara")
    for system_id, due_on in (("credit-scoring", date(2027, 2, 27)), ("support-assistant", date(2027, 5, 27))):
        assert (state_of(reviewed, system_id).status, state_of(reviewed, system_id).due_on) == ("current", due_on)
    assert [j.system_id for j in plan_review(reviewed, "due", today=TODAY)[0]] == ["cv-screening"]

    # the register's confirmation is derived from the ledger: verify names a lost one, a rebuild restores it
    with reviewed.register.engine.begin() as db:  # behind the workbench's back, on either backend
        db.execute(text("update evidence set status = 'recalculated', confirmed_by = null where run_id = :run_id"),
                   {"run_id": recalculation["run_id"]})
    assert {f"register: evidence {recalculation['run_id']}: confirmed_by is None; the ledger says 'amara'",
            f"register: evidence {recalculation['run_id']}: status is 'recalculated'; the ledger says 'submitted'"
            } <= {str(f) for f in verify(reviewed).findings}
    rebuild(reviewed)
    assert reviewed.register.evidence(recalculation["run_id"])["confirmed_by"] == "amara"
    assert verify(reviewed).ok


def test_confirmation_is_refused_to_the_scheduler_to_non_assessors_and_for_a_person_s_own_run(reviewed):
    config_path = reviewed.root / "workbench.yaml"
    config = yaml.safe_load(config_path.read_text())
    next(p for p in config["people"] if p["id"] == "david")["roles"].append("assessor")
    config_path.write_text(yaml.safe_dump(config))
    ws = record_configuration(reviewed.root)
    outcome = recalculate(ws, "support-assistant")
    ledger = len(ledger_entries(ws.evidence_dir))
    refusals = {
        "scheduler": "person: is the scheduler identity: it does not confirm its own recalculation",
        "priya": "person: does not hold the assessor role: confirming makes the assessment theirs; people who do: "
                 "tomas, amara, david",
        "lena": "person: does not hold the assessor role"}
    for person, message in refusals.items():
        with pytest.raises(InputError, match=message):
            confirm(ws, outcome.run_id, "looks fine", person=person)
    with pytest.raises(InputError, match="run_id: is not a recalculation: tomas recorded it as their own assessment"):
        confirm(ws, outcome.carried_from, "looks fine", person="amara")
    with pytest.raises(InputError, match="comment: is required"):
        confirm(ws, outcome.run_id, "  ", person="amara")
    with pytest.raises(InputError, match="run_id: awaiting confirmation: it is the scheduler's recalculation"):
        sign_off(ws, outcome.run_id, "approve", "fine", person="priya")
    assert len(ledger_entries(ws.evidence_dir)) == ledger

    confirm(ws, outcome.run_id, "Reviewed the results; the assessment stands", person="david")
    with pytest.raises(InputError, match="run_id: is already confirmed by david"):
        confirm(ws, outcome.run_id, "me too", person="amara")
    with pytest.raises(InputError, match=f"segregation of duties: david confirmed {outcome.run_id}"):
        sign_off(ws, outcome.run_id, "approve", "fine", person="david")
    done = sign_off(ws, outcome.run_id, "approve", "Approved as confirmed by David", person="priya")
    assert ws.register.evidence(outcome.run_id)["status"] == "approved"
    approval = " ".join(BeautifulSoup(done.record.read_text(), "html.parser").get_text(" ").split())
    assert "Recalculated by Review scheduler" in approval and "Confirmed by David Chen ( david )" in approval
    assert verify(ws).ok


def test_a_person_s_new_assessment_supersedes_the_recalculation(reviewed):
    outcome = recalculate(reviewed, "credit-scoring")
    changed = {**ANSWERS["credit-scoring"], "scope": ANSWERS["credit-scoring"]["scope"] + " Reassessed in November."}
    own = pipeline.run_process(reviewed, "risk-assessment", "credit-scoring", changed, assessor="amara",
                               effective_date=TODAY.isoformat(), refresh_index=False)
    assert own.ledger_entry["status"] == "submitted" and "recalculates" not in own.ledger_entry
    state = state_of(reviewed, "credit-scoring")
    assert (state.status, state.last_run_id, state.awaiting_confirmation) == ("current", own.run_id, "")
    with pytest.raises(InputError, match=f"run_id: is superseded by {own.run_id}"):
        confirm(reviewed, outcome.run_id, "fine", person="tomas")


def test_the_scheduler_identity_is_a_configured_non_person(tmp_path):
    def config_with(change) -> dict:
        config = demo_configuration(KEYS)
        config["people"] = [dict(p, roles=list(p["roles"])) for p in config["people"]]
        change(config)
        return config

    problems = {
        "holds no other role than scheduler": lambda c: c["people"][-1]["roles"].append("assessor"),
        "tomas holds the scheduler role, which only review.scheduler": lambda c: c["people"][1]["roles"].append("scheduler"),
        "review.scheduler 'tomas' does not hold the scheduler role": lambda c: c["review"].update(scheduler="tomas")
        or c["people"].pop(),
        "review: reviewer is replaced by scheduler": lambda c: c["review"].update(reviewer="tomas"),
    }
    for message, change in problems.items():
        with pytest.raises(InputError, match=message):
            init_workspace(tmp_path / message.split()[0].replace(".", ""), config=config_with(change))
    legacy = init_workspace(tmp_path / "legacy", config=config_with(lambda c: c["review"].update(reviewer="")))
    assert legacy.config.scheduler().id == "scheduler"
    assert "scheduler" not in legacy.validation_context()["people"]

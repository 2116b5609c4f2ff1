"""Model release records (A.6.2.2 to A.6.2.8): acceptance criteria met or not as computed, every bad answer
refused before anything runs, the release approval refused while a criterion is not met and for whoever
checked the verification, and a deployment's new-model-version event that makes the reviews due; on real
kernels."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pandas as pd
import pytest

from workbench.exceptions import InputError
from workbench.pipeline.request import build_request
from workbench.processes.data_quality.datasets import add_dataset
from workbench.processes.model_release.assessment import Criterion, Metric, approval, evaluate

SYSTEM = "credit-scoring"
HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)>'
TODAY = date.today()
CHECKED = TODAY - timedelta(days=20)


def answers(**changes) -> dict:
    """A release record of scorecard-v2 whose criteria are all met, verified by amara, not deployed."""
    record = {
        "version": "2.0.0", "replaces": "scorecard-v1",
        "requirements": [{"id": "REQ-1", "statement": "Rank applicants by their risk of default.",
                          "source": "credit policy"},
                         {"id": "REQ-2", "statement": "Approve groups of age at comparable rates.",
                          "source": "risk R1"}],
        "design_choices": [{"choice": "Gradient boosting on bureau features",
                            "rationale": "Beats the scorecard on the hold-out set; explainable by permutation."}],
        "training_data": ["training"],
        "verification": {"checked_by": "amara", "checked_on": CHECKED.isoformat(),
                         "method": "Hold-out validation on the 2025 applications.",
                         "metrics": [{"name": "roc_auc", "value": 0.78, "dataset": "training"},
                                     {"name": "demographic_parity_ratio", "value": 0.8},
                                     {"name": "brier", "value": 0.17}],
                         "criteria": [{"metric": "roc_auc", "operator": ">=", "threshold": 0.75, "requirement": "REQ-1"},
                                      {"metric": "demographic_parity_ratio", "operator": ">=", "threshold": 0.8,
                                       "requirement": "REQ-2"},
                                      {"metric": "brier", "operator": "<", "threshold": 0.2}]},
        "deployment_plan": "Shadow mode for two weeks, then all branches; the previous version stays ready.",
        "event_logs": [{"what": "every score with its inputs", "where": "the decision log", "retention_months": 84}],
    }
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = record
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is None:
            node.pop(last)
        else:
            node[last] = value
    return record


@pytest.fixture
def release_ws(workspace):
    """The demo people and systems, a registered training set and two model versions of credit-scoring."""
    (workspace.root / "data").mkdir()
    pd.DataFrame({"income": [1, 2, 3], "label": [0, 1, 1]}).to_csv(workspace.root / "data" / "training.csv",
                                                                    index=False)
    add_dataset(workspace, SYSTEM, {"id": "training", "name": "Training set", "role": "training", "source": "internal",
                                    "licence": "internal", "retention": "7 years", "owner": "amara",
                                    "location": "data/training.csv"}, person="amara")
    for n in (1, 2):
        workspace.add_item(SYSTEM, {"id": f"scorecard-v{n}", "kind": "model", "name": f"Scorecard v{n}"},
                           person="amara")
    return workspace


# the criteria: computed, never typed

@pytest.mark.parametrize("operator, value, met", [
    (">=", 0.75, True), (">=", 0.7499, False), (">", 0.75, False), (">", 0.7501, True),
    ("<=", 0.75, True), ("<=", 0.7501, False), ("<", 0.75, False), ("<", 0.7499, True)])
def test_a_criterion_is_met_when_value_operator_threshold_holds(operator, value, met):
    [found] = evaluate([Criterion(metric="auc", operator=operator, threshold=0.75)], [Metric(name="auc", value=value)])
    assert (found.met, found.value, found.threshold) == (met, value, 0.75)


def build_request_of(ws, record: dict, effective_date: date | None = None):
    return build_request(ws, "model-release", SYSTEM, record, assessor="tomas", item_id="scorecard-v2",
                         effective_date=effective_date or "")


# before anything runs: every bad answer names its field, nothing is archived

def refused(ws, record: dict, effective_date: date | None = None) -> tuple[str, object, str]:
    ledger = (ws.evidence_dir / "ledger.jsonl").read_text()
    with pytest.raises(InputError) as caught:
        build_request_of(ws, record, effective_date)
    assert ws.register.evidence_list() == [] and (ws.evidence_dir / "ledger.jsonl").read_text() == ledger
    problem = caught.value.problems[0]
    return problem.field, problem.value, problem.message


@pytest.mark.parametrize("changes, field, message", [
    ({"training_data": ["training", "holdout"]}, "training_data[1]",
     "is not a registered dataset of credit-scoring; registered: training"),
    ({"verification.metrics.0.dataset": "holdout"}, "verification.metrics[0].dataset",
     "is not a registered dataset of credit-scoring; registered: training"),
    ({"verification.criteria.0.metric": "accuracy"}, "verification.criteria",
     "criteria[0]: metric 'accuracy' is not measured; measured: roc_auc, demographic_parity_ratio, brier"),
    ({"verification.criteria.1.requirement": "REQ-9"}, "verification",
     "criteria[1]: requirement 'REQ-9' is not one of the requirements: REQ-1, REQ-2"),
    ({"verification.criteria.0.operator": "=="}, "verification.criteria[0].operator",
     "Input should be '>=', '>', '<=' or '<'"),
    ({"verification.metrics.0.value": float("nan")}, "verification.metrics[0].value", "must be a finite number"),
    ({"verification.metrics.1.name": "roc_auc"}, "verification.metrics",
     "each metric is measured once; named more than once: roc_auc"),
    ({"verification.checked_by": "mallory"}, "verification.checked_by", "unknown person"),
    ({"requirements.1.id": "REQ-1"}, "requirements", "used more than once: REQ-1"),
    ({"replaces": "scorecard-v2"}, "replaces", "is not another model version of credit-scoring; registered: "
                                               "scorecard-v1"),
    ({"verification.criteria": []}, "verification.criteria", "at least 1"),
    ({"event_logs": []}, "event_logs", "at least 1"),
    ({"criteria_met": True}, "criteria_met", "is not a known field"),
    ({"verification.criteria.0.met": True}, "verification.criteria[0].met", "is not a known field"),  # met is computed, never typed
])
def test_bad_answers_name_the_field_before_anything_runs(release_ws, changes, field, message):
    found = refused(release_ws, answers(**changes))
    assert found[0] == field and message in found[2], found


def test_a_deployment_before_the_verification_is_refused_naming_both_dates(release_ws):
    day = CHECKED - timedelta(days=1)
    field, value, message = refused(release_ws, answers(deployed_on=day.isoformat()))
    assert field == "deployed_on" and value in (day, day.isoformat())
    assert (f"the deployment ({day.isoformat()}) is before the verification and validation "
            f"({CHECKED.isoformat()})") in message
    build_request_of(release_ws, answers(deployed_on=CHECKED.isoformat()))  # the same day: accepted


def test_nothing_is_dated_after_the_records_effective_date(release_ws):
    effective = CHECKED + timedelta(days=5)
    late = (effective + timedelta(days=1)).isoformat()
    assert refused(release_ws, answers(deployed_on=late), effective)[:2] == ("deployed_on", late)
    field, _, message = refused(release_ws, answers(**{"verification.checked_on": late}), effective)
    assert field == "verification.checked_on" and f"after the record's effective date {effective}" in message
    build_request_of(release_ws, answers(deployed_on=effective.isoformat()), effective)


def test_a_release_record_is_about_a_registered_model_version(release_ws):
    with pytest.raises(InputError) as caught:
        build_request(release_ws, "model-release", SYSTEM, answers(), assessor="tomas", item_id="training")
    assert caught.value.problems[0].field == "item"


def test_what_falls_short_is_flagged_and_met_or_not_is_computed(release_ws):
    record = answers(training_data=[], deployed_on=CHECKED.isoformat(),
                     requirements=[*answers()["requirements"], {"id": "REQ-3", "statement": "Give reasons."}],
                     event_logs=[{"what": "scores", "where": "decision log", "retention_months": 5},
                                 {"what": "overrides", "where": "case system", "retention_months": 6}],
                     **{"verification.metrics.0.value": 0.7})
    request = build_request_of(release_ws, record)
    results = request.process.results(request, release_ws)
    assert [c.met for c in results.criteria] == [False, True, True] and not results.verified
    assert results.flags == ["acceptance criterion roc_auc >= 0.75 not met (measured 0.7)",
                             f"deployed on {CHECKED.isoformat()} although 1 acceptance criterion(s) are not met",
                             "requirement REQ-3 is verified by no acceptance criterion",
                             "event log 'scores' is kept 5 month(s), less than the minimum of 6",
                             "no training data is cited from the dataset register"]
    assert [log.short for log in results.logs] == [True, False]


def test_the_approval_role_is_the_configured_one():
    from types import SimpleNamespace

    from workbench.processes.model_release.assessment import acceptance
    from workbench.processes.model_release.settings import ReleaseSettings

    def configured(**settings):
        return SimpleNamespace(config=SimpleNamespace(model_release=ReleaseSettings(**settings)))

    assert acceptance(configured(), results())[0] == "approver"
    role, reason = acceptance(configured(approval_role="top_management"), results())
    assert role == "top_management" and reason == ("release approval: approving this record releases model version "
                                                   "scorecard-v2 (2.0.0)")


# the release approval

def results(unmet: list[str] = (), checked_by: str = "amara") -> dict:
    return {"unmet": list(unmet), "checked_by": checked_by, "model_id": "scorecard-v2", "version": "2.0.0"}


def test_the_approval_rules_in_isolation():
    assert approval(None, results(), "david") is None
    refusal = approval(None, results(["roc_auc >= 0.75 not met (measured 0.71)"]), "david")
    assert refusal.startswith("release refused: acceptance criterion roc_auc >= 0.75 not met (measured 0.71)")
    assert approval(None, results(checked_by="david"), "david").startswith(
        "segregation of duties: david checked the verification and validation of model version scorecard-v2")


@pytest.mark.kernel
def test_a_record_is_archived_computed_escaped_and_released_only_when_every_criterion_is_met(release_ws):
    from test_evidence_html import load
    from workbench.pipeline.run import run_process
    from workbench.pipeline.verify import verify
    from workbench.records.signoff import sign_off
    from workbench.workspace import Workspace

    hostile = answers(**{"requirements.0.statement": HOSTILE, "design_choices.0.rationale": HOSTILE,
                         "verification.metrics.2.name": HOSTILE, "verification.criteria.2.metric": HOSTILE,
                         "event_logs": [{"what": HOSTILE, "where": "the decision log", "retention_months": 3}],
                         "verification.metrics.1.value": 0.71})
    failed = run_process(release_ws, "model-release", SYSTEM, hostile, assessor="tomas", item_id="scorecard-v2")
    record = json.loads((failed.html.parent / "results.json").read_text())["results"]
    assert [(c["metric"], c["met"]) for c in record["criteria"]] == [
        ("roc_auc", True), ("demographic_parity_ratio", False), (HOSTILE, True)]
    assert record["unmet"] == ["demographic_parity_ratio >= 0.8 not met (measured 0.71)"]
    assert record["verified"] is False
    assert record["training_data"] == [{"dataset_id": "training", "name": "Training set", "role": "training",
                                        "version": 1, "sha256": release_ws.register.rows("datasets")[0]["sha256"],
                                        "location": "data/training.csv"}]
    assert record["flags"] == ["acceptance criterion demographic_parity_ratio >= 0.8 not met (measured 0.71)",
                               f"event log '{HOSTILE}' is kept 3 month(s), less than the minimum of 6"]
    html = failed.html.read_text()
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "&lt;script&gt;alert(1)" in html
    text = " ".join(load(failed.html).soup.get_text(" ").split())
    assert "Release refused: 1 acceptance criterion(s) not met" in text and HOSTILE in text  # shown as text
    row = release_ws.register.rows("model_releases")[0]
    assert (row["item_id"], row["verified"], row["unmet"], row["deployed_on"]) == ("scorecard-v2", False, 1, None)

    with pytest.raises(InputError) as caught:  # the approver: refused, naming the criterion, value and threshold
        sign_off(release_ws, failed.run_id, "approve", "ship it", person="david")
    assert caught.value.problems[0].field == "run_id"
    assert ("release refused: acceptance criterion demographic_parity_ratio >= 0.8 not met (measured 0.71)"
            in str(caught.value))
    sign_off(release_ws, failed.run_id, "reject", "fairness criterion not met", person="david")

    passed = run_process(release_ws, "model-release", SYSTEM, answers(**{"verification.checked_by": "david"}),
                         assessor="tomas", item_id="scorecard-v2")
    with pytest.raises(InputError, match="segregation of duties: david checked the verification and validation"):
        sign_off(release_ws, passed.run_id, "approve", "ship it", person="david")
    with pytest.raises(InputError, match="release approval: approving this record releases model version "
                                         "scorecard-v2 .2.0.0.; only the approver role"):
        sign_off(release_ws, passed.run_id, "approve", "ship it", person="priya")  # a reviewer, not an approver

    checked = run_process(release_ws, "model-release", SYSTEM, answers(), assessor="tomas", item_id="scorecard-v2")
    assert json.loads((checked.html.parent / "results.json").read_text())["results"]["flags"] == []
    sign_off(release_ws, checked.run_id, "approve", "every criterion met", person="david")
    statuses = {e["run_id"]: e["status"] for e in release_ws.register.evidence_list()}
    assert (statuses[failed.run_id], statuses[passed.run_id], statuses[checked.run_id]) == (
        "rejected", "submitted", "approved")
    assert verify(release_ws).ok

    forge_approval(release_ws, "david", passed.run_id)  # past the API, with david's real key: verify names it
    found = [str(f) for f in verify(Workspace(release_ws.root)).findings]
    assert any(f.startswith("role: ledger seq") and "approved by david although segregation of duties: david checked"
               in f for f in found), found


def forge_approval(ws, person: str, run_id: str) -> None:
    """Append ``person``'s signed approval of ``run_id`` to the ledger without the sign-off rules."""
    from workbench.pipeline.archive import (LEDGER_FILE, MANIFEST_FILE, canonical_json, entry_hash, ledger_entries,
                                            manifest_text, sha256_file)
    from workbench.records.identity import acting_person

    signer = acting_person(ws, person)
    evidence = next(e for e in ledger_entries(ws.evidence_dir) if e.get("run_id") == run_id)
    last = ledger_entries(ws.evidence_dir)[-1]
    folder = ws.evidence_dir / SYSTEM / "signoff" / "so-forged"
    folder.mkdir(parents=True)
    (folder / "approval.html").write_text("<p>approved</p>")
    entry = signer.sign({"kind": "signoff", "signoff_id": "so-forged", "run_id": run_id, "decision": "approved",
                         "person": person, "roles": list(signer.roles), "comment": "ok",
                         "evidence_hash": evidence["hash"], "process": "model-release", "system_id": SYSTEM,
                         "recorded_at": "2026-11-30T00:00:00+00:00", "path": f"{SYSTEM}/signoff/so-forged",
                         "files": {"approval.html": sha256_file(folder / "approval.html")}})
    entry = {**entry, "seq": last["seq"] + 1, "prev": last["hash"]}
    entry["hash"] = entry_hash(entry)
    with open(ws.evidence_dir / LEDGER_FILE, "ab") as handle:
        handle.write(canonical_json(entry) + b"\n")
    (ws.evidence_dir / MANIFEST_FILE).write_text(manifest_text(ledger_entries(ws.evidence_dir)))


@pytest.mark.kernel
def test_a_deployment_records_one_new_model_version_event_that_makes_the_assessments_due(release_ws):
    from workbench.demo import ANSWERS
    from workbench.pipeline.run import run_process
    from workbench.scheduling.cadence import review_states

    assessed = CHECKED - timedelta(days=10)
    run_process(release_ws, "risk-assessment", SYSTEM, copy.deepcopy(ANSWERS[SYSTEM]), assessor="amara",
                effective_date=assessed)
    risk = next(s for s in review_states(release_ws) if (s.system_id, s.process) == (SYSTEM, "risk-assessment"))
    assert risk.status == "current"

    run_process(release_ws, "model-release", SYSTEM, answers(), assessor="tomas", item_id="scorecard-v2")
    assert release_ws.register.events(SYSTEM) == []  # verified, not deployed: no event yet

    deployed = TODAY  # the deployment makes the review due at once
    run_process(release_ws, "model-release", SYSTEM, answers(deployed_on=deployed.isoformat()), assessor="tomas",
                item_id="scorecard-v2")
    [event] = release_ws.register.events(SYSTEM)
    assert (event["kind"], event["occurred_on"]) == ("new-model-version", deployed)
    assert event["note"].startswith("model version scorecard-v2 (2.0.0) deployed; release record rel-")
    risk = next(s for s in review_states(release_ws) if (s.system_id, s.process) == (SYSTEM, "risk-assessment"))
    assert (risk.status, risk.due_on, risk.reason) == ("due", deployed, f"new-model-version on {deployed}")

    run_process(release_ws, "model-release", SYSTEM, answers(deployed_on=deployed.isoformat(), version="2.0.1"),
                assessor="tomas", item_id="scorecard-v2")
    assert len(release_ws.register.events(SYSTEM)) == 1  # once per version

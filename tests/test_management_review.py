"""Management review without a kernel: inputs assembled from a register that holds risk and
impact assessments, an audit, nonconformities, a gap analysis and earlier reviews; the role rule."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from workbench.demo.certification import review_answers
from workbench.exceptions import InputError
from workbench.processes.management_review.assessment import PreviousAction, assemble_inputs
from workbench.records.nonconformity import open_nonconformity, update_action
from workbench.pipeline.request import build_request

TODAY = date(2026, 11, 27)


def archived(workspace, process: str, system_id: str, run_id: str, effective: date, answers: dict, results: dict,
             rows: dict | None = None) -> str:
    """Register an evidence record with its results.json on disk, as the pipeline leaves it."""
    path = f"{system_id}/{process}/{run_id}"
    folder = workspace.evidence_dir / path
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps({"run_id": run_id, "answers": answers, "results": results}))
    workspace.register.record_evidence({
        "run_id": run_id, "process": process, "system_id": system_id, "period": "2026-Q4",
        "effective_date": effective, "assessor": "priya", "status": "submitted",
        "recorded_at": datetime.combine(effective, datetime.min.time(), timezone.utc), "path": path,
        "answers_sha256": "0" * 64, "workbench_version": "test"}, rows)
    return run_id


def risk(risk_id: str, band: str, score: int, above: bool, owner: str = "lena") -> dict:
    return {"risk_id": risk_id, "title": f"risk {risk_id}", "risk_source": "C.3.4", "inherent_score": 20,
            "inherent_band": "Critical", "residual_score": score, "residual_band": band, "treatment": "mitigate",
            "owner": owner, "due_date": TODAY, "above_appetite": above, "controls": []}


def impact(level: str, breaches: int) -> dict:
    return {"level": level, "raw": 50, "current": 50, "max": 167, "classification": "high-risk",
            "fria_required": False, "fairness_breaches": breaches}


@pytest.fixture
def register(workspace):
    """Two risk assessments of credit-scoring (old and new), one of cv-screening, impact assessments,
    an internal audit with two nonconformities, a gap analysis and an earlier management review."""
    archived(workspace, "risk-assessment", "credit-scoring", "ra-1", TODAY - timedelta(days=200), {}, {},
             {"risks": [risk("R1", "Critical", 20, True)]})
    archived(workspace, "risk-assessment", "credit-scoring", "ra-2", TODAY - timedelta(days=10), {}, {},
             {"risks": [risk("R1", "Medium", 6, False), risk("R2", "Low", 2, False)]})
    archived(workspace, "risk-assessment", "cv-screening", "ra-3", TODAY - timedelta(days=9), {}, {},
             {"risks": [risk("R1", "High", 12, True, "amara")]})
    archived(workspace, "impact-assessment", "cv-screening", "ia-1", TODAY - timedelta(days=8), {}, {},
             {"impact_assessments": [impact("III", 3)]})
    archived(workspace, "impact-assessment", "credit-scoring", "ia-2", TODAY - timedelta(days=8), {}, {},
             {"impact_assessments": [impact("II", 0)]})
    archived(workspace, "internal-audit", "organisation", "audit-1", TODAY - timedelta(days=40),
             {"audit_id": "ia-2026", "conclusion": "treatment lags"},
             {"by_grade": {"conforming": 4, "major nonconformity": 1, "minor nonconformity": 1}})
    major = open_nonconformity(workspace, "audit", "cv-screening", "no impact assessment", "audit-1#A.5.4",
                               grade="major nonconformity", owner="amara", due_date=TODAY + timedelta(days=30),
                               opened_by="sofia")
    minor = open_nonconformity(workspace, "audit", "cv-screening", "acceptance not recorded",
                               "audit-1#6.1.3", owner="amara", due_date=TODAY - timedelta(days=1), opened_by="sofia",
                               opened_on=TODAY - timedelta(days=40))
    update_action(workspace, major, updated_by="amara", status="in progress", note="started")
    archived(workspace, "gap-analysis", "organisation", "gap-1", TODAY - timedelta(days=5), {},
             {"overall": 0.485, "clause_readiness": 0.5, "control_readiness": 0.47, "gaps": [{}, {}, {}],
              "plan": [{}], "groups": [{"group": "4", "title": "Organizational context", "readiness": 0.55}]})
    archived(workspace, "management-review", "organisation", "mr-1", TODAY - timedelta(days=120),
             {"previous_actions": []}, {},
             {"review_actions": [
                 {"action_id": "MR-1", "kind": "resources", "decision": "hire", "owner": "david",
                  "due_date": TODAY - timedelta(days=30)},
                 {"action_id": "MR-2", "kind": "aims-change", "decision": "gate", "owner": "priya",
                  "due_date": TODAY + timedelta(days=30)},
                 {"action_id": "MR-3", "kind": "improvement", "decision": "policy", "owner": "priya",
                  "due_date": TODAY - timedelta(days=1)}]})
    archived(workspace, "management-review", "organisation", "mr-2", TODAY - timedelta(days=60),
             {"previous_actions": [{"id": "MR-3", "status": "done", "note": "policy v2"}]}, {},
             {"review_actions": []})
    return workspace, major, minor


def test_inputs_are_assembled_from_the_register(register):
    workspace, major, minor = register
    inputs = assemble_inputs(workspace, TODAY)

    posture = inputs["risk_posture"]
    assert posture["systems"] == ["credit-scoring", "cv-screening"]  # only the latest run of each system
    assert posture["by_band"] == {"Low": 1, "Medium": 1, "High": 1, "Critical": 0}
    assert [(r["system_id"], r["risk_id"]) for r in posture["above_appetite"]] == [("cv-screening", "R1")]

    assert [(m["system_id"], m["level"], m["fairness_breaches"]) for m in inputs["monitoring"]] == \
        [("credit-scoring", "II", 0), ("cv-screening", "III", 3)]

    audit = inputs["audits"][0]
    assert (audit["audit_id"], audit["by_grade"]["major nonconformity"], audit["conclusion"]) == \
        ("ia-2026", 1, "treatment lags")

    nc = inputs["nonconformities"]
    assert (nc["total"], nc["overdue"]) == (2, 1)
    assert nc["by_status"] == {"in progress": 1, "open": 1}
    assert nc["by_grade"] == {"major nonconformity": 1, "minor nonconformity": 1}
    assert {a["nc_id"]: a["overdue"] for a in nc["open"]} == {major: False, minor: True}

    assert inputs["readiness"]["overall"] == 0.485 and inputs["readiness"]["gaps"] == 3
    assert inputs["readiness"]["run_id"] == "gap-1"

    actions = {a["id"]: a for a in inputs["previous_actions"]}
    assert (actions["MR-1"]["status"], actions["MR-1"]["overdue"]) == ("open", True)
    assert (actions["MR-2"]["status"], actions["MR-2"]["overdue"]) == ("open", False)
    assert (actions["MR-3"]["status"], actions["MR-3"]["overdue"], actions["MR-3"]["reported_in"]) == \
        ("done", False, "mr-2")
    assert len(inputs["documented_information"]) == 18


def test_this_reviews_report_overrides_the_status(register):
    workspace, _, _ = register
    inputs = assemble_inputs(workspace, TODAY, {"MR-1": PreviousAction(id="MR-1", status="done", note="hired")})
    mr1 = next(a for a in inputs["previous_actions"] if a["id"] == "MR-1")
    assert (mr1["status"], mr1["overdue"], mr1["reported_in"], mr1["note"]) == ("done", False, "this review", "hired")


def test_an_empty_register_gives_empty_inputs(workspace):
    inputs = assemble_inputs(workspace, TODAY)
    assert inputs["previous_actions"] == [] and inputs["audits"] == [] and inputs["monitoring"] == []
    assert inputs["readiness"] is None and inputs["nonconformities"]["total"] == 0
    assert inputs["risk_posture"]["by_band"] == {"Low": 0, "Medium": 0, "High": 0, "Critical": 0}


@pytest.fixture
def review() -> dict:
    return copy.deepcopy(review_answers(TODAY))


def test_only_top_management_signs_off(workspace, review):
    with pytest.raises(InputError, match="assessor: does not hold the top_management role; people who do: david"):
        build_request(workspace, "management-review", "", review, assessor="priya")
    request = build_request(workspace, "management-review", "", review, assessor="david")
    assert request.assessor == "david" and request.system.id == "organisation"


def test_earlier_actions_must_exist_and_new_ids_must_be_new(register, review):
    workspace, _, _ = register
    review["previous_actions"] = [{"id": "MR-9", "status": "done"}]
    with pytest.raises(InputError, match=r"previous_actions\[0\]\.id: is not an action of an earlier review; known: MR-1"):
        build_request(workspace, "management-review", "", review, assessor="david")
    review["previous_actions"] = [{"id": "MR-1", "status": "done"}]
    with pytest.raises(InputError, match=r"decisions\[0\]\.id: is already the id of an earlier review's action"):
        build_request(workspace, "management-review", "", review, assessor="david")
    for i, decision in enumerate(review["decisions"]):
        decision["id"] = f"MR-{10 + i}"
    assert build_request(workspace, "management-review", "", review, assessor="david").answers.decisions[0].id == "MR-10"


@pytest.mark.parametrize("change, message", [
    (lambda r: r["decisions"][0].update(kind="wishes"), "decisions[0].kind"),
    (lambda r: r["decisions"][0].update(owner="mallory"), "decisions[0].owner"),
    (lambda r: r["decisions"].clear(), "decisions"),
    (lambda r: r["objectives"][0].update(status="fine"), "objectives[0].status"),
    (lambda r: r.pop("conclusion"), "conclusion"),
    (lambda r: r["decisions"].append(dict(r["decisions"][0])), "repeated: MR-1"),
])
def test_bad_review_answers_name_the_field(workspace, review, change, message):
    change(review)
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_request(workspace, "management-review", "", review, assessor="david")

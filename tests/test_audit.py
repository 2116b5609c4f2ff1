"""The SoA, the audit programme and its checklist, impartiality, and corrective actions, without kernels.

Runs are registered straight through the register (the pipeline's last step), so the rules that
read the register are tested on a real SQLite file; the kernel runs are in test_audit_runs.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from workbench.processes.internal_audit import assessment as audit
from workbench.processes.soa import assessment as soa
from workbench.pipeline.archive import GENESIS, entry_hash, ledger_entries
from workbench.demo import audit_answers, audit_plan_data, soa_answers
from workbench.demo.certification import register_policies
from workbench.exceptions import InputError, UnknownRecordError
from workbench.records.nonconformity import (action_history, actions, is_overdue, open_actions, open_nonconformity,
                                     update_action)
from workbench.pipeline.request import build_request

DAY = date(2026, 10, 13)


def register_run(ws, run_id: str, process: str, system_id: str, assessor: str, rows=None, status="submitted"):
    """Record a run in the register as the pipeline's last step does (no files)."""
    ws.register.record_evidence({
        "run_id": run_id, "process": process, "system_id": system_id, "period": "2026-Q4",
        "effective_date": DAY, "assessor": assessor, "status": status, "recorded_at": datetime.now(timezone.utc),
        "path": f"{system_id}/{process}/{run_id}", "html_sha256": None, "notebook_sha256": None,
        "results_sha256": None, "answers_sha256": "0" * 64, "ledger_hash": None, "workbench_version": "test",
        "error": None}, rows)


@pytest.fixture
def risk_runs(workspace) -> dict[str, str]:
    runs = {"credit-scoring": "ra-1", "cv-screening": "ra-2", "support-assistant": "ra-3"}
    assessors = {"credit-scoring": "amara", "cv-screening": "tomas", "support-assistant": "amara"}
    for system_id, run_id in runs.items():
        rows = {"risks": [{"risk_id": "R1", "title": f"risk of {system_id}", "risk_source": "C.3.4",
                           "inherent_score": 20, "inherent_band": "Critical", "residual_score": 8,
                           "residual_band": "Medium", "treatment": "mitigate", "owner": "tomas",
                           "due_date": DAY, "above_appetite": False, "controls": ["A.5.4", "A.7.4"]}]}
        register_run(workspace, run_id, "risk-assessment", system_id, assessors[system_id], rows)
    return runs


@pytest.fixture
def impact_runs(workspace, risk_runs) -> dict[str, str]:
    runs = {"credit-scoring": "ia-1", "cv-screening": "ia-2", "support-assistant": "ia-3"}
    for system_id, run_id in runs.items():
        register_run(workspace, run_id, "impact-assessment", system_id, "amara")
    return runs


def archive_soa(ws, answers: dict, run_id: str = "soa-1") -> soa.SoAResults:
    request = build_request(ws, "soa", "", answers, assessor="priya")
    results = soa.assess(request.answers, ws)
    register_run(ws, run_id, "soa", "organisation", "priya", soa.register_rows(results.model_dump(mode="json")))
    return results


@pytest.fixture
def soa_data(workspace, risk_runs, impact_runs) -> dict:
    register_policies(workspace, date.today())  # the register entries the SoA and the audit cite
    return soa_answers(workspace.content, risk_runs, impact_runs, DAY)


@pytest.fixture
def planned(workspace, soa_data) -> audit.AuditPlan:
    archive_soa(workspace, soa_data)
    return audit.plan_audit(workspace, audit_plan_data(DAY), planned_by="priya")


def problem(err: pytest.ExceptionInfo) -> tuple[str, object, str]:
    p = err.value.problems[0]
    return p.field, p.value, p.message


# Statement of Applicability ---------------------------------------------------------------------


def test_soa_decides_on_all_38_controls_and_the_added_ones(workspace, soa_data):
    results = archive_soa(workspace, soa_data)
    ids = [c.id for c in results.controls]
    assert ids == workspace.content.control_ids() + ["NW.1"]
    assert len(workspace.content.control_ids()) == 38
    assert (results.included, results.excluded) == (38, 1)
    frame = soa.soa_frame(workspace)
    assert list(frame["control_id"]) == ids
    assert frame.set_index("control_id").loc["NW.1", "source"] == "organisation"


def test_soa_missing_a_control_names_it(workspace, soa_data):
    soa_data["controls"] = [c for c in soa_data["controls"] if c["control"] not in ("A.7.3", "NW.1")]
    with pytest.raises(InputError, match=r"missing: A\.7\.3, NW\.1"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")


def test_soa_unknown_and_repeated_controls_are_refused(workspace, soa_data):
    soa_data["controls"].append(dict(soa_data["controls"][0]))
    with pytest.raises(InputError, match="more than once: A.2.2"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    soa_data["controls"][-1]["control"] = "A.11.1"
    with pytest.raises(InputError, match="unknown ids A.11.1"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")


def test_an_exclusion_without_justification_is_an_error(workspace, soa_data):
    excluded = next(i for i, c in enumerate(soa_data["controls"]) if c["control"] == "A.10.4")
    soa_data["controls"][excluded]["justification"] = "   "
    with pytest.raises(InputError) as err:
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    field, _, message = problem(err)
    assert field == f"controls[{excluded}]"
    assert "A.10.4 is excluded without a justification" in message


def test_included_needs_a_status_and_excluded_has_none(workspace, soa_data):
    soa_data["controls"][0].pop("status")
    with pytest.raises(InputError, match="A.2.2 is included, so it needs a status; allowed: not started"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    soa_data["controls"][0]["status"] = "done-ish"
    with pytest.raises(InputError) as err:
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    assert problem(err)[0] == "controls[0].status"


def test_added_control_ids_may_not_pose_as_annex_a(workspace, soa_data):
    soa_data["added_controls"][0]["id"] = "A.2.2"
    with pytest.raises(InputError, match="organisation control id such as NW.1"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")


def test_soa_evidence_must_resolve(workspace, soa_data):
    soa_data["controls"][3]["evidence"] = ["ra-1", "ra-nope"]
    with pytest.raises(InputError) as err:
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    assert problem(err)[:2] == ("controls[3].evidence[1]", "ra-nope")
    assert "is not an archived run nor a citation" in problem(err)[2]
    register_run(workspace, "ra-failed", "risk-assessment", "cv-screening", "tomas", status="failed")
    soa_data["controls"][3]["evidence"] = ["ra-failed"]
    with pytest.raises(InputError, match="is a failed run"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")


def test_soa_links_the_risks_of_the_latest_assessments(workspace, soa_data):
    results = archive_soa(workspace, soa_data)
    by_id = {c.id: c for c in results.controls}
    assert [(r["system_id"], r["risk_id"]) for r in by_id["A.7.4"].risks] == [
        ("support-assistant", "R1"), ("cv-screening", "R1"), ("credit-scoring", "R1")]
    assert by_id["A.2.2"].risks == []
    assert [e["ref"] for e in by_id["A.6.2.4"].evidence] == ["ra-1", "ra-3"]
    assert [(e["kind"], e["label"]) for e in by_id["A.2.2"].evidence] == [("doc", "document ai-policy: Northwind AI policy")]


def test_soa_is_organisation_wide(workspace, soa_data):
    with pytest.raises(InputError, match="soa is organisation-wide"):
        build_request(workspace, "soa", "credit-scoring", soa_data, assessor="priya")
    with pytest.raises(InputError, match="does not hold the aims_manager role; people who do: priya"):
        build_request(workspace, "soa", "", soa_data, assessor="tomas")


def test_organisation_is_a_reserved_system_id(workspace):
    from workbench.demo import SYSTEMS

    with pytest.raises(InputError, match="reserved for organisation-wide runs"):
        workspace.add_system({**SYSTEMS[0], "id": "organisation"})


# audit programme and impartiality ---------------------------------------------------------------


def test_planned_audit_is_in_the_register_and_the_ledger(workspace, planned):
    assert list(audit.audits_frame(workspace)["id"]) == ["ia-risk-2026"]
    entry = ledger_entries(workspace.evidence_dir)[-1]
    assert (entry["kind"], entry["id"], entry["auditors"], entry["planned_by"]) == (
        "audit-plan", "ia-risk-2026", ["sofia"], "priya")


def test_auditor_may_not_audit_a_system_they_own(workspace, soa_data):
    workspace.config.people[2].roles.append("auditor")  # amara owns cv-screening
    archive_soa(workspace, soa_data)
    data = {**audit_plan_data(DAY), "auditors": ["sofia", "amara"]}
    with pytest.raises(InputError) as err:
        audit.plan_audit(workspace, data, planned_by="priya")
    field, value, message = problem(err)
    assert (field, value) == ("auditors[1]", "amara")
    assert message.startswith(audit.RULE_OWN_SYSTEM) and "amara owns AI system cv-screening" in message
    assert workspace.register.rows("audits") == []


def test_auditor_must_hold_the_auditor_role(workspace, planned):
    with pytest.raises(InputError, match="does not hold the auditor role; people who do: sofia"):
        audit.plan_audit(workspace, {**audit_plan_data(DAY), "id": "other", "auditors": ["tomas"]})


def test_audit_ids_are_unique_and_dates_ordered(workspace, planned):
    with pytest.raises(InputError, match="already in the audit programme"):
        audit.plan_audit(workspace, audit_plan_data(DAY), planned_by="priya")
    with pytest.raises(InputError, match="is before start_date"):
        audit.plan_audit(workspace, {**audit_plan_data(DAY), "id": "x", "end_date": "2026-01-01"})


def test_run_by_someone_not_assigned_is_refused(workspace, planned, risk_runs):
    workspace.config.people[1].roles.append("auditor")  # tomas
    with pytest.raises(InputError) as err:
        build_request(workspace, "internal-audit", "", audit_answers(DAY, risk_runs, "ia-2"), assessor="tomas")
    assert problem(err)[:2] == ("assessor", "tomas")
    assert audit.RULE_ASSIGNED in problem(err)[2]


def test_run_refuses_an_auditor_who_now_owns_a_system_in_scope(workspace, planned, risk_runs):
    workspace.config.people[5].roles.append("system_owner")
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from workbench.register import SystemRow

    with Session(workspace.register.engine) as session:  # ownership moved to sofia after planning
        session.execute(update(SystemRow).where(SystemRow.id == "credit-scoring").values(owner="sofia"))
        session.commit()
    with pytest.raises(InputError, match=f"{audit.RULE_OWN_SYSTEM}: sofia owns AI system credit-scoring"):
        build_request(workspace, "internal-audit", "", audit_answers(DAY, risk_runs, "ia-2"), assessor="sofia")


def test_auditor_may_not_audit_evidence_they_produced(workspace, soa_data, risk_runs):
    workspace.config.people[1].roles.append("auditor")  # tomas assessed cv-screening (ra-2)
    archive_soa(workspace, soa_data)
    audit.plan_audit(workspace, {**audit_plan_data(DAY), "auditors": ["tomas"]}, planned_by="priya")
    with pytest.raises(InputError) as err:
        build_request(workspace, "internal-audit", "", audit_answers(DAY, risk_runs, "ia-2"), assessor="tomas")
    field, value, message = problem(err)
    assert (field, value) == ("items[0].evidence[1]", "ra-2")
    assert message.startswith(audit.RULE_OWN_EVIDENCE) and "tomas produced evidence ra-2" in message


def test_unknown_evidence_reference_is_an_input_error(workspace, planned, risk_runs):
    answers = audit_answers(DAY, risk_runs, "ia-2")
    answers["items"][4]["evidence"] = ["ra-20990101T000000Z-000000"]
    with pytest.raises(InputError) as err:
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")
    assert problem(err)[:2] == ("items[4].evidence[0]", "ra-20990101T000000Z-000000")
    assert "is not an archived run nor a citation" in problem(err)[2]


# checklist and grades ---------------------------------------------------------------------------


def test_checklist_from_scope_has_leaf_clauses_and_soa_controls(workspace, planned):
    items = audit.checklist(workspace, planned)
    assert [(i.id, i.kind, i.applicable) for i in items] == [
        ("6.1.2", "clause", True), ("6.1.3", "clause", True), ("9.2.1", "clause", True), ("9.2.2", "clause", True),
        ("A.5.4", "control", True), ("A.6.2.4", "control", True), ("A.6.2.6", "control", True),
        ("A.10.4", "control", False)]
    whole = audit.AuditPlan.model_validate({**planned.model_dump(), "clauses": ["9"], "controls": []})
    assert [i.id for i in audit.checklist(workspace, whole)] == ["9.1", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3"]


def test_controls_in_scope_need_an_soa(workspace):
    with pytest.raises(InputError, match="needs a Statement of Applicability"):
        audit.plan_audit(workspace, audit_plan_data(DAY), planned_by="priya")


def test_not_applicable_is_refused_for_an_included_control(workspace, planned, risk_runs):
    answers = audit_answers(DAY, risk_runs, "ia-2")
    answers["items"][6] = {"item": "A.6.2.6", "result": "not applicable"}
    with pytest.raises(InputError) as err:
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")
    assert problem(err)[0] == "items[6].result"
    assert "only for a control the SoA excludes; the SoA includes this control" in problem(err)[2]
    answers["items"][6] = {"item": "A.6.2.6", "result": "conforming", "evidence": ["ra-1"]}
    answers["items"][2] = {"item": "9.2.1", "result": "not applicable"}
    with pytest.raises(InputError, match="clause requirements always apply"):
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")


def test_excluded_control_takes_not_applicable_but_no_nonconformity(workspace, planned, risk_runs):
    answers = audit_answers(DAY, risk_runs, "ia-2")
    assert build_request(workspace, "internal-audit", "", answers, assessor="sofia").answers.items[7].result == \
        "not applicable"
    answers["items"][7] = {"item": "A.10.4", "result": "minor nonconformity", "notes": "x",
                           "action_owner": "lena", "action_due": "2027-01-01"}
    with pytest.raises(InputError, match="the SoA excludes this control, so it cannot be nonconforming"):
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")


def test_every_checklist_item_needs_a_result_and_no_others(workspace, planned, risk_runs):
    answers = audit_answers(DAY, risk_runs, "ia-2")
    answers["items"] = answers["items"][:-2]
    with pytest.raises(InputError, match="missing: A.6.2.6, A.10.4"):
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")
    answers = audit_answers(DAY, risk_runs, "ia-2")
    answers["items"].append({"item": "7.5.1", "result": "conforming", "evidence": ["doc:document-control"]})
    with pytest.raises(InputError, match="is not on the checklist of audit ia-risk-2026"):
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")


def test_a_nonconformity_needs_a_finding_an_owner_and_a_due_date(workspace, planned, risk_runs):
    answers = audit_answers(DAY, risk_runs, "ia-2")
    answers["items"][1].update(action_owner="", action_due=None)
    with pytest.raises(InputError, match="a minor nonconformity on 6.1.3 needs action_owner, action_due"):
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")


def test_a_corrective_action_due_in_year_9999_is_refused_before_the_audit_runs(workspace, planned, risk_runs):
    answers = audit_answers(DAY, risk_runs, "ia-2")
    answers["items"][1]["action_due"] = "9999-12-31"
    with pytest.raises(InputError, match=r"items\[1\]\.action_due: must be at most 5 years after .* stays silent"):
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")


def test_audit_grades_count_by_grade_and_by_clause(workspace, planned, risk_runs):
    request = build_request(workspace, "internal-audit", "", audit_answers(DAY, risk_runs, "ia-2"), assessor="sofia")
    results = audit.assess(request.answers, workspace)
    assert results.by_grade == {"conforming": 2, "major nonconformity": 1, "minor nonconformity": 1,
                                "observation": 2, "opportunity for improvement": 1, "not applicable": 1}
    assert results.by_group["6"]["minor nonconformity"] == 1
    assert results.by_group["Annex A"]["major nonconformity"] == 1
    cited = results.findings[0].evidence
    assert [e["ref"] for e in cited] == ["ra-1", "ra-2", "doc:risk-procedure"]
    assert cited[0]["path"] == "credit-scoring/risk-assessment/ra-1"
    assert cited[2]["label"] == "document risk-procedure: AI risk assessment procedure v2"


# nonconformities and corrective actions ---------------------------------------------------------


def test_open_nonconformity_validates_its_input(workspace, risk_runs):
    with pytest.raises(InputError, match="is not an archived run nor a citation"):
        open_nonconformity(workspace, "review", "credit-scoring", "drift", "ra-missing")
    with pytest.raises(UnknownRecordError):
        open_nonconformity(workspace, "review", "nope", "drift", "ra-1")
    with pytest.raises(InputError, match="must say what does not conform"):
        open_nonconformity(workspace, "review", "credit-scoring", " ", "ra-1")
    with pytest.raises(InputError) as err:
        open_nonconformity(workspace, "review", "credit-scoring", "drift", "ra-1", owner="zed")
    assert problem(err)[:2] == ("owner", "zed")
    assert workspace.register.rows("nonconformities") == []


def test_updates_are_appended_and_ledgered(workspace, risk_runs):
    nc = open_nonconformity(workspace, "review", "credit-scoring", "AUC fell below 0.7", "ra-1",
                            due_date="2027-01-31", opened_by="priya")
    assert nc == "nc-0001"
    update_action(workspace, nc, updated_by="lena", status="in progress", root_cause="stale features")
    update_action(workspace, nc, updated_by="lena", status="done", corrective_action="retrained; monitor added",
                  correction="scores of the drifted weeks re-checked by hand", consequences="two declines reversed",
                  similar="cv-screening has no drift monitor either; added", aims_changes="monitoring procedure v3")
    with pytest.raises(InputError, match="effectiveness_check: is required to set the status 'verified effective'"):
        update_action(workspace, nc, updated_by="priya", status="verified effective",
                      effectiveness_evidence=["ra-1"])
    update_action(workspace, nc, updated_by="priya", status="verified effective",
                  effectiveness_check="AUC 0.78 on two months of fresh data", effectiveness_evidence=["ra-1"])
    history = action_history(workspace, nc)
    assert list(history["seq"]) == [1, 2, 3, 4]
    assert list(history["status"]) == ["open", "in progress", "done", "verified effective"]
    assert list(history["root_cause"]) == ["", "stale features", "stale features", "stale features"]
    assert history.iloc[-1]["owner"] == "lena"  # the system owner, carried over
    entries = ledger_entries(workspace.evidence_dir)
    assert [e["kind"] for e in entries] == ["configuration"] + ["system"] * 3 + ["nonconformity"] + ["action-update"] * 3
    assert list(history["ledger_hash"]) == [e["hash"] for e in entries[4:]]
    prev = GENESIS
    for e in entries:
        assert e["prev"] == prev and e["hash"] == entry_hash(e)
        prev = e["hash"]
    assert open_actions(workspace).empty
    assert [a["status"] for a in actions(workspace, only_open=False)] == ["verified effective"]


def test_update_refuses_unknown_ids_statuses_and_people(workspace, risk_runs):
    nc = open_nonconformity(workspace, "review", "credit-scoring", "drift", "ra-1", opened_by="priya")
    with pytest.raises(UnknownRecordError, match="known: nc-0001"):
        update_action(workspace, "nc-0099", updated_by="lena", status="done")
    with pytest.raises(InputError, match="unknown status; allowed: open, in progress, done, verified effective"):
        update_action(workspace, nc, updated_by="lena", status="closed")
    with pytest.raises(InputError) as err:
        update_action(workspace, nc, updated_by="mallory", status="done")
    assert problem(err)[:2] == ("updated_by", "mallory")
    assert len(action_history(workspace, nc)) == 1


@pytest.mark.parametrize(("days", "status", "overdue"), [
    (-1, "open", True), (0, "open", False), (1, "open", False), (-1, "in progress", True),
    (-1, "done", False), (-30, "verified effective", False)])
def test_overdue_flag_around_the_due_date(days, status, overdue):
    today = date(2026, 11, 27)
    assert is_overdue(status, today + timedelta(days=days), today) is overdue


def test_open_actions_flags_overdue_relative_to_today(workspace, risk_runs):
    today = date.today()
    open_nonconformity(workspace, "review", "credit-scoring", "late", "ra-1", due_date=today - timedelta(days=1),
                       opened_by="priya", opened_on=today - timedelta(days=20))
    open_nonconformity(workspace, "review", "cv-screening", "due today", "ra-2", due_date=today,
                       opened_by="priya")
    frame = open_actions(workspace)
    assert list(zip(frame["nc_id"], frame["overdue"])) == [("nc-0001", True), ("nc-0002", False)]
    assert list(open_actions(workspace, today=today + timedelta(days=1))["overdue"]) == [True, True]


def test_action_history_carries_across_two_audits(workspace, planned, risk_runs):
    first = build_request(workspace, "internal-audit", "", audit_answers(DAY, risk_runs, "ia-2"), assessor="sofia")
    register_run(workspace, "audit-1", "internal-audit", "organisation", "sofia")
    audit.archived(workspace, type("E", (), {"run_id": "audit-1", "ledger_entry": {"assessor": "sofia",
                                                                                   "effective_date": DAY.isoformat()}}),
                    audit.assess(first.answers, workspace).model_dump(mode="json"))
    opened = {r["id"]: r for r in workspace.register.rows("nonconformities")}
    assert sorted((r["grade"], r["evidence_ref"], r["system_id"]) for r in opened.values()) == [
        ("major nonconformity", "audit-1#A.5.4", "cv-screening"),
        ("minor nonconformity", "audit-1#6.1.3", "cv-screening")]
    minor = next(i for i, r in opened.items() if r["grade"] == "minor nonconformity")
    update_action(workspace, minor, updated_by="amara", status="in progress", note="acceptance requested")

    audit.plan_audit(workspace, {**audit_plan_data(DAY + timedelta(days=90)), "id": "ia-follow-up"},
                     planned_by="priya")
    second = build_request(workspace, "internal-audit", "",
                           {**audit_answers(DAY, risk_runs, "ia-2"), "audit_id": "ia-follow-up"}, assessor="sofia")
    earlier = {a["nc_id"]: a for a in audit.assess(second.answers, workspace).earlier_actions}
    assert set(earlier) == set(opened)
    assert (earlier[minor]["status"], earlier[minor]["updates"], earlier[minor]["source_ref"]) == (
        "in progress", 2, "ia-risk-2026 6.1.3")
    assert earlier[minor]["overdue"] is True  # due 30 days after DAY, long past
    assert list(action_history(workspace, minor)["status"]) == ["open", "in progress"]

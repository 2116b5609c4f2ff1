"""The records an auditor samples hold their claims (issue 18, parts 6, 7, 8 and 10), without kernels:
corrective actions closed only with what 10.2 asks, an SoA whose every line is justified, owned and
evidenced, audit findings on dated evidence of any kind with the programme's coverage, and a
readiness that shows its blockers apart. Each rule: the refusal, then the accepted case."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.exceptions import InputError
from workbench.pipeline.archive import ledger_entries
from workbench.pipeline.request import build_request
from workbench.processes.gap_analysis.assessment import assess as assess_gap, headline as gap_headline
from workbench.processes.gap_analysis.settings import Readiness
from workbench.processes.internal_audit import assessment as audit
from workbench.records.nonconformity import SOURCES, action_history, open_nonconformity, update_action
from workbench.demo import audit_answers, audit_plan_data, soa_answers
from workbench.demo.certification import gap_answers, register_policies

from test_audit import DAY, archive_soa, problem, register_run

TODAY = date.today()
CLOSING = {"correction": "the wrong declines were re-decided by a credit officer",
           "consequences": "the three applicants were told and offered a new decision",
           "root_cause": "the drift monitor had no alert threshold",
           "similar": "cv-screening had the same gap in its monitor; fixed there too",
           "corrective_action": "alert thresholds on every monitor, tested in release",
           "aims_changes": "monitoring procedure v3 requires a threshold per metric"}


@pytest.fixture
def risk_runs(workspace) -> dict[str, str]:
    """The risk assessments of test_audit (each risk R1 citing A.5.4 and A.7.4) and an impact assessment each."""
    runs = {"credit-scoring": "ra-1", "cv-screening": "ra-2", "support-assistant": "ra-3"}
    for system_id, run_id in runs.items():
        rows = {"risks": [{"risk_id": "R1", "title": f"risk of {system_id}", "risk_source": "C.3.4",
                           "inherent_score": 20, "inherent_band": "Critical", "residual_score": 8,
                           "residual_band": "Medium", "treatment": "mitigate", "owner": "tomas",
                           "due_date": DAY, "above_appetite": False, "controls": ["A.5.4", "A.7.4"]}]}
        register_run(workspace, run_id, "risk-assessment", system_id, "amara" if run_id != "ra-2" else "tomas", rows)
        register_run(workspace, run_id.replace("ra-", "ia-"), "impact-assessment", system_id, "amara")
    return runs


@pytest.fixture
def soa_data(workspace, risk_runs) -> dict:
    register_policies(workspace, TODAY)
    impacts = {s: r.replace("ra-", "ia-") for s, r in risk_runs.items()}
    return soa_answers(workspace.content, risk_runs, impacts, DAY)


@pytest.fixture
def planned(workspace, soa_data) -> audit.AuditPlan:
    archive_soa(workspace, soa_data)
    return audit.plan_audit(workspace, audit_plan_data(DAY), planned_by="priya")


def invoke(ws, *args):
    return CliRunner().invoke(main, [*args, "--workspace", str(ws.root)])


def opened(ws, **extra) -> str:
    return open_nonconformity(ws, "review", "credit-scoring", "AUC fell below 0.7", "ra-1", opened_by="priya",
                              due_date=(TODAY + timedelta(days=20)).isoformat(), **extra)


# 6. corrective actions ----------------------------------------------------------------------------


def test_done_is_refused_until_every_10_2_field_is_given(workspace, risk_runs):
    nc = opened(workspace)
    with pytest.raises(InputError) as err:  # the issue's own attempt, by the action's owner, with nothing
        update_action(workspace, nc, updated_by="lena", status="verified effective", effectiveness_check="ok")
    field, _, message = problem(err)
    assert field == "correction" and "is required to set the status 'verified effective'" in message
    for name in CLOSING:  # each one missing is named
        partial = {k: v for k, v in CLOSING.items() if k != name}
        with pytest.raises(InputError) as err:
            update_action(workspace, nc, updated_by="lena", status="done", **partial)
        assert problem(err)[0] == name
    assert len(action_history(workspace, nc)) == 1  # nothing was written
    update_action(workspace, nc, updated_by="lena", status="done", **CLOSING)
    assert action_history(workspace, nc).iloc[-1][["status", "similar", "aims_changes"]].tolist() == [
        "done", CLOSING["similar"], CLOSING["aims_changes"]]


def test_effectiveness_is_verified_by_another_person_citing_evidence(workspace, risk_runs):
    nc = opened(workspace)
    update_action(workspace, nc, updated_by="lena", status="done", **CLOSING)
    check = "AUC 0.78 on two months of fresh data"
    with pytest.raises(InputError) as err:
        update_action(workspace, nc, updated_by="lena", status="verified effective", effectiveness_check=check,
                      effectiveness_evidence=["ra-1"])
    assert problem(err)[:2] == ("updated_by", "lena") and "someone other than lena" in problem(err)[2]
    with pytest.raises(InputError, match="effectiveness_evidence: is required"):
        update_action(workspace, nc, updated_by="priya", status="verified effective", effectiveness_check=check)
    later = (TODAY + timedelta(days=5)).isoformat()
    with pytest.raises(InputError) as err:
        update_action(workspace, nc, updated_by="priya", status="verified effective", effectiveness_check=check,
                      effectiveness_evidence=[f"sample:{later}:forty decisions of the new month"])
    assert problem(err)[0] == "effectiveness_evidence[0]" and f"is dated {later}, after today" in problem(err)[2]
    with pytest.raises(InputError, match="is not a nonconformity id"):
        update_action(workspace, nc, updated_by="priya", status="verified effective", effectiveness_check=check,
                      effectiveness_evidence=["nc:nc-0042"])
    assert len(action_history(workspace, nc)) == 2
    row = update_action(workspace, nc, updated_by="priya", status="verified effective", effectiveness_check=check,
                        effectiveness_evidence=["ra-1", f"sample:{TODAY.isoformat()}:forty decisions, all scored"])
    assert row["effectiveness_evidence"] == ["ra-1", f"sample:{TODAY.isoformat()}:forty decisions, all scored"]
    assert ledger_entries(workspace.evidence_dir)[-1]["effectiveness_evidence"] == row["effectiveness_evidence"]


def test_due_dates_never_precede_the_opening_day(workspace, risk_runs):
    with pytest.raises(InputError) as err:
        open_nonconformity(workspace, "review", "credit-scoring", "drift", "ra-1", opened_by="priya",
                           due_date=(TODAY - timedelta(days=1)).isoformat())
    assert problem(err)[:2] == ("due_date", (TODAY - timedelta(days=1)).isoformat())
    assert f"is before the nonconformity was opened on {TODAY.isoformat()}" in problem(err)[2]
    with pytest.raises(InputError, match="is after today"):
        opened(workspace, opened_on=TODAY + timedelta(days=1))
    assert workspace.register.rows("nonconformities") == []
    found = TODAY - timedelta(days=40)  # found at an audit 40 days ago: a due date after that day is allowed
    nc = open_nonconformity(workspace, "audit", "credit-scoring", "drift", "ra-1", opened_by="priya",
                            opened_on=found, due_date=found + timedelta(days=30))
    assert workspace.register.rows("nonconformities", id=nc)[0]["opened_on"] == found
    with pytest.raises(InputError, match=f"opened on {found.isoformat()}"):
        update_action(workspace, nc, updated_by="lena", due_date=(found - timedelta(days=1)).isoformat())
    update_action(workspace, nc, updated_by="lena", due_date=found.isoformat(), status="in progress")


def test_nonconformities_open_from_any_source_of_the_allow_list(workspace, risk_runs):
    with pytest.raises(InputError) as err:
        open_nonconformity(workspace, "gossip", "credit-scoring", "drift", "ra-1", opened_by="priya")
    assert problem(err)[:2] == ("source", "gossip") and ", ".join(SOURCES) in problem(err)[2]
    ids = [open_nonconformity(workspace, source, "credit-scoring", f"found by {source}", "ra-1", opened_by="priya")
           for source in SOURCES]
    assert [r["source"] for r in workspace.register.rows("nonconformities")] == list(SOURCES)
    assert len(set(ids)) == 6


def test_nc_open_command_takes_a_complaint_with_described_evidence(workspace, risk_runs):
    evidence = f"record:{(TODAY - timedelta(days=2)).isoformat()}:complaint HR-2291 received by email"
    bad = invoke(workspace, "nc", "open", "--source", "rumour", "--system", "cv-screening", "--description",
                 "no one read the CV", "--evidence", evidence, "--by", "priya")
    assert bad.exit_code == 2 and "source: is not a source of nonconformities" in bad.output
    short = invoke(workspace, "nc", "open", "--source", "complaint", "--description", "x", "--evidence",
                   f"record:{TODAY.isoformat()}:a call", "--by", "priya")
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    undated = invoke(workspace, "nc", "open", "--source", "complaint", "--description", "x", "--evidence",
                     "interview:yesterday:the recruiting lead", "--by", "priya")
    assert undated.exit_code == 2 and "needs a date YYYY-MM-DD" in undated.output
    assert workspace.register.rows("nonconformities") == []
    ok = invoke(workspace, "nc", "open", "--source", "complaint", "--system", "cv-screening", "--description",
                "An applicant's CV was rejected unread", "--evidence", evidence, "--ref", "HR-2291", "--by", "priya")
    assert ok.exit_code == 0, ok.output
    row = workspace.register.rows("nonconformities")[0]
    assert (row["source"], row["source_ref"], row["evidence_ref"], row["system_id"]) == (
        "complaint", "HR-2291", evidence, "cv-screening")
    done = invoke(workspace, "action", "update", row["id"], "--status", "done", "--by", "amara",
                  *[f"--{k.replace('_', '-')}={v}" for k, v in CLOSING.items()])
    assert done.exit_code == 0, done.output
    verified = invoke(workspace, "action", "update", row["id"], "--status", "verified effective", "--by", "priya",
                      "--effectiveness-check", "every rejection read since", "--evidence", "ra-2",
                      "--evidence", f"nc:{row['id']}")
    assert verified.exit_code == 0, verified.output
    assert "update 3: verified effective" in verified.output


# 7. Statement of Applicability --------------------------------------------------------------------


def _index(data: dict, control: str) -> int:
    return next(i for i, c in enumerate(data["controls"]) if c["control"] == control)


def test_one_justification_repeated_is_refused(workspace, soa_data):
    for c in soa_data["controls"]:
        if c["included"]:
            c["justification"] = "Needed to treat the risks and meet the EU AI Act."
    with pytest.raises(InputError, match="A.2.3 repeats the justification of A.2.2; each included control needs its own"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")


def test_included_controls_need_a_justification_and_an_owner(workspace, soa_data):
    i = _index(soa_data, "A.4.2")
    soa_data["controls"][i]["owner"] = ""
    with pytest.raises(InputError) as err:
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    assert problem(err)[0] == f"controls[{i}]" and "A.4.2 is included, so it needs an owner" in problem(err)[2]
    soa_data["controls"][i].update(owner="priya", justification=" ")
    with pytest.raises(InputError, match="A.4.2 is included without a justification"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")


def test_implemented_needs_the_evidence_that_shows_it(workspace, soa_data):
    i = _index(soa_data, "A.6.2.8")
    soa_data["controls"][i]["evidence"] = []
    with pytest.raises(InputError, match="A.6.2.8 is 'verified effective', so it needs the evidence that shows it"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    soa_data["controls"][i]["status"] = "partial"  # an honest status needs none
    build_request(workspace, "soa", "", soa_data, assessor="priya")


def test_excluding_a_control_that_risks_cite_needs_a_justification_that_addresses_them(workspace, soa_data):
    i = _index(soa_data, "A.7.4")  # every test risk R1 cites A.5.4 and A.7.4
    soa_data["controls"][i] = {"control": "A.7.4", "included": False, "justification": "Data quality is the data "
                               "team's business, not the AIMS's."}
    with pytest.raises(InputError) as err:
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    field, _, message = problem(err)
    assert field == f"controls[{i}].justification"
    assert "which risks cite: support-assistant/R1, cv-screening/R1, credit-scoring/R1" in message  # newest first
    soa_data["controls"][i]["justification"] = ("credit-scoring R1 and cv-screening R1 are treated by the lender's "
                                                "data-quality standard; support-assistant R1 uses no training data.")
    request = build_request(workspace, "soa", "", soa_data, assessor="priya")
    assert request.answers.controls[i].included is False


def test_applicability_can_differ_per_system(workspace, soa_data):
    i = _index(soa_data, "A.7.2")
    assert soa_data["controls"][i]["systems"][0]["system"] == "support-assistant"
    soa_data["controls"][i]["systems"][0]["system"] = "ghost-system"
    with pytest.raises(InputError) as err:
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    assert problem(err)[:2] == (f"controls[{i}].systems[0].system", "ghost-system")
    j = _index(soa_data, "A.5.4")  # cv-screening's R1 cites A.5.4
    soa_data["controls"][i]["systems"][0]["system"] = "support-assistant"
    soa_data["controls"][j]["systems"] = [{"system": "cv-screening", "included": False,
                                           "justification": "Recruiting is out of scope for impact assessment."}]
    with pytest.raises(InputError, match="excludes A.5.4 for cv-screening, whose risks cite it: cv-screening/R1"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    soa_data["controls"][j]["systems"] = [{"system": "cv-screening", "included": True, "justification": "again"}]
    with pytest.raises(InputError, match="list only the systems where applicability differs"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    soa_data["controls"][j]["systems"] = []
    results = archive_soa(workspace, build_request(workspace, "soa", "", soa_data, assessor="priya").answers
                          .model_dump(mode="json"))
    a72 = next(c for c in results.controls if c.id == "A.7.2")
    assert (a72.included, [(s.system, s.included) for s in a72.systems]) == (True, [("support-assistant", False)])


def test_soa_dated_before_its_risk_records_or_evidence_is_refused(workspace, soa_data):
    before = DAY - timedelta(days=1)  # the risk runs are dated DAY
    with pytest.raises(InputError) as err:
        build_request(workspace, "soa", "", soa_data, assessor="priya", effective_date=before)
    field, value, message = problem(err)
    assert (field, value) == ("effective_date", before.isoformat())
    assert f"ra-3 (support-assistant) is dated {DAY.isoformat()}" in message
    i = _index(soa_data, "NW.1")
    later = (TODAY + timedelta(days=1)).isoformat()
    soa_data["controls"][i]["evidence"] = [f"record:{later}:minutes of a committee not yet held"]
    with pytest.raises(InputError) as err:
        build_request(workspace, "soa", "", soa_data, assessor="priya")
    assert problem(err)[0] == f"controls[{i}].evidence[0]"
    assert f"is dated {later}, after the SoA (effective date) dated {TODAY.isoformat()}" in problem(err)[2]
    soa_data["controls"][i]["evidence"] = ["doc:nowhere"]
    with pytest.raises(InputError, match="is not an entry of the register of documented information"):
        build_request(workspace, "soa", "", soa_data, assessor="priya")


def test_soa_flags_a_control_risks_rely_on_that_nobody_started(workspace, soa_data):
    soa_data["controls"][_index(soa_data, "A.7.4")]["status"] = "not started"
    results = archive_soa(workspace, soa_data)
    assert results.flagged == ["A.7.4"]
    assert next(c for c in results.controls if c.id == "A.7.4").flag.startswith("3 risk(s) rely on it")


# 8. audit evidence and the programme --------------------------------------------------------------


def test_conforming_without_evidence_is_refused(workspace, planned, risk_runs):
    answers = audit_answers(DAY, risk_runs, "ia-2")
    answers["items"][0]["evidence"] = []
    with pytest.raises(InputError, match="a conforming result on 6.1.2 needs the evidence that shows it"):
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")


def test_findings_cite_documents_interviews_samples_and_nonconformities(workspace, planned, risk_runs):
    nc = opened(workspace)
    answers = audit_answers(DAY, risk_runs, "ia-2")
    answers["items"][0]["evidence"] = ["doc:risk-procedure", f"nc:{nc}",
                                       f"interview:{DAY.isoformat()}:Lena Fischer on the risk register"]
    request = build_request(workspace, "internal-audit", "", answers, assessor="sofia")
    cited = audit.assess(request.answers, workspace).findings[0].evidence
    assert [(e["kind"], e["dated"]) for e in cited] == [
        ("doc", (TODAY - timedelta(days=200)).isoformat()), ("nc", TODAY.isoformat()), ("interview", DAY.isoformat())]
    answers["items"][0]["evidence"] = ["doc:no-such-doc"]
    with pytest.raises(InputError) as err:
        build_request(workspace, "internal-audit", "", answers, assessor="sofia")
    assert problem(err)[:2] == ("items[0].evidence[0]", "doc:no-such-doc") and "known: ai-objectives" in problem(err)[2]


def test_an_audit_dated_before_its_evidence_is_refused_naming_both_dates(workspace, planned, risk_runs):
    answers = audit_answers(DAY, risk_runs, "ia-2")
    audit_day = DAY - timedelta(days=3)  # the risk runs it cites are dated DAY
    with pytest.raises(InputError) as err:
        build_request(workspace, "internal-audit", "", answers, assessor="sofia", effective_date=audit_day)
    field, value, message = problem(err)
    assert (field, value) == ("items[0].evidence[0]", "ra-1")
    assert f"is dated {DAY.isoformat()}, after the audit (effective date) dated {audit_day.isoformat()}" in message
    request = build_request(workspace, "internal-audit", "", answers, assessor="sofia", effective_date=DAY + timedelta(days=4))
    assert request.effective_date == DAY + timedelta(days=4)


def test_the_checklist_cites_the_soa_row(workspace, planned):
    items = {i.id: i for i in audit.checklist(workspace, planned)}
    assert items["A.6.2.4"].soa_ref == "soa-1#A.6.2.4"
    assert items["A.6.2.4"].soa_decision.startswith("implemented; credit-scoring R1 and R3")
    assert items["A.10.4"].soa_decision.startswith("excluded: Northwind supplies no AI system")
    assert items["6.1.2"].soa_ref == ""
    out = invoke(workspace, "audit", "checklist", "ia-risk-2026").output
    assert "SoA row soa-1#A.6.2.4: implemented;" in out


def test_programme_coverage_over_the_cycle(workspace, planned):
    coverage = audit.programme_coverage(workspace, DAY)
    assert (coverage.start, coverage.end, coverage.years) == (DAY, DAY.replace(year=DAY.year + 3), 3)
    assert coverage.audits == [{"id": "ia-risk-2026", "title": planned.title, "start_date": DAY.isoformat(),
                                "state": "planned"}]
    assert [k for k, v in coverage.clauses.items() if v == "planned"] == ["6.1.2", "6.1.3", "9.2.1", "9.2.2"]
    assert len(coverage.clauses) == 32 and len(coverage.uncovered("clauses")) == 28
    assert [k for k, v in coverage.controls.items() if v == "planned"] == ["A.5.4", "A.6.2.4", "A.6.2.6"]
    assert "A.10.4" not in coverage.controls and len(coverage.uncovered("controls")) == 38 - 3  # 37 included + NW.1
    audit.plan_audit(workspace, {**audit_plan_data(DAY + timedelta(days=400)), "id": "ia-ops-2027",
                                 "clauses": ["8"], "controls": [], "systems": []}, planned_by="priya")
    audit.plan_audit(workspace, {**audit_plan_data(DAY + timedelta(days=1200)), "id": "ia-late", "clauses": ["4"],
                                 "controls": [], "systems": []}, planned_by="priya")
    later = audit.programme_coverage(workspace, DAY, running="ia-risk-2026")
    assert [(a["id"], a["state"]) for a in later.audits] == [("ia-risk-2026", "audited"), ("ia-ops-2027", "planned")]
    assert later.clauses["6.1.2"] == "audited" and later.clauses["8.1"] == "planned" and later.clauses["4.1"] == \
        "not covered"  # ia-late starts after the three years
    assert audit.programme_coverage(workspace, DAY, years=5).clauses["4.1"] == "planned"
    out = invoke(workspace, "audit", "programme", "--as-of", DAY.isoformat(), "--json")
    assert out.exit_code == 0, out.output
    shown = json.loads(out.output)
    assert shown["uncovered_clauses"][:4] == ["4.1", "4.2", "4.3", "4.4"] and "8.1" not in shown["uncovered_clauses"]
    bad = invoke(workspace, "audit", "programme", "--years", "0")
    assert bad.exit_code == 2 and "the audit cycle is 1 to 10 years" in bad.output


# 10. readiness ------------------------------------------------------------------------------------


def test_blockers_stand_apart_and_excluded_controls_leave_the_ranking(workspace, soa_data):
    archive_soa(workspace, soa_data)  # excludes A.10.4
    data = gap_answers(workspace.content, TODAY, {})
    request = build_request(workspace, "gap-analysis", "", data, assessor="priya")
    results = assess_gap(request.answers, workspace)
    # minimum 2: 6.1.4 and 7.2 (rated 1) and 9.3.3 (rated 0) block certification whatever the average
    assert [(b.item, b.maturity, b.actions) for b in results.blockers] == [
        ("6.1.4", 1, ["P3"]), ("7.2", 1, ["P2"]), ("9.3.3", 0, ["P1"])]
    assert [(e.item, e.maturity, e.soa_run) for e in results.excluded] == [("A.10.4", 2, "soa-1")]
    assert results.excluded[0].justification.startswith("Northwind supplies no AI system")
    assert "A.10.4" not in [g.item for g in results.gaps]
    a10 = next(g for g in results.groups if g.group == "A.10")
    assert (a10.items, a10.mean_maturity) == (2, 2.5)  # A.10.2 = 2, A.10.3 = 3; A.10.4 left out
    # by hand: clauses 4..10 means 2.75, 3, 2.5, 1.857, 3, 1.667, 2.5 weighted 2,2,3,2,3,2,2 (16);
    # areas A.2..A.10 means 3, 3, 2, 1.25, 3.111, 2, 1.5, 3, 2.5 weighted 1 each (9)
    clauses = 2 * 2.75 + 2 * 3 + 3 * 2.5 + 2 * 13 / 7 + 3 * 3 + 2 * 5 / 3 + 2 * 2.5
    areas = 3 + 3 + 2 + 1.25 + 28 / 9 + 2 + 1.5 + 3 + 2.5
    assert results.overall == round((clauses + areas) / 25 / 5, 4) == 0.4913
    assert gap_headline(results.model_dump(mode="json")).startswith("3 blocker(s) (6.1.4, 7.2, 9.3.3); readiness 49%")


def test_default_weights_favour_the_mandatory_clauses():
    policy = Readiness()
    clauses = sum(policy.weight(c) for c in ("4", "5", "6", "7", "8", "9", "10"))
    areas = sum(policy.weight(f"A.{n}") for n in range(2, 11))
    assert (clauses, areas) == (16, 9)
    with pytest.raises(ValueError, match="minimum 4 is above the target 3"):
        Readiness(minimum=4)


def test_no_blocker_when_every_requirement_reaches_the_minimum(workspace):
    data = gap_answers(workspace.content, TODAY, {})
    for r in data["ratings"]:
        r["maturity"] = max(r["maturity"], 2)
    results = assess_gap(build_request(workspace, "gap-analysis", "", data, assessor="priya").answers, workspace)
    assert results.blockers == [] and results.excluded == []  # no SoA: every control counts
    assert gap_headline(results.model_dump(mode="json")).startswith("no blocker; readiness")


def test_a_register_without_the_new_action_columns_is_upgraded(workspace, risk_runs):
    """A register made before the 10.2 fields: its actions read as empty, and new updates need them."""
    import sqlite3

    from workbench.register import Register

    nc = opened(workspace)
    path = workspace.root / "register.db"
    with sqlite3.connect(path) as db:  # as the previous version made them
        for column in ("consequences", "similar", "aims_changes", "effectiveness_evidence"):
            db.execute(f"ALTER TABLE action_updates DROP COLUMN {column}")
        db.execute("ALTER TABLE nonconformities DROP COLUMN opened_on")
        db.execute("DROP TABLE alembic_version")
    from workbench.migrations import SchemaError, upgrade_register

    with pytest.raises(SchemaError, match="workbench db upgrade"):
        Register(f"sqlite:///{path}")
    upgrade_register(f"sqlite:///{path}")
    [row] = Register(f"sqlite:///{path}").rows("action_updates", nc_id=nc)
    assert (row["similar"], row["aims_changes"], row["effectiveness_evidence"]) == ("", "", [])
    assert Register(f"sqlite:///{path}").rows("nonconformities", id=nc)[0]["opened_on"] is None
    from workbench.workspace import Workspace

    reopened = Workspace(workspace.root)  # an action opened before opened_on: its opening day is opened_at's
    with pytest.raises(InputError, match=f"opened on {TODAY.isoformat()}"):
        update_action(reopened, nc, updated_by="lena", due_date=(TODAY - timedelta(days=1)).isoformat())
    assert update_action(reopened, nc, updated_by="lena", status="in progress")["similar"] == ""

"""Risk treatment results (issue 18, part 5; ISO/IEC 42001 8.3, 6.1.3): each risk's treatment tracked
to a verified effect, a residual level that stays a forecast until then, the acceptance of each residual
risk above appetite, fairness risks an impact assessment proposed that never reached the risk
assessment, and an impact level's required measures the answers contradict. Real kernels; each rule:
the refusal, then the accepted case."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_evidence_html import captioned, load, section, table_rows

from keys import KEYS
from workbench.cli import main
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.demo.impact_data import ANSWERS as IMPACT_ANSWERS, write_predictions
from workbench.exceptions import InputError, UnknownRecordError
from workbench.pipeline.archive import append_locked, ledger_entries, locked
from workbench.pipeline.portfolio import build_index
from workbench.pipeline.run import run_process
from workbench.pipeline.verify import verify
from workbench.processes.impact_assessment.settings import ImpactCriteria
from workbench.processes.risk_assessment.treatment import accept_risk, history_rows, treatments, update_treatment
from workbench.records.identity import acting_person
from workbench.validate import PLANNING_YEARS, model_from, planning_horizon
from workbench.workspace import Workspace, init_workspace

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)>'
TODAY = date.today()
ASSESSED = TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
def assessed(tmp_path_factory) -> Path:
    """cv-screening's impact assessment (its measured disparities propose fairness risks), then its risk
    assessment (which carries none of them, and one risk with a hostile title), and credit-scoring's."""
    ws = init_workspace(tmp_path_factory.mktemp("treatment") / "ws", config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
    impact = copy.deepcopy(IMPACT_ANSWERS["cv-screening"])
    write_predictions(ws.root, "cv-screening")
    run_process(ws, "impact-assessment", "cv-screening", impact, assessor="tomas",
                effective_date=ASSESSED - timedelta(days=1))
    cv = copy.deepcopy(ANSWERS["cv-screening"])
    cv["risks"][1]["title"] = "Automation bias " + HOSTILE
    run_process(ws, "risk-assessment", "cv-screening", cv, assessor="tomas", effective_date=ASSESSED)
    run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara",
                effective_date=ASSESSED)
    return ws.root


@pytest.fixture
def ws(assessed: Path, tmp_path: Path) -> Workspace:
    """A private copy of ``assessed`` a test may add to."""
    shutil.copytree(assessed, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def run_of(ws: Workspace, system_id: str, process: str = "risk-assessment") -> str:
    return ws.register.evidence_list(system_id, process)[0]["run_id"]


def ref(ws: Workspace, system_id: str, risk_id: str) -> str:
    return f"{run_of(ws, system_id)}#{risk_id}"


def state(ws: Workspace, system_id: str, risk_id: str) -> dict:
    return next(t for t in treatments(ws, system_id) if t["risk_id"] == risk_id)


def results(run) -> dict:
    """The results an archived run recorded."""
    return json.loads(run.results.read_text(encoding="utf-8"))["results"]


def problem(err: pytest.ExceptionInfo) -> tuple[str, object, str]:
    p = err.value.problems[0]
    return p.field, p.value, p.message


EVIDENCE = f"sample:{TODAY.isoformat()}:30 days of the data loss prevention log, no extract left the store"


def done(ws: Workspace, risk: str = "R4") -> None:
    update_treatment(ws, ref(ws, "credit-scoring", risk), updated_by="lena", status="done",
                     controls=["A.7.5"], implementation="Extracts stopped; analysts use the secure workspace.")


# tracking ------------------------------------------------------------------------------------------


def test_a_treatment_starts_as_the_assessment_planned_it_and_each_update_carries_the_rest(ws):
    before = state(ws, "credit-scoring", "R4")
    assert (before["status"], before["option"], before["controls"], before["owner"], before["updates"]) == (
        "planned", "mitigate", ["A.4.3"], "lena", 0)
    assert before["residual_basis"] == "forecast" and before["due_date"] == date(2026, 12, 31)
    row = update_treatment(ws, ref(ws, "credit-scoring", "R4"), updated_by="lena", status="in progress",
                           note="extracts stopped")
    assert (row["seq"], row["status"], row["controls"], row["owner"]) == (1, "in progress", ["A.4.3"], "lena")
    row = update_treatment(ws, ref(ws, "credit-scoring", "R4"), updated_by="lena", owner="tomas",
                           due_date=(TODAY + timedelta(days=9)).isoformat())
    assert (row["seq"], row["status"], row["owner"], row["note"]) == (2, "in progress", "tomas", "")
    entries = [e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "treatment-update"]
    assert [(e["risk_id"], e["update_seq"], e["signature"]["by"]) for e in entries] == [("R4", 1, "lena"),
                                                                                         ("R4", 2, "lena")]
    assert verify(ws).ok


@pytest.mark.parametrize("changes, field, message", [
    ({"status": "closed"}, "status", "unknown status; allowed: planned, in progress, done, verified effective"),
    ({"option": "modify"}, "option", "unknown treatment option; allowed: avoid, mitigate, share, accept"),
    ({"controls": ["A.99.1"]}, "controls", "unknown Annex A control 'A.99.1'"),
    ({"owner": "mallory"}, "owner", "unknown person; allowed:"),
    ({"due_date": "someday"}, "due_date", "must be a date written YYYY-MM-DD"),
    ({"colour": "red"}, "colour", "is not a treatment field"),
])
def test_bad_fields_are_refused_naming_the_field(ws, changes, field, message):
    with pytest.raises(InputError) as err:
        update_treatment(ws, ref(ws, "credit-scoring", "R1"), updated_by="tomas", **changes)
    assert problem(err)[0].split(".")[-1].split("[")[0] == field and message in problem(err)[2]
    assert ws.register.rows("risk_treatments") == []


@pytest.mark.parametrize("bad, message", [
    ("R1", "must name a risk of a risk assessment as RUN#RISK"),
    ("ra-nothing#R1", "is not an archived risk assessment"),
])
def test_a_risk_that_is_not_one_is_refused(ws, bad, message):
    with pytest.raises((InputError, UnknownRecordError), match=message):
        update_treatment(ws, bad, updated_by="tomas", status="in progress")
    with pytest.raises(UnknownRecordError, match="has no risk R9; its risks: R1, R2, R3, R4"):
        update_treatment(ws, ref(ws, "credit-scoring", "R9"), updated_by="tomas", status="in progress")
    impact = run_of(ws, "cv-screening", "impact-assessment")
    with pytest.raises(UnknownRecordError, match="is not an archived risk assessment"):
        update_treatment(ws, f"{impact}#F1", updated_by="tomas", status="in progress")


def test_a_due_date_before_the_risk_assessment_is_refused(ws):
    with pytest.raises(InputError) as err:
        update_treatment(ws, ref(ws, "credit-scoring", "R1"), updated_by="tomas",
                         due_date=(ASSESSED - timedelta(days=1)).isoformat())
    field, _, message = problem(err)
    assert field == "due_date" and f"dated {ASSESSED.isoformat()}; allowed: that day or later" in message
    row = update_treatment(ws, ref(ws, "credit-scoring", "R1"), updated_by="tomas", due_date=ASSESSED.isoformat())
    assert row["due_date"] == ASSESSED


def test_a_due_date_in_year_9999_is_refused_as_it_would_silence_the_overdue_flag(ws):
    horizon = planning_horizon(date.today())
    with pytest.raises(InputError) as err:
        update_treatment(ws, ref(ws, "credit-scoring", "R1"), updated_by="tomas", due_date="9999-12-31")
    assert problem(err) == ("due_date", "9999-12-31", f"must be at most {PLANNING_YEARS} years after "
                            f"{date.today()}, or its reminder stays silent: {horizon} or earlier")
    assert history_rows(ws, "credit-scoring", "R1") == []
    row = update_treatment(ws, ref(ws, "credit-scoring", "R1"), updated_by="tomas", due_date=horizon)
    assert row["due_date"] == horizon


def test_done_is_refused_until_it_says_what_was_done_and_which_controls(ws):
    with pytest.raises(InputError) as err:  # closed empty
        update_treatment(ws, ref(ws, "credit-scoring", "R4"), updated_by="lena", status="done")
    assert problem(err)[0] == "implementation" and "say what was done to treat the risk" in problem(err)[2]
    done(ws)
    assert state(ws, "credit-scoring", "R4")["status"] == "done"


def test_a_mitigation_done_without_controls_is_refused(ws):
    run_process(ws, "risk-assessment", "support-assistant", ANSWERS["support-assistant"], assessor="amara",
                effective_date=ASSESSED)
    target = ref(ws, "support-assistant", "R3")  # accepted as Low, plans no control
    with pytest.raises(InputError) as err:
        update_treatment(ws, target, updated_by="lena", status="done", option="mitigate",
                         implementation="A notice opens every chat.")
    assert problem(err)[0] == "controls" and "name the Annex A controls put in place" in problem(err)[2]
    row = update_treatment(ws, target, updated_by="lena", status="done", option="mitigate", controls=["A.8.2"],
                           implementation="A notice opens every chat.")
    assert (row["option"], row["controls"]) == ("mitigate", ["A.8.2"])
    accepted = update_treatment(ws, ref(ws, "support-assistant", "R1"), updated_by="tomas", status="done",
                                option="accept", controls=[], implementation="Fee answers hand over to agents.")
    assert accepted["option"] == "accept"


def test_effectiveness_is_verified_by_someone_other_than_the_owner_citing_evidence(ws):
    done(ws)
    target = ref(ws, "credit-scoring", "R4")
    with pytest.raises(InputError) as err:
        update_treatment(ws, target, updated_by="lena", status="verified effective", effectiveness_check="checked",
                         effectiveness_evidence=[EVIDENCE])
    assert problem(err)[:2] == ("updated_by", "lena") and "is the treatment's owner" in problem(err)[2]
    with pytest.raises(InputError) as err:
        update_treatment(ws, target, updated_by="priya", status="verified effective", effectiveness_evidence=[EVIDENCE])
    assert problem(err)[0] == "effectiveness_check"
    with pytest.raises(InputError) as err:
        update_treatment(ws, target, updated_by="priya", status="verified effective", effectiveness_check="checked")
    assert problem(err)[0] == "effectiveness_evidence" and "cite the evidence" in problem(err)[2]
    tomorrow = f"sample:{(TODAY + timedelta(days=1)).isoformat()}:a log that does not exist yet, of tomorrow"
    with pytest.raises(InputError) as err:
        update_treatment(ws, target, updated_by="priya", status="verified effective", effectiveness_check="checked",
                         effectiveness_evidence=[tomorrow])
    assert problem(err)[0] == "effectiveness_evidence[0]" and "cite only evidence that existed then" in problem(err)[2]
    assert state(ws, "credit-scoring", "R4")["residual_basis"] == "forecast"
    update_treatment(ws, target, updated_by="priya", status="verified effective",
                     effectiveness_check="No extract in 30 days of logs.", effectiveness_evidence=[EVIDENCE])
    after = state(ws, "credit-scoring", "R4")
    assert (after["status"], after["residual_basis"], after["updated_by"]) == ("verified effective", "verified", "priya")
    assert verify(ws).ok


# forecast until verified -------------------------------------------------------------------------


def test_a_reassessment_after_verification_shows_the_residual_level_verified(ws):
    first = load(Path(ws.evidence_dir / ws.register.evidence_list("credit-scoring", "risk-assessment")[0]["path"])
                 / "evidence.html")
    register = section(first.soup, "Risk register")
    assert [tr.find_all("td")[-1].get_text() for tr in register.select("tbody tr")] == ["forecast"] * 4
    assert "0 of 4 residual levels are verified" in register.get_text()
    done(ws)
    update_treatment(ws, ref(ws, "credit-scoring", "R4"), updated_by="priya", status="verified effective",
                     effectiveness_check="No extract in 30 days of logs.", effectiveness_evidence=[EVIDENCE])
    again = run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara")
    risks = {a["risk"]["id"]: a for a in results(again)["risks"]}
    assert risks["R4"]["residual_basis"] == "verified" and risks["R4"]["verified_by"] == "priya"
    assert risks["R4"]["verified_evidence"] == [EVIDENCE]
    assert {risks[r]["residual_basis"] for r in ("R1", "R2", "R3")} == {"forecast"}
    cells = [tr.find_all("td")[-1].get_text(" ", strip=True)
             for tr in section(load(again.html).soup, "Risk register").select("tbody tr")]
    assert cells[3].startswith(f"verified by priya on {TODAY.isoformat()}") and EVIDENCE in cells[3]
    # a re-assessment dated before the verification does not count it
    back = run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara",
                       effective_date=ASSESSED)
    assert {a["residual_basis"] for a in results(back)["risks"]} == {"forecast"}


# acceptance of residual risks above appetite -----------------------------------------------------


def test_only_a_residual_risk_above_appetite_is_accepted(ws):
    with pytest.raises(InputError) as err:  # credit-scoring R1: 2 x 4 = 8, Medium
        accept_risk(ws, ref(ws, "credit-scoring", "R1"), "We accept this risk as it is now.", person="david")
    assert "is within the appetite (Medium): there is nothing to accept" in problem(err)[2]


def test_acceptance_needs_the_acceptance_role_and_a_reason(ws):
    target = ref(ws, "credit-scoring", "R3")  # 3 x 4 = 12, High
    with pytest.raises(InputError) as err:
        accept_risk(ws, target, "Monitoring will prove the trigger in six months.", person="priya")
    assert problem(err)[:2] == ("person", "priya")
    assert "only the top_management role accepts a residual risk above appetite; people who hold it: david" in problem(err)[2]
    with pytest.raises(InputError) as err:
        accept_risk(ws, target, "ok", person="david")
    assert problem(err)[0] == "reason" and "at least 20 characters" in problem(err)[2]
    with pytest.raises(InputError) as err:
        accept_risk(ws, target, "Monitoring will prove it\x1b]0;accepted by the board\x07", person="david")
    assert problem(err)[0] == "reason" and "control characters (found U+001B)" in problem(err)[2]
    assert ws.register.rows("risk_acceptances") == []
    row = accept_risk(ws, target, "Monitoring will prove the trigger in six months.", person="david")
    assert (row["person"], row["residual_band"], row["residual_score"]) == ("david", "High", 12)
    assert state(ws, "credit-scoring", "R3")["accepted_by"] == "david"
    with pytest.raises(InputError, match="already accepted by david"):
        accept_risk(ws, target, "Once more, for the same assessment.", person="david")
    entry = [e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "risk-acceptance"][-1]
    assert entry["signature"]["by"] == "david" and entry["reason"].startswith("Monitoring")
    assert verify(ws).ok


def test_an_acceptance_holds_only_up_to_the_residual_level_accepted(ws):
    accept_risk(ws, ref(ws, "credit-scoring", "R3"), "Monitoring will prove the trigger in six months.", person="david")
    answers = copy.deepcopy(ANSWERS["credit-scoring"])
    answers["risks"][2]["residual_likelihood"] = 4  # 4 x 4 = 16: worse than what was accepted
    run_process(ws, "risk-assessment", "credit-scoring", answers, assessor="amara")
    assert state(ws, "credit-scoring", "R3")["accepted_by"] == ""
    answers["risks"][2]["residual_likelihood"] = 2  # 2 x 4 = 8: within appetite, nothing to accept
    run_process(ws, "risk-assessment", "credit-scoring", answers, assessor="amara")
    assert not state(ws, "credit-scoring", "R3")["above_appetite"]


def test_nobody_accepts_the_risks_of_their_own_assessment(tmp_path):
    config = demo_configuration(KEYS)
    config["risk_criteria"]["acceptance_role"] = "assessor"
    ws = init_workspace(tmp_path / "ws", config=config)
    ws.add_systems(SYSTEMS)
    run_process(ws, "risk-assessment", "cv-screening", ANSWERS["cv-screening"], assessor="tomas")
    target = ref(ws, "cv-screening", "R1")
    with pytest.raises(InputError) as err:
        accept_risk(ws, target, "Debiasing runs next quarter; accepted until then.", person="tomas")
    assert problem(err)[:2] == ("person", "tomas") and "segregation of duties: tomas assessed" in problem(err)[2]
    assert accept_risk(ws, target, "Debiasing runs next quarter; accepted until then.", person="amara")["person"] == "amara"


def test_verify_names_an_acceptance_signed_by_someone_without_the_role(ws):
    """The attack: an acceptance appended to the ledger directly, signed by a reviewer."""
    from workbench.pipeline.recovery import index_entry

    signer = acting_person(ws, "priya")
    with locked(ws.evidence_dir):
        entry = append_locked(ws.evidence_dir, {
            "kind": "risk-acceptance", "run_id": run_of(ws, "credit-scoring"), "risk_id": "R3",
            "system_id": "credit-scoring", "residual_score": 12, "residual_band": "High", "person": "priya",
            "reason": "Accepted by someone who may not.", "recorded_at": "2026-11-30T09:00:00+00:00"}, signer)
        index_entry(ws, entry)
    report = verify(ws)
    assert not report.ok
    assert any(f.kind == "role" and f.detail.startswith("priya: risk acceptance: only the top_management role accepts "
                                                        "a residual risk above appetite")
               for f in report.findings), report.findings


# what the portfolio and the list flag ---------------------------------------------------------------


def test_the_portfolio_flags_overdue_unaccepted_and_proposals_not_carried(ws):
    update_treatment(ws, ref(ws, "cv-screening", "R2"), updated_by="amara", status="in progress",
                     due_date=(TODAY - timedelta(days=2)).isoformat(), note="late " + HOSTILE)
    index = (ws.evidence_dir / "index.html")
    build_index(ws)
    html = index.read_text(encoding="utf-8")
    soup = load(index).soup
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in soup.find(id="documents").find_parent("section").select("tbody tr")]
    kinds = {(r[0], r[1].split(" ")[-1].split("#")[-1]) for r in rows}
    assert ("overdue", "R2") in kinds
    assert ("unaccepted", "R1") in kinds and ("unaccepted", "R3") in kinds  # cv-screening R1, credit-scoring R3
    assert {k for k in kinds if k[0] == "not carried"} == {("not carried", f"F{n}") for n in (1, 2, 3)}
    assert "<script>alert(1)" not in html and "Automation bias &lt;script&gt;" in html
    accept_risk(ws, ref(ws, "credit-scoring", "R3"), "Monitoring will prove the trigger in six months.", person="david")
    build_index(ws)
    assert "credit-scoring R3" not in index.read_text(encoding="utf-8")
    assert "Residual: verified or forecast (over appetite)" in index.read_text(encoding="utf-8")


def test_the_risk_assessment_evidence_names_the_fairness_risks_it_does_not_carry(ws):
    page = load(ws.evidence_dir / ws.register.evidence_list("cv-screening", "risk-assessment")[0]["path"]
                / "evidence.html")
    proposals = section(page.soup, "Fairness risks proposed by the impact assessment")
    impact = run_of(ws, "cv-screening", "impact-assessment")
    assert [r[0] for r in table_rows(proposals.table)] == ["F1", "F2", "F3"]
    assert f"the impact assessment {impact} proposed" in proposals.get_text()
    # carried by its id: the next assessment adds F1 to F3 and nothing is flagged
    impact_results = ws.register.evidence_list("cv-screening", "impact-assessment")[0]
    from workbench.pipeline.run import read_record

    proposed = read_record(ws, impact_results)["results"]["proposed_risks"]
    answers = copy.deepcopy(ANSWERS["cv-screening"])
    answers["risks"] += [{**p, "owner": "amara"} for p in proposed]
    carried = run_process(ws, "risk-assessment", "cv-screening", answers, assessor="tomas")
    assert results(carried)["not_carried"] == []
    assert f"Every risk the impact assessment {impact} proposed is carried" in section(
        load(carried.html).soup, "Fairness risks proposed by the impact assessment").get_text()
    credit = load(ws.evidence_dir / ws.register.evidence_list("credit-scoring", "risk-assessment")[0]["path"]
                  / "evidence.html")  # credit-scoring has no impact assessment: nothing to carry, and it says so
    assert "No impact assessment of the system was effective by this assessment's date" in section(
        credit.soup, "Fairness risks proposed by the impact assessment").get_text()


# the CLI -----------------------------------------------------------------------------------------


def invoke(ws: Workspace, *args):
    return CliRunner().invoke(main, [*args, "--workspace", str(ws.root)])


def test_cli_update_list_history_and_accept(ws):
    target = ref(ws, "credit-scoring", "R4")
    refused = invoke(ws, "treatment", "update", target, "--status", "done", "--by", "lena")
    assert refused.exit_code == 2 and "implementation" in refused.output
    ok = invoke(ws, "treatment", "update", target, "--status", "done", "--by", "lena", "--control", "A.7.5",
                "--implementation", "Extracts stopped.")
    assert ok.exit_code == 0, ok.output
    assert "credit-scoring R4 update 1: done" in ok.output
    ok = invoke(ws, "treatment", "update", target, "--status", "verified effective", "--by", "priya",
                "--effectiveness-check", "No extract in 30 days.", "--evidence", EVIDENCE)
    assert ok.exit_code == 0, ok.output
    listed = invoke(ws, "treatment", "list", "--system", "credit-scoring")
    lines = {line.split()[0]: line for line in listed.output.splitlines()}
    assert "verified effective" in lines[target] and "(verified)" in lines[target]
    assert "NOT ACCEPTED" in lines[ref(ws, "credit-scoring", "R3")]
    history = invoke(ws, "treatment", "history", target)
    assert [line.split()[0] for line in history.output.splitlines()] == ["1", "2"]
    refused = invoke(ws, "treatment", "accept", ref(ws, "credit-scoring", "R3"), "--reason", "short", "--as", "david")
    assert refused.exit_code == 2 and "at least 20 characters" in refused.output
    ok = invoke(ws, "treatment", "accept", ref(ws, "credit-scoring", "R3"), "--as", "david",
                "--reason", "Monitoring will prove the trigger in six months.")
    assert ok.exit_code == 0 and "residual High accepted by david" in ok.output


# required measures the impact assessment's answers contradict -------------------------------------


def test_the_impact_evidence_flags_required_measures_the_answers_contradict(ws):
    impact = ws.register.evidence_list("cv-screening", "impact-assessment")[0]
    from workbench.pipeline.run import read_record

    found = read_record(ws, impact)["results"]["contradicted_measures"]
    assert {(c["measure"], c["question"]) for c in found} == {
        ("A human makes the final decision", "system-autonomy"),
        ("A human makes the final decision", "measures-oversight"),
        ("A reason given to a person with every adverse outcome", "measures-contest"),
        ("Notice to affected people, pointing to a published explanation of the system", "measures-notice")}
    measures = section(load(ws.evidence_dir / impact["path"] / "evidence.html").soup, "Required measures at level III")
    items = [li.get_text(" ", strip=True) for li in measures.select("ul.measures li")]
    assert "A human makes the final decision contradicted by the answers" in items
    assert "In-depth training of the people who oversee the system" in items  # not contradicted: no mark
    rows = table_rows(captioned(measures, "Required measures the answers contradict"))
    assert ["A human makes the final decision", "How far does the system decide on its own?",
            "It decides; a person reviews some outcomes"] in rows


def test_an_impact_assessment_whose_answers_keep_the_measures_is_not_flagged(ws):
    answers = copy.deepcopy(IMPACT_ANSWERS["cv-screening"])
    answers["responses"] |= {"system-autonomy": "recommends", "measures-oversight": "every-case",
                             "measures-contest": "yes", "measures-notice": "yes"}
    run = run_process(ws, "impact-assessment", "cv-screening", answers, assessor="tomas")
    assert results(run)["contradicted_measures"] == []
    assert "contradict" not in section(load(run.html).soup, f"Required measures at level "
                                                            f"{results(run)['score']['level']}").get_text()


def test_measure_checks_name_required_measures_only():
    with pytest.raises(InputError, match="'A robot decides' is not a required measure of any level"):
        model_from(ImpactCriteria, {"measure_checks": {"A robot decides": {"system-autonomy": ["decides"]}}})
    criteria = model_from(ImpactCriteria, {"measure_checks": {"A human makes the final decision": {
        "system-autonomy": ["decides"]}}})
    assert list(criteria.measure_checks) == ["A human makes the final decision"]


# the register's schema -----------------------------------------------------------------------------


def test_a_register_of_schema_0001_is_upgraded_with_the_treatment_tables(ws):
    """A register made before treatments were tracked: refused until 'workbench db upgrade' adds their tables."""
    import sqlite3

    from workbench.migrations import SchemaError, upgrade_register
    from workbench.register import Register

    path = ws.root / "register.db"
    with sqlite3.connect(path) as db:  # as the previous version made it
        db.execute("DROP TABLE risk_treatments")
        db.execute("DROP TABLE risk_acceptances")
        db.execute("UPDATE alembic_version SET version_num = '0001'")
    with pytest.raises(SchemaError, match="workbench db upgrade"):
        Register(f"sqlite:///{path}")
    assert upgrade_register(f"sqlite:///{path}") == ("0001", "0002")
    reopened = Workspace(ws.root)
    assert reopened.register.rows("risk_treatments") == []
    row = update_treatment(reopened, ref(reopened, "credit-scoring", "R1"), updated_by="tomas", status="in progress")
    assert row["seq"] == 1
    assert accept_risk(reopened, ref(reopened, "credit-scoring", "R3"), "Monitoring will prove the trigger soon.",
                       person="david")["person"] == "david"
    assert verify(reopened).ok


def test_a_check_the_questionnaire_cannot_answer_is_named_not_ignored():
    from workbench.processes.impact_assessment.assessment import contradictions, question_results
    from workbench.processes.impact_assessment.questionnaire import load_questionnaire

    questionnaire = load_questionnaire()
    answered = question_results(questionnaire, IMPACT_ANSWERS["cv-screening"]["responses"])
    found = contradictions(questionnaire, answered, ["A human makes the final decision"], {
        "A human makes the final decision": {"human-in-loop": ["no"], "system-autonomy": ["decides", "robot"]}})
    assert [(c.question, c.unchecked) for c in found] == [
        ("human-in-loop", "the questionnaire has no such question"),
        ("system-autonomy", "the question has no option robot")]
    # the cv ranker decides with a person reviewing some outcomes: not the option this check names
    assert [c for c in found if c.answer] == []


def test_a_proposed_risk_is_carried_by_its_id_or_its_title():
    from workbench.processes.risk_assessment.assessment import carries

    proposed = {"id": "F1", "title": "Demographic parity ratio by sex beyond its threshold"}
    assert carries([{"id": "F1", "title": "anything"}], proposed)
    assert carries([{"id": "R7", "title": " demographic parity ratio by SEX beyond its threshold "}], proposed)
    assert not carries([{"id": "R1", "title": "Ranking reproduces historical hiring bias"}], proposed)

"""Issue 14's date rules attacked through the records issues 16-19 added (measurements, incidents,
datasets, corrective actions, MLflow imports): a date that has not happened yet, a due date that would
keep a reminder silent for decades, a year the date arithmetic cannot hold and free text carrying terminal
escapes are each refused with the field, the value and what is allowed, and write nothing."""

from __future__ import annotations

import copy
import json
import multiprocessing
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from test_dates_and_races import _fake_evidence
from workbench.cli import main
from workbench.demo.certification import gap_answers, review_answers
from workbench.demo.objectives import answers as demo_objectives
from workbench.exceptions import InputError
from workbench.pipeline.archive import append_entry, ledger_entries
from workbench.pipeline.recovery import index_entry
from workbench.pipeline.request import build_request
from workbench.processes.data_quality.datasets import add_dataset
from workbench.processes.incident_report.concerns import raise_concern
from workbench.processes.incident_report.incidents import add_incident, current, timeline, update_incident
from workbench.processes.model_release.mlflow_import import draft
from workbench.processes.risk_assessment.assessment import RiskAssessmentAnswers, assess
from workbench.processes.risk_assessment.treatment import update_treatment
from workbench.processes.supplier_assessment.suppliers import add_supplier
from workbench.processes.objectives.measurements import measurements, record_measurement
from workbench.processes.objectives.plan import bounds, frequency_of, period_of
from workbench.records.identity import acting_person
from workbench.records.nonconformity import open_nonconformity, update_action
from workbench.validate import PLANNING_YEARS, model_from, planning_horizon

TODAY = date.today()
SYSTEM = "credit-scoring"


def lines(workspace) -> int:
    return len(ledger_entries(workspace.evidence_dir))


def invoke(workspace, *args):
    return CliRunner().invoke(main, [*map(str, args), "--workspace", str(workspace.root)])


def refused_cleanly(result, field: str, value: str) -> str:
    """The command ended with an error naming the field and the value, not a traceback."""
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, result.output
    assert f"{field}:" in result.output and value in result.output and "Traceback" not in result.output
    return result.output


# measurements: a period's year is one the calendar holds ------------------------------------------------


@pytest.fixture
def planned(workspace):
    """The demo's objectives and monitoring plan archived (no kernel), as the pipeline leaves it."""
    path = "organisation/objectives/obj-1"
    (workspace.evidence_dir / path).mkdir(parents=True)
    (workspace.evidence_dir / path / "results.json").write_text(json.dumps(
        {"run_id": "obj-1", "answers": copy.deepcopy(demo_objectives(TODAY)), "results": {}}))
    workspace.register.record_evidence({
        "run_id": "obj-1", "process": "objectives", "system_id": "organisation", "period": "2026-Q4",
        "effective_date": TODAY - timedelta(days=90), "assessor": "priya", "status": "submitted",
        "recorded_at": datetime.now(timezone.utc), "path": path, "answers_sha256": "0" * 64,
        "workbench_version": "test"})
    return workspace


@pytest.mark.parametrize("period", ["9999-Q4", "9999-12", "9999-H2", "9999"])
def test_a_period_at_the_end_of_year_9999_has_bounds_and_has_not_started(period):
    first, last = bounds(period)
    assert last == date.max and first.year == 9999


def test_year_0000_is_not_a_period():
    with pytest.raises(ValueError, match="'0000-Q1' is not a period"):
        frequency_of("0000-Q1")
    assert frequency_of("0001-Q1") == "quarterly"


@pytest.mark.parametrize("period", ["9999-Q4", "0000-Q1"])
def test_recording_a_measurement_for_year_9999_or_0000_is_refused_not_a_traceback(planned, period):
    before = lines(planned)
    refused_cleanly(invoke(planned, "measure", "record", "staff-trained", "50", "--period", period, "--as", "priya"),
                    "period", period)
    assert lines(planned) == before and measurements(planned, "staff-trained") == []


@pytest.mark.parametrize("period", ["9999-12", "9999", "0000-01"])
def test_taking_the_measures_of_year_9999_or_0000_is_refused_not_a_traceback(planned, period):
    before = lines(planned)
    refused_cleanly(invoke(planned, "measure", "take", "--period", period, "--as", "priya"), "period", period)
    assert lines(planned) == before


# incidents: the timeline records what has happened ---------------------------------------------------


def incident(workspace) -> str:
    """A serious incident of the high-risk system, aware a month ago: its report to the authority is overdue."""
    aware = (TODAY - timedelta(days=30)).isoformat()
    return add_incident(workspace, SYSTEM, {
        "title": "Older applicants declined", "what_happened": "Declines of applicants aged 55+ doubled.",
        "detected_on": aware, "detected_by": "a complaint", "aware_on": aware, "severity": "major",
        "harm_category": "discrimination", "affected": ["loan applicants aged 55+"], "serious": True,
        "serious_ground": "other-serious-harm"}, person="priya")["incident_id"]


@pytest.mark.parametrize("day", ["9999-12-31", (TODAY + timedelta(days=1)).isoformat()])
def test_a_report_to_the_authority_dated_ahead_is_refused_and_the_clock_stays_overdue(workspace, day):
    incident_id = incident(workspace)
    before = lines(workspace)
    with pytest.raises(InputError) as refused:
        update_incident(workspace, incident_id, person="priya", communication={
            "recipient": "market-surveillance-authority", "to": "BaFin", "on": day, "what": "Art. 73 report"})
    problem = refused.value.problems[0]
    assert (problem.field, problem.value) == ("communications[0].on", day)
    assert problem.message == f"is in the future; the timeline records what has happened, by today: {TODAY} or earlier"
    assert lines(workspace) == before and current(workspace, incident_id)["clock"]["status"] == "overdue"


def test_a_containment_dated_ahead_is_refused_from_the_command_line(workspace):
    incident_id = incident(workspace)
    before = lines(workspace)
    refused_cleanly(invoke(workspace, "incident", "update", incident_id, "--containment", "model stopped",
                           "--containment-on", "9999-12-31", "--as", "priya"), "containment[0].on", "9999-12-31")
    assert lines(workspace) == before


def test_a_report_made_today_is_recorded_and_stops_the_clock(workspace):
    incident_id = incident(workspace)
    state = update_incident(workspace, incident_id, person="priya", communication={
        "recipient": "market-surveillance-authority", "to": "BaFin", "on": TODAY.isoformat(), "what": "report"},
        containment={"action": "model stopped", "by": "priya", "on": TODAY.isoformat()})
    assert state["clock"]["status"] == "reported late"


def test_a_containment_an_earlier_version_stored_in_year_9999_blocks_no_later_update(workspace):
    incident_id = incident(workspace)
    last = timeline(workspace, incident_id)[-1]
    stored = {**last["state"], "containment": [{"action": "model stopped", "by": "priya", "on": "9999-12-31"}]}
    index_entry(workspace, append_entry(workspace.evidence_dir, {
        "kind": "incident-update", "system_id": SYSTEM, "incident_id": incident_id, "update_seq": 2,
        "state": stored, "changed": ["containment"], "note": "", "updated_by": "priya",
        "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, acting_person(workspace, "priya")))
    for args in (["incident", "list"], ["incident", "show", incident_id], ["status"], ["index"]):
        assert invoke(workspace, *args).exit_code == 0
    assert update_incident(workspace, incident_id, person="priya", note="root cause found")["containment"] == [
        {"action": "model stopped", "by": "priya", "on": "9999-12-31"}]
    with pytest.raises(InputError, match=r"containment\[1\].on: is in the future"):
        update_incident(workspace, incident_id, person="priya",
                        containment={"action": "again", "by": "priya", "on": "9999-12-31"})


# datasets: a preparation step is registered once it was done -----------------------------------------


def dataset(prepared_on: str) -> dict:
    return {"id": "training", "name": "Training set", "role": "training", "source": "internal",
            "licence": "internal use", "retention": "5 years", "owner": "amara", "location": "data/train.csv",
            "preparation": [{"step": "cleaning", "description": "Dropped duplicates", "by": "amara",
                             "on": prepared_on}]}


def test_a_preparation_step_dated_ahead_is_refused_and_one_done_today_registered(workspace):
    (workspace.root / "data").mkdir()
    (workspace.root / "data" / "train.csv").write_text("a,b\n1,2\n")
    before = lines(workspace)
    with pytest.raises(InputError) as refused:
        add_dataset(workspace, SYSTEM, dataset("9999-12-31"), person="priya")
    problem = refused.value.problems[0]
    assert (problem.field, problem.value) == ("preparation[0].on", "9999-12-31") and "in the future" in problem.message
    assert lines(workspace) == before and workspace.register.rows("datasets") == []
    assert add_dataset(workspace, SYSTEM, dataset(TODAY.isoformat()), person="priya")["seq"] == 1


# corrective actions: a due date within the planning horizon ------------------------------------------


def test_a_corrective_action_due_in_year_9999_is_refused_when_opened_and_when_updated(workspace):
    run_id = "ra-20261101T000000Z-aaaaaa"
    _fake_evidence(workspace, run_id, TODAY)
    before = lines(workspace)
    with pytest.raises(InputError) as refused:
        open_nonconformity(workspace, "audit", SYSTEM, "No log review", run_id, opened_by="priya",
                           due_date="9999-12-31")
    problem = refused.value.problems[0]
    assert (problem.field, problem.value) == ("due_date", "9999-12-31")
    assert problem.message == (f"must be at most {PLANNING_YEARS} years after {TODAY}, or its reminder stays "
                               f"silent: {planning_horizon(TODAY)} or earlier")
    assert lines(workspace) == before
    nc_id = open_nonconformity(workspace, "audit", SYSTEM, "No log review", run_id, opened_by="priya",
                               due_date=planning_horizon(TODAY))
    with pytest.raises(InputError, match="due_date: must be at most"):
        update_action(workspace, nc_id, updated_by="priya", due_date=planning_horizon(TODAY) + timedelta(days=1))
    assert len(workspace.register.rows("action_updates", nc_id=nc_id)) == 1


def test_the_planning_horizon_of_a_leap_day_and_of_year_9999():
    assert planning_horizon(date(2028, 2, 29)) == date(2028 + PLANNING_YEARS, 2, 28)
    assert planning_horizon(date(9998, 6, 1)) == date(9999, 6, 1)


# MLflow: a tracking server's number crashes no import -------------------------------------------------


@pytest.mark.parametrize("timestamp", [None, 10 ** 20, -10 ** 20, float("nan")])
def test_a_hostile_creation_timestamp_leaves_checked_on_to_the_person(timestamp):
    version = SimpleNamespace(version="7", run_id="abc", creation_timestamp=timestamp)
    made = draft("scorer", version, {"auc": 0.8}, "http://mlflow.example")
    assert "checked_on" not in made["verification"] and made["verification"]["metrics"] == [
        {"name": "auc", "value": 0.8}]


def test_a_creation_timestamp_is_the_checked_on_day():
    version = SimpleNamespace(version="7", run_id="abc", creation_timestamp=1_764_460_800_000)
    assert draft("scorer", version, {}, "http://mlflow.example")["verification"]["checked_on"] == "2025-11-30"


# free text outside a model: no terminal escapes into the ledger and the 'list' commands -----------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_a_concern_or_a_note_with_a_control_character_is_refused(planned, char):
    hostile = f"text{char}]0;pwned{char}[2J"
    incident_id = incident(planned)
    before = lines(planned)
    attacks = {"text": lambda: raise_concern(planned, SYSTEM, hostile, person="tomas"),
               "note": lambda: update_incident(planned, incident_id, person="priya", note=hostile)}
    for field, attack in attacks.items():
        with pytest.raises(InputError) as refused:
            attack()
        problem = refused.value.problems[0]
        assert (problem.field, problem.value) == (field, hostile.strip())
        assert problem.message.startswith(f"must not contain control characters (found U+{ord(char):04X})")
    quarter = period_of(TODAY, "quarterly")
    refused_cleanly(invoke(planned, "measure", "record", "staff-trained", "50", "--period", quarter, "--note", hostile,
                           "--as", "priya"), "note", "control characters")
    refused_cleanly(invoke(planned, "event", "add", "--system", SYSTEM, "--kind", "incident", "--date", TODAY,
                           "--note", hostile, "--as", "priya"), "note", "control characters")
    assert lines(planned) == before
    assert raise_concern(planned, SYSTEM, "Scores\n\tchanged", person="tomas")["text"] == "Scores\n\tchanged"


# races: the id or version number a new record takes is decided under the archive's lock ----------------


def supplier(owner: str) -> dict:
    return {"id": "cloud-ml", "name": "Nimbus ML", "supplies": ["service"], "description": "Hosted training",
            "owner": owner, "contract": "MSA-1", "responsibilities": [{"duty": "uptime", "party": "supplier"}],
            "obligations": [{"obligation": "Notify incidents within 24 hours"}]}


WRITERS = {  # what each writer records three times; the ledger entries' kind and the id or number they take
    "incident ids": (lambda ws, w, n: incident(ws), "incident", "incident_id"),
    "concern ids": (lambda ws, w, n: raise_concern(ws, SYSTEM, f"concern {w}.{n}", person="tomas"), "concern",
                    "concern_id"),
    "supplier versions": (lambda ws, w, n: add_supplier(ws, SYSTEM, supplier("tomas"), person="priya"), "supplier",
                          "supplier_seq"),
    "treatment updates": (lambda ws, w, n: update_treatment(ws, f"{RISK_RUN}#R1", updated_by="tomas",
                                                            note=f"update {w}.{n}"), "treatment-update", "update_seq"),
    "incident timeline entries": (lambda ws, w, n: update_incident(ws, "inc-0001", person="priya",
                                                                   note=f"entry {w}.{n}"), "incident-update",
                                  "update_seq"),
    "measurement corrections": (lambda ws, w, n: record_measurement(ws, "staff-trained", 10 * w + n,
                                                                    period_of(TODAY, "quarterly"), person="priya",
                                                                    note=f"count {w}.{n}", correct=True),
                                "measurement", "measurements"),
}


def _write_three(root: str, kind: str, writer: int, errors) -> None:
    from workbench.workspace import Workspace

    workspace = Workspace(root)
    for n in range(3):
        try:
            WRITERS[kind][0](workspace, writer, n)
        except Exception as err:  # collected: the test shows every writer's failure
            errors.put(repr(err))


RISK_RUN = "ra-20261101T000000Z-dddddd"


@pytest.fixture
def recorded(planned, answers):
    """``planned``, with credit-scoring's risk assessment archived as the pipeline leaves it (no kernel) and
    one incident."""
    parsed = model_from(RiskAssessmentAnswers, answers, planned.validation_context())
    results = assess(parsed, planned.config.risk_criteria).model_dump(mode="json")
    _fake_evidence(planned, RISK_RUN, TODAY)
    (planned.evidence_dir / SYSTEM / "risk-assessment" / RISK_RUN / "results.json").write_text(json.dumps(
        {"run_id": RISK_RUN, "answers": answers, "results": results}))
    incident(planned)
    return planned


@pytest.mark.parametrize("kind", list(WRITERS))
def test_four_concurrent_writers_never_take_one_id_or_version_twice(recorded, kind):
    fork = multiprocessing.get_context("fork")
    errors = fork.Queue()
    writers = [fork.Process(target=_write_three, args=(str(recorded.root), kind, w, errors)) for w in range(4)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    _, entry_kind, key = WRITERS[kind]  # a number taken twice would also fail a writer on the register's key
    taken = [e[key] for e in ledger_entries(recorded.evidence_dir) if e["kind"] == entry_kind]
    taken = [m["seq"] for ms in taken for m in ms] if key == "measurements" else taken
    assert len(taken) == len(set(taken)) == 12 + (entry_kind == "incident")  # the fixture recorded one incident


# a record's planned dates: within the planning horizon of its day ---------------------------------------


def test_a_risk_due_in_year_9999_is_refused_before_the_run(workspace, answers):
    answers["risks"][1]["due_date"] = "9999-12-31"
    with pytest.raises(InputError) as refused:
        build_request(workspace, "risk-assessment", SYSTEM, answers, assessor="tomas")
    assert str(refused.value) == (f"risks[1].due_date: must be at most {PLANNING_YEARS} years after {TODAY}, or its "
                                  f"reminder stays silent: {planning_horizon(TODAY)} or earlier (got '9999-12-31')")
    answers["risks"][1]["due_date"] = planning_horizon(TODAY).isoformat()
    assert build_request(workspace, "risk-assessment", SYSTEM, answers, assessor="tomas").answers.risks[1].due_date


def test_an_objective_due_in_year_2099_is_refused_before_the_run(workspace):
    plan = copy.deepcopy(demo_objectives(TODAY))
    plan["objectives"][0]["due_date"] = "2099-01-01"
    with pytest.raises(InputError, match=r"objectives\[0\].due_date: must be at most"):
        build_request(workspace, "objectives", "organisation", plan, assessor="priya")
    assert build_request(workspace, "objectives", "organisation", demo_objectives(TODAY), assessor="priya")


@pytest.mark.parametrize("period", ["0000-Q1", "0000-10", "0000"])
def test_a_run_or_a_review_for_year_0000_is_refused(workspace, answers, period):
    with pytest.raises(InputError) as refused:
        build_request(workspace, "risk-assessment", SYSTEM, answers, assessor="tomas", period=period)
    assert str(refused.value) == (f"period: must be a year, half, quarter or month: 2026, 2026-H2, 2026-Q4 or 2026-11 "
                                  f"(of a year from 0001) (got '{period}')")
    refused_cleanly(invoke(workspace, "review", "--period", period, "--no-progress"), "period", period)
    assert build_request(workspace, "risk-assessment", SYSTEM, answers, assessor="tomas", period="0001-Q1").period


@pytest.mark.parametrize("process, field", [("gap-analysis", "actions[2].due_date"),
                                            ("management-review", "decisions[2].due_date")])
def test_an_organisation_wide_action_due_in_year_9999_is_refused_before_the_run(workspace, process, field):
    """A gap analysis's plan and a management review's decisions: their due dates feed the overdue reminders
    (and a plan's chart adds a day to each)."""
    made = gap_answers(workspace.content, TODAY, {}) if process == "gap-analysis" else review_answers(TODAY)
    listed, who = (made["actions"], "priya") if process == "gap-analysis" else (made["decisions"], "david")
    listed[2]["due_date"] = "9999-12-31"
    with pytest.raises(InputError) as refused:
        build_request(workspace, process, "organisation", made, assessor=who)
    assert str(refused.value).startswith(f"{field}: must be at most {PLANNING_YEARS} years after {TODAY}")
    listed[2]["due_date"] = planning_horizon(TODAY).isoformat()
    assert build_request(workspace, process, "organisation", made, assessor=who).answers

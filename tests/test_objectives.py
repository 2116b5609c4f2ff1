"""AI objectives and the monitoring plan (6.2, 9.1): the plan's validation, measurements taken and
recorded with their history, trend extraction across periods, gaps in monitoring at the window's
boundary, and real-kernel runs of the objectives record and the management review that shows them."""

from __future__ import annotations

import base64
import copy
import json
import re
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest

from keys import nothing_archived
from workbench.demo.objectives import answers as demo_answers
from workbench.exceptions import InputError
from workbench.pipeline.archive import ledger_entries
from workbench.processes.objectives.measurements import (measurement_rows, measurements, record_measurement,
                                                         take_measures)
from workbench.processes.objectives.plan import ObjectivesAnswers, bounds, period_of, previous
from workbench.processes.objectives.sources import lookup, register_measures
from workbench.processes.objectives.trends import change, gaps, objective_progress, status, trends
from workbench.validate import model_from

TODAY = date(2026, 11, 27)


def plan_data() -> dict:
    return copy.deepcopy(demo_answers(TODAY))


def plan() -> ObjectivesAnswers:
    return model_from(ObjectivesAnswers, plan_data())


def row(measure: str, period: str, value: float, subject: str = "organisation", seq: int = 1) -> dict:
    return {"measure_id": measure, "period": period, "subject": subject, "seq": seq, "value": value,
            "source_ref": f"ref {period}", "method": "taken"}


# The plan's validation: every error names the field and what is allowed.

@pytest.mark.parametrize("change_, field, message", [
    (lambda d: d["measures"][0].update(source="register:open-incidentz"), "measures[0].source",
     "unknown register measure 'open-incidentz'; allowed: high-tier-risk-current, impact-current, open-incidents, overdue-actions"),
    (lambda d: d["measures"][4].update(source="run:monitorin:drift.psi"), "measures[4].source",
     "unknown process 'monitorin'; allowed: ai-policy, context, data-quality"),
    (lambda d: d["measures"][4].update(source="run:impact-assessment:score/../x"), "measures[4].source",
     "dotted names and list positions"),
    (lambda d: d["measures"][0].update(source="sql:select 1"), "measures[0].source",
     "must be register:<name>, run:<process>:<path in its results> or manual"),
    (lambda d: d["objectives"][0].update(measure="no-such-measure"), "objectives[0].measure",
     "unknown measure 'no-such-measure'; allowed: high-risk-current"),
    (lambda d: d["measures"].append(dict(d["measures"][0])), "measures", "repeated: high-risk-current"),
    (lambda d: d["measures"][5].update(target=None, threshold=None), "target", "a target, a threshold or both"),
    (lambda d: d["measures"][4].update(aggregate="count-above"), "limit", "counts the systems against a limit"),
    (lambda d: d["measures"][0].update(aggregate="mean"), "aggregate", "only a run source is aggregated"),
    (lambda d: d["measures"][2].update(threshold=-1), "threshold", "better than the target"),
    (lambda d: d["measures"][0].update(frequency="weekly"), "measures[0].frequency", "monthly"),
    (lambda d: d["measures"][0].update(direction="up"), "measures[0].direction", "higher is better"),
    (lambda d: d["measures"][0].update(measured_by="mallory"), "measures[0].measured_by", "unknown person"),
    (lambda d: d["objectives"][0].update(actions=[]), "objectives[0].actions", "at least 1"),
    (lambda d: d["objectives"][0].update(colour="red"), "objectives[0].colour", "is not a known field"),
])
def test_a_bad_plan_names_the_field_and_what_is_allowed(workspace, change_, field, message):
    data = plan_data()
    change_(data)
    with pytest.raises(InputError) as err:
        model_from(ObjectivesAnswers, data, workspace.validation_context())
    text = str(err.value)
    assert field in text and message in text, text


def test_a_bad_plan_archives_nothing(workspace):
    from workbench.pipeline.run import run_process

    data = plan_data()
    data["measures"][0]["source"] = "register:nope"
    with pytest.raises(InputError, match="measures.0..source"):
        run_process(workspace, "objectives", "", data, assessor="priya")
    assert nothing_archived(workspace)


def test_the_demo_plan_is_valid_and_its_register_measures_exist(workspace):
    found = model_from(ObjectivesAnswers, plan_data(), workspace.validation_context())
    assert [m.kind for m in found.measures] == ["register"] * 4 + ["run", "manual"]
    assert {"high-tier-risk-current", "impact-current", "overdue-actions", "readiness"} <= set(register_measures())


def test_periods_and_their_bounds():
    assert period_of(date(2026, 11, 27), "monthly") == "2026-11"
    assert period_of(date(2026, 11, 27), "quarterly") == "2026-Q4"
    assert period_of(date(2026, 6, 30), "half-yearly") == "2026-H1"
    assert period_of(date(2026, 1, 1), "yearly") == "2026"
    assert bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert bounds("2026-Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert bounds("2026-H2") == (date(2026, 7, 1), date(2026, 12, 31))
    assert previous("2026-01") == "2025-12" and previous("2026-Q1") == "2025-Q4" and previous("2026") == "2025"


def test_a_number_is_looked_up_by_its_dotted_path():
    results = {"score": {"current": 42}, "figures": [{"value": 0.5}, {"value": True}], "name": "x"}
    assert lookup(results, "score.current") == 42.0
    assert lookup(results, "figures.0.value") == 0.5 and lookup(results, "figures.1.value") == 1.0
    assert lookup(results, "figures.2.value") is None and lookup(results, "name") is None
    assert lookup(results, "score.missing") is None


# Trend extraction, by hand.

def test_each_measure_series_is_ordered_by_period_across_a_year_boundary():
    rows = [row("overdue-actions", "2026-01", 2), row("overdue-actions", "2025-11", 3),
            row("overdue-actions", "2025-12", 4), row("readiness", "2025-Q4", 30), row("readiness", "2026-Q1", 45)]
    series = {t.measure: t for t in trends(plan(), rows)}
    overdue = series["overdue-actions"]
    assert [p.period for p in overdue.points] == ["2025-11", "2025-12", "2026-01"]
    assert [p.value for p in overdue.points] == [3, 4, 2]
    # lower is better: 4 -> 2 improves; 2 is at the threshold (2), not beyond it, and short of the target 0
    assert (overdue.latest, overdue.change, overdue.status) == (2, "improving", "off target")
    readiness = series["readiness"]
    assert (readiness.latest, readiness.change, readiness.status) == (45, "improving", "off target")
    assert series["staff-trained"].points == [] and series["staff-trained"].status == "no data"


def test_the_periods_since_the_previous_review_only():
    rows = [row("overdue-actions", p, v) for p, v in (("2026-06", 0), ("2026-07", 1), ("2026-08", 3), ("2026-09", 2))]
    [series] = [t for t in trends(plan(), rows, since=date(2026, 7, 31)) if t.measure == "overdue-actions"]
    assert [p.period for p in series.points] == ["2026-08", "2026-09"]
    [series] = [t for t in trends(plan(), rows, since=date(2026, 7, 30)) if t.measure == "overdue-actions"]
    assert [p.period for p in series.points] == ["2026-07", "2026-08", "2026-09"]


def test_status_and_change_in_both_directions():
    assert status("higher is better", 80, 50, 49.9) == "breach"
    assert status("higher is better", 80, 50, 50) == "off target"
    assert status("higher is better", 80, 50, 80) == "on target"
    assert status("lower is better", 0, 2, 3) == "breach"
    assert status("lower is better", 0, 2, 0) == "on target"
    assert status("lower is better", None, 60, 59) == "within threshold"
    assert status("lower is better", None, 60, None) == "no data"
    assert change("higher is better", [1, 2]) == "improving" and change("lower is better", [1, 2]) == "worsening"
    assert change("lower is better", [2, 2]) == "steady" and change("lower is better", [2]) == ""


def test_objective_progress_by_hand():
    p = plan()
    rows = [row("high-risk-current", "2026-09", 50), row("high-risk-current", "2026-10", 100),
            row("overdue-actions", "2026-09", 1), row("overdue-actions", "2026-10", 3),
            row("readiness", "2026-Q3", 40), row("readiness", "2026-Q4", 55),
            row("staff-trained", "2026-Q2", 41), row("staff-trained", "2026-Q3", 55)]
    found = {o["id"]: o for o in objective_progress(p, trends(p, rows), TODAY)}
    assert found["risk-current"]["status"] == "achieved" and found["risk-current"]["share"] == 1.0
    assert found["no-overdue-actions"]["status"] == "off track"  # 1 -> 3 worsened
    assert found["stage-1-ready"]["status"] == "on track"
    assert found["stage-1-ready"]["share"] == round((55 - 40) / (80 - 40), 3)
    assert found["staff-trained"]["status"] == "off track"  # improving, but past its due date
    assert objective_progress(p, trends(p, []), TODAY)[0]["status"] == "no data"


def test_a_measure_per_system_counts_its_worst_system():
    data = plan_data()
    data["objectives"][0].update(measure="impact-score", target=40)
    p = model_from(ObjectivesAnswers, data)
    rows = [row("impact-score", "2026-Q3", 50, "credit-scoring"), row("impact-score", "2026-Q4", 35, "credit-scoring"),
            row("impact-score", "2026-Q4", 45, "cv-screening")]
    progress = objective_progress(p, trends(p, rows), TODAY)[0]
    assert (progress["subject"], progress["latest"], progress["status"]) == ("cv-screening", 45, "on track")


# Gaps in monitoring, at the window's boundary.

def test_a_gap_is_flagged_the_day_after_the_window_closes():
    p = plan()
    rows = [row(m.id, "2026-10" if m.frequency == "monthly" else "2026-Q3", 1) for m in p.measures]
    in_force = date(2026, 1, 1)
    assert gaps(p, rows, date(2026, 11, 30), in_force) == []
    late = {g["measure"]: g for g in gaps(p, rows, date(2026, 12, 1), in_force)}
    assert set(late) == {"high-risk-current", "impact-current", "overdue-actions"}  # monthly: 2026-10 is too old
    assert late["overdue-actions"]["message"].endswith("last measured for 2026-10")
    assert {g["measure"] for g in gaps(p, rows, date(2026, 12, 31), in_force)} == set(late)
    quarterly = {g["measure"] for g in gaps(p, rows, date(2027, 1, 1), in_force)}
    assert {"readiness", "impact-score", "staff-trained"} <= quarterly  # 2026-Q3 no longer counts in 2027-Q1


def test_a_new_plan_is_not_a_gap_until_a_whole_window_passed():
    p = plan()
    assert gaps(p, [], date(2026, 11, 30), in_force=date(2026, 11, 1)) == []
    monthly = {g["measure"] for g in gaps(p, [], date(2026, 12, 1), in_force=date(2026, 11, 1))}
    assert monthly == {"high-risk-current", "impact-current", "overdue-actions"}
    assert all(g["message"].endswith("never measured") for g in gaps(p, [], date(2026, 12, 1), date(2026, 11, 1)))


# Measurements in a workspace: taken, recorded, corrected, refused.

def archived(workspace, process: str, system_id: str, run_id: str, effective: date, answers: dict,
             results: dict) -> str:
    """An evidence record with its results.json, as the pipeline leaves it (no kernel)."""
    path = f"{system_id}/{process}/{run_id}"
    folder = workspace.evidence_dir / path
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps({"run_id": run_id, "answers": answers, "results": results}))
    workspace.register.record_evidence({
        "run_id": run_id, "process": process, "system_id": system_id, "period": "2026-Q4",
        "effective_date": effective, "assessor": "priya", "status": "submitted",
        "recorded_at": datetime.combine(effective, datetime.min.time(), timezone.utc), "path": path,
        "answers_sha256": "0" * 64, "workbench_version": "test"})
    return run_id


@pytest.fixture
def planned(workspace):
    archived(workspace, "objectives", "organisation", "obj-1", TODAY - timedelta(days=90), plan_data(), {})
    return workspace


def test_nothing_is_measured_without_a_plan(workspace):
    with pytest.raises(InputError, match="no AI objectives record yet"):
        take_measures(workspace, TODAY, person="priya", today=TODAY)


def test_take_computes_register_and_run_measures_once_per_period(planned):
    from workbench.records.nonconformity import open_nonconformity

    archived(planned, "impact-assessment", "credit-scoring", "ia-1", TODAY - timedelta(days=5), {},
             {"score": {"current": 35}})
    archived(planned, "impact-assessment", "cv-screening", "ia-2", TODAY - timedelta(days=5), {},
             {"score": {"current": 61}})
    open_nonconformity(planned, "audit", "cv-screening", "late", "ia-2", owner="amara",
                       due_date=TODAY - timedelta(days=1), opened_by="priya", opened_on=TODAY - timedelta(days=5))
    outcomes = take_measures(planned, TODAY, person="priya", today=TODAY)
    by = {(o["measure"], o["subject"]): o for o in outcomes}
    assert by["overdue-actions", "organisation"]["value"] == 1.0
    assert by["impact-score", "credit-scoring"]["value"] == 35 and by["impact-score", "cv-screening"]["value"] == 61
    assert by["impact-score", "cv-screening"]["detail"] == "ia-2: results.score.current"
    assert by["readiness", ""]["status"] == "no value"  # no gap analysis yet
    assert by["staff-trained", ""]["status"] == "manual"
    # no risk assessment yet: neither high-tier system is current
    assert by["high-risk-current", "organisation"]["value"] == 0.0
    rows = measurements(planned)
    assert {(r["measure_id"], r["period"], r["subject"]) for r in rows} >= {
        ("overdue-actions", "2026-11", "organisation"), ("impact-score", "2026-Q4", "cv-screening")}
    assert all(r["plan_run"] == "obj-1" and r["recorded_by"] == "priya" and r["method"] == "taken" for r in rows)
    entries = [e for e in ledger_entries(planned.evidence_dir) if e["kind"] == "measurement"]
    assert len(entries) == 1
    assert sorted(r["measure_id"] for r in measurement_rows(entries[0])["measurements"]) == sorted(
        r["measure_id"] for r in planned.register.rows("measurements"))

    again = take_measures(planned, TODAY, person="priya", today=TODAY)
    assert {o["status"] for o in again} == {"skipped", "no value", "manual"}
    assert len([e for e in ledger_entries(planned.evidence_dir) if e["kind"] == "measurement"]) == 1

    corrected = take_measures(planned, TODAY, person="priya", again=True, only=["overdue-actions"], today=TODAY)
    assert [o["status"] for o in corrected] == ["corrected"]
    seqs = [r["seq"] for r in planned.register.rows("measurements", measure_id="overdue-actions")]
    assert sorted(seqs) == [1, 2]
    assert [r["seq"] for r in measurements(planned, "overdue-actions")] == [2]


def test_a_run_source_aggregated_over_systems(planned):
    data = plan_data()
    data["measures"][4].update(aggregate="count-above", limit=60)
    archived(planned, "objectives", "organisation", "obj-2", TODAY - timedelta(days=1), data, {})
    for system_id, run_id, score in (("credit-scoring", "ia-1", 35), ("cv-screening", "ia-2", 61),
                                     ("support-assistant", "ia-3", 70)):
        archived(planned, "impact-assessment", system_id, run_id, TODAY - timedelta(days=5), {},
                 {"score": {"current": score}})
    [outcome] = take_measures(planned, TODAY, person="priya", only=["impact-score"], today=TODAY)
    assert (outcome["subject"], outcome["value"]) == ("organisation", 2.0)
    assert "ia-2 (cv-screening: 61)" in outcome["detail"] and outcome["detail"].startswith("count-above")


def test_take_for_one_period(planned):
    outcomes = take_measures(planned, period="2026-Q3", person="priya", today=TODAY)
    assert {o["measure"] for o in outcomes} == {"readiness", "impact-score", "staff-trained"}
    assert {o["period"] for o in outcomes} == {"2026-Q3"}
    with pytest.raises(InputError, match="period: must be a month, quarter, half or year.*got '2026-W3'"):
        take_measures(planned, period="2026-W3", person="priya", today=TODAY)
    with pytest.raises(InputError, match="no measure of the plan is measured yearly"):
        take_measures(planned, period="2026", person="priya", today=TODAY)
    with pytest.raises(InputError, match="has not started yet"):
        take_measures(planned, period="2026-12", person="priya", today=TODAY)
    with pytest.raises(InputError, match="measures.0.: unknown measure; allowed: high-risk-current.*got 'nope'"):
        take_measures(planned, TODAY, person="priya", only=["nope"], today=TODAY)


def test_record_a_manual_measure_and_correct_it(planned):
    first = record_measurement(planned, "staff-trained", 61.5, "2026-Q3", person="priya", today=TODAY)
    assert (first["value"], first["seq"], first["method"], first["source_ref"]) == (61.5, 1, "recorded",
                                                                                    "recorded by priya")
    assert first["taken_on"] == date(2026, 9, 30)
    with pytest.raises(InputError, match="already has 61.5 for 2026-Q3"):
        record_measurement(planned, "staff-trained", 70, "2026-Q3", person="priya", today=TODAY)
    with pytest.raises(InputError, match="note: a correction says why"):
        record_measurement(planned, "staff-trained", 70, "2026-Q3", person="priya", correct=True, today=TODAY)
    fixed = record_measurement(planned, "staff-trained", 70, "2026-Q3", person="priya", correct=True,
                               note="HR export missed the branch staff", today=TODAY)
    assert fixed["seq"] == 2 and [r["value"] for r in measurements(planned, "staff-trained")] == [70]


@pytest.mark.parametrize("args, field, message", [
    (("nope", 1, "2026-Q3"), "measure: ", "unknown measure; allowed: high-risk-current, impact-current"),
    (("staff-trained", 1, "2026-11"), "period: ", "measured quarterly: give a period like 2026-Q4"),
    (("staff-trained", 1, "2027-Q1"), "period: ", "has not started yet"),
    (("staff-trained", float("nan"), "2026-Q3"), "value", "must be a finite number"),
    (("readiness", 50, "2026-Q3"), "note: ", "recording it by hand needs a note"),
    (("impact-score", 50, "2026-Q3"), "subject: ", "measured per AI system; allowed: credit-scoring"),
    (("overdue-actions", 1, "2026-10"), "subject: ", "one value for the organisation"),
])
def test_a_bad_measurement_names_the_field_and_records_nothing(planned, args, field, message):
    before = len(ledger_entries(planned.evidence_dir))
    kwargs = {"subject": "credit-scoring"} if args[0] == "overdue-actions" else {}
    with pytest.raises(InputError) as err:
        record_measurement(planned, *args, person="priya", note="" if args[0] != "overdue-actions" else "x",
                           today=TODAY, **kwargs)
    assert field in str(err.value) and message in str(err.value), str(err.value)
    assert len(ledger_entries(planned.evidence_dir)) == before and planned.register.rows("measurements") == []


def test_only_who_measures_or_an_aims_manager_records(planned):
    with pytest.raises(InputError, match="recorded_by: measure staff-trained is recorded by who measures it \\(priya\\) or an AIMS"):
        record_measurement(planned, "staff-trained", 50, "2026-Q3", person="tomas", today=TODAY)
    assert planned.register.rows("measurements") == []


# Real kernels: the objectives record, verify and rebuild, and the management review of the demo.

@pytest.mark.kernel
def test_the_objectives_record_and_its_measurements_are_verified_and_rebuilt(workspace):
    from workbench.pipeline.recovery import rebuild
    from workbench.pipeline.run import run_process
    from workbench.pipeline.verify import verify

    data = plan_data()
    data["objectives"][0]["objective"] = "<script>alert(1)</script>"
    data["measures"][0]["name"] = '<img src=x onerror="alert(2)">'
    evidence = run_process(workspace, "objectives", "", data, assessor="priya")
    html = evidence.html.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    assert "AI objectives" in html and "Monitoring plan" in html and "register:readiness" in html
    assert workspace.register.count("objectives") == 4 and workspace.register.count("measures") == 6
    record_measurement(workspace, "staff-trained", 55, period_of(date.today(), "quarterly"), person="priya")
    take_measures(workspace, person="amara")
    before = measurements(workspace)
    assert verify(workspace).ok
    rebuild(workspace)
    assert measurements(workspace) == before and len(before) >= 4
    with sqlite3.connect(workspace.root / "register.db") as db:  # a hand-edited value in the register
        db.execute("UPDATE measurements SET value = 100 WHERE measure_id = 'staff-trained'")
    found = [f"{f.kind}: {f.item}: {f.detail}" for f in verify(workspace).findings]
    assert found and all(f.startswith("register: measurements staff-trained/") for f in found), found
    assert any("value is 100.0; the ledger says 55.0" in f for f in found), found


@pytest.mark.kernel
def test_the_demo_management_review_shows_trends_progress_and_the_gap(demo_root):
    from workbench.pipeline.run import read_record
    from workbench.workspace import Workspace

    ws = Workspace(demo_root)
    [review] = ws.register.evidence_list(process="management-review")
    results = read_record(ws, review)["results"]
    measured = results["measured_objectives"]
    progress = {o["id"]: o for o in measured["objectives"]}
    assert progress["staff-trained"]["status"] == "off track"
    assert progress["no-overdue-actions"]["latest"] == 1 and progress["no-overdue-actions"]["baseline"] == 0
    assert [g["measure"] for g in measured["gaps"]] == ["staff-trained"]
    series = {t["measure"]: t for t in measured["trends"] if t["subject"] in ("organisation", "")}
    assert len(series["overdue-actions"]["points"]) == 6 and series["overdue-actions"]["change"] == "improving"
    html = (ws.evidence_dir / review["path"] / "evidence.html").read_text(encoding="utf-8")
    charts = {alt: base64.b64decode(svg).decode() for alt, svg in re.findall(
        r'<img alt="Trend of ([^"]+)" src="data:image/svg\+xml;base64,([^"]+)"', html)}
    assert len(charts) == 6 and "Gaps in monitoring" in html
    overdue = charts["Overdue corrective actions"]
    assert "Overdue corrective actions (count), target 0, threshold 2: " in overdue  # the chart in words
    assert ">threshold 2</text>" in overdue and ">target 0</text>" in overdue and 'stroke-dasharray' in overdue
    assert charts["Impact score per system"].count(">cv-screening</text>") == 1  # one line per system
    index = (ws.evidence_dir / "index.html").read_text(encoding="utf-8")
    assert "Measure Staff in AI roles trained" in index


@pytest.mark.browser
@pytest.mark.kernel
def test_the_trend_charts_render_offline_in_chromium(chromium, demo_root):
    from browser_checks import CHROMIUM_ARGS, assert_quiet, open_offline
    from playwright.sync_api import sync_playwright

    [folder] = (demo_root / "evidence" / "organisation" / "management-review").iterdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page, visit = open_offline(browser.new_context(viewport={"width": 1280, "height": 900}),
                                   folder / "evidence.html")
        assert_quiet(visit)
        trends = page.locator("img[alt^='Trend of']")
        assert trends.count() == 6
        sizes = trends.evaluate_all("images => images.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert sizes == [[True, 700, 340]] * 6
        box = trends.first.bounding_box()
        assert box["width"] > 300 and box["height"] > 100  # drawn on the page, not collapsed
        assert page.get_by_role("heading", name="Gaps in monitoring").is_visible()
        browser.close()


def test_every_periodic_review_takes_the_measures_as_the_scheduler(planned):
    from workbench.scheduling.review import run_review

    scheduler = planned.config.scheduler().id
    summary = run_review(planned, [], [], progress=False, today=TODAY)
    assert summary.notes[0] == "objectives: took 3 measurement(s) of 3 measure(s)"  # no run, no gap analysis yet
    assert summary.as_dict()["notes"] == summary.notes
    assert {r["recorded_by"] for r in planned.register.rows("measurements")} == {scheduler}
    again = run_review(planned, [], [], progress=False, today=TODAY)
    assert again.notes[0] == "objectives: took 0 measurement(s) of 0 measure(s)"  # once per period
    later = run_review(planned, [], [], progress=False, today=date(2027, 1, 1))
    assert "objectives: gap in monitoring: staff-trained: quarterly measure with no measurement for 2026-Q4 nor " \
           "2027-Q1; never measured" in later.notes


# The hooks other processes plug into: a register measure and a management review section.

def open_complaints(workspace, on):
    """A register measure as a complaints process would offer it."""
    return 2.0, f"complaints open on {on}: c-1, c-2"


def complaint_section(workspace, since, today):
    return {"title": "Complaints since the previous review", "clause": "9.3.2 c", "note": f"since {since}",
            "columns": ("Complaint", "System", "Status"), "rows": [("c-1", "cv-screening", "<b>open</b>")]}


def install_complaints(monkeypatch):
    """An installed process that offers a register measure and a management review section."""
    import workbench.processes
    from dataclasses import replace

    installed = workbench.processes.processes()
    added = replace(installed["incident-report"], name="complaints", code="cmp", tables=(), records={}, acts={},
                    settings=None, measures={"open-complaints": ("Open complaints", "count", open_complaints)},
                    review_section=complaint_section)
    monkeypatch.setattr(workbench.processes, "processes", lambda: {**installed, "complaints": added})


def test_a_register_measure_offered_by_another_process_plugs_in(planned, monkeypatch):
    data = plan_data()
    data["measures"][0]["source"] = "register:open-complaints"
    with pytest.raises(InputError, match="unknown register measure 'open-complaints'"):
        model_from(ObjectivesAnswers, data)
    install_complaints(monkeypatch)
    archived(planned, "objectives", "organisation", "obj-2", TODAY, data, {})
    [outcome] = take_measures(planned, TODAY, person="priya", only=["high-risk-current"], today=TODAY)
    assert (outcome["value"], outcome["detail"]) == (2.0, "register:open-complaints: complaints open on 2026-11-27: "
                                                           "c-1, c-2")


def test_a_review_section_added_by_another_process_is_assembled(planned, monkeypatch):
    from workbench.processes.management_review.assessment import assemble_inputs

    install_complaints(monkeypatch)
    inputs = assemble_inputs(planned, TODAY)
    sections = {s["name"]: s for s in inputs["register_sections"]}
    assert sections["complaints"]["rows"] == [("c-1", "cv-screening", "<b>open</b>")]
    assert sections["complaints"]["note"] == "since None" and inputs["since"] is None
    assert "incident-report" not in sections  # the built-in incident register adds none: nothing to report
    assert inputs["measured_objectives"]["run_id"] == "obj-1"


def test_the_review_shows_the_periods_since_the_previous_review(planned):
    from workbench.processes.management_review.assessment import assemble_inputs

    for period, value in (("2026-07", 4), ("2026-08", 3), ("2026-09", 2), ("2026-10", 2), ("2026-11", 1)):
        record_measurement(planned, "overdue-actions", value, period, person="priya", note="monthly report",
                           today=TODAY)
    archived(planned, "management-review", "organisation", "mr-1", date(2026, 8, 31), {"previous_actions": []}, {})
    inputs = assemble_inputs(planned, TODAY)
    assert inputs["since"] == date(2026, 8, 31)
    [series] = [t for t in inputs["measured_objectives"]["trends"] if t["measure"] == "overdue-actions"]
    assert [(p["period"], p["value"]) for p in series["points"]] == [("2026-09", 2), ("2026-10", 2), ("2026-11", 1)]
    progress = {o["id"]: o for o in inputs["measured_objectives"]["objectives"]}["no-overdue-actions"]
    assert (progress["baseline"], progress["latest"], progress["status"]) == (2, 1, "on track")

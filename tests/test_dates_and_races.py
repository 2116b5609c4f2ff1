"""Attacks on dates and on concurrent writers (issue 14, part 6): each is refused, or decided under
the archive's lock so that the second writer sees the first."""

from __future__ import annotations

import json

import multiprocessing
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.exceptions import InputError
from workbench.migrations import SchemaError, upgrade_register
from workbench.pipeline.archive import append_entry, ledger_entries
from workbench.pipeline.indexing import event_facts
from workbench.pipeline.portfolio import build_index
from workbench.pipeline.recovery import index_entry
from workbench.pipeline.request import build_request
from workbench.pipeline.verify import verify
from workbench.pipeline.run import read_record, run_process
from workbench.records.identity import acting_person
from workbench.records.nonconformity import open_nonconformity
from workbench.scheduling.cadence import review_states
from workbench.scheduling.review import Outcome, open_nonconformities, plan_review, run_job
from workbench.workspace import Workspace


def _fake_evidence(workspace, run_id: str, effective: date, period: str = "2026-Q4") -> None:
    """A record as an earlier version archived it, its register row and its results (no kernel needed)."""
    folder = workspace.evidence_dir / "credit-scoring" / "risk-assessment" / run_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps({"run_id": run_id, "answers": {}, "results": {"risks": []}}))
    workspace.register.record_evidence({
        "run_id": run_id, "process": "risk-assessment", "system_id": "credit-scoring", "item_id": "",
        "period": period, "effective_date": effective, "assessor": "priya", "status": "submitted",
        "recorded_at": datetime.now(timezone.utc), "path": f"credit-scoring/risk-assessment/{run_id}",
        "answers_sha256": "0" * 64, "workbench_version": "0", "headline": ""})


def test_an_effective_date_far_in_the_future_is_refused(workspace, answers):
    with pytest.raises(InputError) as refused:
        build_request(workspace, "risk-assessment", "credit-scoring", answers, assessor="tomas",
                      effective_date="9999-12-31")
    assert refused.value.problems[0].field == "effective_date"
    assert "9999-12-31" in str(refused.value) and "days after today" in str(refused.value)
    with pytest.raises(InputError, match="effective_date"):
        build_request(workspace, "risk-assessment", "credit-scoring", answers, assessor="tomas",
                      effective_date="2099-01-01")


def test_an_effective_date_within_the_tolerance_is_accepted(workspace, answers):
    soon = date.today() + timedelta(days=workspace.config.review.future_days)
    request = build_request(workspace, "risk-assessment", "credit-scoring", answers, assessor="tomas",
                            effective_date=soon.isoformat())
    assert request.effective_date == soon


def _stored_event(workspace, occurred_on: date) -> None:
    """An event as a version before the event date rule recorded it: signed, ledgered and indexed."""
    entry = append_entry(workspace.evidence_dir, {
        **event_facts("credit-scoring", "incident", occurred_on, "", datetime.now(timezone.utc)),
        "recorded_by": "priya"}, acting_person(workspace, "priya"))
    index_entry(workspace, entry)


@pytest.mark.parametrize("day", ["9999-12-31", "2099-01-01"])
def test_an_event_dated_far_ahead_is_refused_as_it_would_keep_the_reviews_due(workspace, day):
    before = len(ledger_entries(workspace.evidence_dir))
    with pytest.raises(InputError) as refused:
        workspace.add_event("credit-scoring", "incident", day, person="priya")
    problem = refused.value.problems[0]
    assert (problem.field, problem.value) == ("date", day) and "review.future_days" in problem.message
    assert len(ledger_entries(workspace.evidence_dir)) == before
    soon = date.today() + timedelta(days=workspace.config.review.future_days)
    assert workspace.add_event("credit-scoring", "incident", soon, person="priya")["occurred_on"] == soon


def test_a_stored_date_in_year_9999_crashes_no_command(workspace):
    _fake_evidence(workspace, "ra-20261101T000000Z-aaaaaa", date(9999, 12, 31))
    _stored_event(workspace, date(9999, 12, 31))
    states = [s for s in review_states(workspace) if s.system_id == "credit-scoring" and s.process == "risk-assessment"]
    assert states[0].due_on == date.max and states[0].status == "current"
    build_index(workspace)
    for args in (["status"], ["status", "--json"], ["system", "list"], ["index"], ["review", "--no-progress"]):
        done = CliRunner().invoke(main, [*args, "--workspace", str(workspace.root)])
        assert isinstance(done.exception, (SystemExit, type(None))), done.exception  # review: 1, others need answers
        assert done.exit_code in (0, 1) and "out of range" not in done.output


def _open_three(root: str, run_id: str, writer: int, errors) -> None:
    workspace = Workspace(root)
    for n in range(3):
        try:
            open_nonconformity(workspace, "audit", "credit-scoring", f"finding {writer}.{n}", run_id,
                               opened_by="priya")
        except Exception as err:  # collected: the test shows every writer's failure
            errors.put(repr(err))


def test_four_concurrent_writers_get_distinct_nonconformity_ids(workspace):
    run_id = "ra-20261101T000000Z-bbbbbb"
    _fake_evidence(workspace, run_id, date.today())
    errors = multiprocessing.get_context("fork").Queue()
    writers = [multiprocessing.get_context("fork").Process(target=_open_three, args=(str(workspace.root), run_id, w, errors))
               for w in range(4)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    ledgered = [e["id"] for e in ledger_entries(workspace.evidence_dir) if e["kind"] == "nonconformity"]
    assert len(ledgered) == len(set(ledgered)) == 12
    assert sorted(r["id"] for r in workspace.register.rows("nonconformities")) == sorted(ledgered)


def test_a_nonconformity_id_the_ledger_already_holds_is_never_reused(workspace):
    run_id = "ra-20261101T000000Z-cccccc"
    _fake_evidence(workspace, run_id, date.today())
    first = open_nonconformity(workspace, "audit", "credit-scoring", "finding one", run_id, opened_by="priya")
    with sqlite3.connect(workspace.root / "register.db") as db:  # a writer killed after its ledger line
        db.execute("delete from action_updates")
        db.execute("delete from nonconformities")
    second = open_nonconformity(workspace, "audit", "credit-scoring", "finding two", run_id, opened_by="priya")
    assert second != first


def test_review_force_twice_opens_one_nonconformity_per_breach(workspace):
    run_id = "ra-20261101T000000Z-dddddd"
    _fake_evidence(workspace, run_id, date.today())
    outcome = Outcome("credit-scoring", "risk-assessment", "2026-Q4", "recalculated", run_id=run_id,
                      breaches=["R1 residual level 16 above appetite 9"])
    first = open_nonconformities(workspace, outcome)
    again = open_nonconformities(workspace, outcome)
    assert first == again
    assert len(workspace.register.rows("nonconformities")) == 1
    assert len([e for e in ledger_entries(workspace.evidence_dir) if e["kind"] == "nonconformity"]) == 1


def _run_job(job, results) -> None:
    results.put(run_job(job))


def _in_parallel(target, jobs) -> list:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=target, args=(job, results)) for job in jobs]
    for w in workers:
        w.start()
    found = [results.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(60)
    return found


@pytest.mark.kernel
def test_two_simultaneous_reviews_of_one_period_archive_one(workspace, answers):
    run_process(workspace, "risk-assessment", "credit-scoring", answers, period="2026-Q1",
                assessor="tomas", effective_date="2026-01-15", refresh_index=False)
    planned = [plan_review(workspace, system_id="credit-scoring", period="2030-Q1")[0] for _ in range(2)]
    jobs = [next(j for j in p if j.process == "risk-assessment") for p in planned]
    outcomes = _in_parallel(_run_job, jobs)
    assert sorted(o.status for o in outcomes) == ["recalculated", "skipped"], outcomes
    kept = [r for r in workspace.register.evidence_list("credit-scoring", "risk-assessment", "")
            if r["period"] == "2030-Q1"]
    assert len(kept) == 1 and kept[0]["review_round"] == 1
    assert list(workspace.staging_dir.iterdir()) == []
    assert verify(workspace).ok
    forced = plan_review(workspace, system_id="credit-scoring", period="2030-Q1", force=True)[0]
    again = run_job(next(j for j in forced if j.process == "risk-assessment"))
    assert again.status == "recalculated"
    assert workspace.register.evidence(again.run_id)["review_round"] == 2


def _run_again(args, results) -> None:
    root, answers = args
    results.put(run_process(Workspace(root), "risk-assessment", "credit-scoring", answers, assessor="tomas",
                            refresh_index=False).run_id)


@pytest.mark.kernel
def test_two_concurrent_runs_never_name_the_same_previous_version(workspace, answers):
    run_process(workspace, "risk-assessment", "credit-scoring", answers, assessor="tomas", refresh_index=False)
    _in_parallel(_run_again, [(str(workspace.root), answers)] * 2)
    records = workspace.register.evidence_list("credit-scoring", "risk-assessment", "")
    previous = [read_record(workspace, r).get("previous", {}).get("run_id") for r in records]
    assert len([p for p in previous if p]) == 2
    assert len(set(previous)) == 3, previous
    assert verify(workspace).ok


def test_a_second_record_of_one_review_round_is_refused_by_the_register(workspace):
    first = {"run_id": "ra-20261101T000000Z-eeeeee", "process": "risk-assessment", "system_id": "credit-scoring",
             "item_id": "", "period": "2026-Q4", "effective_date": date.today(), "assessor": "tomas",
             "status": "submitted", "recorded_at": datetime.now(timezone.utc), "path": "p", "answers_sha256": "0" * 64,
             "workbench_version": "0", "headline": "", "review_round": 1}
    workspace.register.record_evidence(first)
    with pytest.raises(InputError, match="UNIQUE constraint failed: evidence.system_id"):
        workspace.register.record_evidence({**first, "run_id": "ra-20261101T000000Z-ffffff"})


def test_a_register_made_before_the_unique_constraints_is_upgraded(workspace):
    run_id = "ra-20261101T000000Z-aaaaab"
    _fake_evidence(workspace, run_id, date.today())
    open_nonconformity(workspace, "audit", "credit-scoring", "finding", run_id, opened_by="tomas")
    workspace.register.close()
    with sqlite3.connect(workspace.root / "register.db") as db:  # the schema of the version before
        for index, table, column in (("uq_evidence_review", "evidence", "review_round"),
                                     ("uq_nonconformities_finding", "nonconformities", "finding_key")):
            db.execute(f"drop index {index}")
            db.execute(f"alter table {table} drop column {column}")
        db.execute("drop table alembic_version")  # made before schema versions
    with pytest.raises(SchemaError, match="made before schema versions.*run 'workbench db upgrade'"):
        Workspace(workspace.root).register
    assert upgrade_register(workspace.register_url) == (None, "0002")
    again = Workspace(workspace.root)
    assert again.register.rows("nonconformities")[0]["finding_key"] is None
    with sqlite3.connect(workspace.root / "register.db") as db:
        indexes = {row[1] for row in db.execute("select * from sqlite_master where type = 'index'")}
    assert {"uq_evidence_review", "uq_nonconformities_finding"} <= indexes
    assert open_nonconformity(again, "audit", "credit-scoring", "finding", run_id, opened_by="tomas") == "nc-0002"


def test_verify_names_a_nonconformity_id_the_ledger_holds_twice(workspace):
    from workbench.pipeline.archive import append_entry

    first, second = (append_entry(workspace.evidence_dir, {"kind": "nonconformity", "id": "nc-0007", "description": w})
                     for w in ("first", "second"))  # what concurrent writers of an earlier version left
    findings = [str(f) for f in verify(workspace).findings if f.kind == "duplicate"]
    assert findings == [f"duplicate: nonconformity nc-0007: recorded by ledger entries {first['seq']} and "
                        f"{second['seq']}"]

"""Due computation around every boundary, and which record a review carries forward, without kernels."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from keys import KEYS
from workbench.config import ReviewPolicy
from workbench.scheduling.cadence import add_months, review_state
from workbench.scheduling.review import plan_review
from workbench.systems import AISystem

POLICY = ReviewPolicy(interval_months={"high": 3, "medium": 6, "low": 12}, grace_days=14)
SYSTEM = AISystem(id="credit-scoring", name="Credit", owner="lena", purpose="p", lifecycle_stage="deployment",
                  deployment_context="c", affected_stakeholders=["applicants"], tier="high")


def record(run_id: str, effective: date, status: str = "submitted", hour: int = 9) -> dict:
    return {"run_id": run_id, "effective_date": effective, "status": status,
            "recorded_at": datetime(effective.year, effective.month, effective.day, hour, tzinfo=timezone.utc)}


def state(today: date, records=(), events=()):
    return review_state(SYSTEM, "risk-assessment", list(records), list(events), POLICY, today)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 10, 1), 3, date(2027, 1, 1)),
    (date(2026, 12, 15), 12, date(2027, 12, 15)),
])
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_never_assessed_is_due_now():
    s = state(date(2026, 11, 27))
    assert (s.status, s.due_on, s.reason) == ("due", None, "never assessed")


@pytest.mark.parametrize(("today", "status"), [
    (date(2027, 1, 14), "current"),   # the day before the due date
    (date(2027, 1, 15), "due"),       # the due date
    (date(2027, 1, 29), "due"),       # the last day of grace (14 days)
    (date(2027, 1, 30), "overdue"),   # the day after grace
])
def test_status_around_the_due_date_and_the_grace_period(today, status):
    s = state(today, [record("ra-1", date(2026, 10, 15))])
    assert s.due_on == date(2027, 1, 15)
    assert s.status == status


def test_interval_follows_the_tier():
    low = SYSTEM.model_copy(update={"tier": "low"})
    s = review_state(low, "risk-assessment", [record("ra-1", date(2026, 10, 15))], [], POLICY, date(2026, 11, 1))
    assert s.due_on == date(2027, 10, 15) and "12 months for tier low" in s.reason


def test_latest_effective_date_counts_and_failed_runs_do_not():
    records = [record("ra-1", date(2026, 4, 1)), record("ra-2", date(2026, 10, 1)),
               record("ra-3", date(2026, 11, 1), status="failed")]
    s = state(date(2026, 11, 27), records)
    assert s.last_run_id == "ra-2" and s.due_on == date(2027, 1, 1)
    assert s.last_status == "failed"


def test_an_event_after_the_assessment_brings_the_review_forward():
    events = [{"kind": "new-model-version", "occurred_on": date(2026, 11, 20)}]
    s = state(date(2026, 11, 27), [record("ra-1", date(2026, 10, 15))], events)
    assert s.due_on == date(2026, 11, 20) and s.status == "due"
    assert s.reason == "new-model-version on 2026-11-20"


def test_events_before_the_assessment_or_of_other_kinds_do_not_count():
    events = [{"kind": "incident", "occurred_on": date(2026, 10, 1)},
              {"kind": "coffee-break", "occurred_on": date(2026, 11, 20)}]
    s = state(date(2026, 11, 27), [record("ra-1", date(2026, 10, 15))], events)
    assert s.due_on == date(2027, 1, 15) and s.status == "current"


# a scheduler's recalculation is no person's record: it sets no clock and closes no trigger

def test_a_recalculation_does_not_reset_the_clock_of_an_overdue_review():
    s = state(date(2026, 11, 27), [record("ra-1", date(2026, 6, 1)),
                                   record("ra-2", date(2026, 11, 27), status="recalculated")])
    assert (s.status, s.due_on, s.last_run_id, s.last_effective) == ("overdue", date(2026, 9, 1), "ra-1", date(2026, 6, 1))
    assert s.reason == "awaiting confirmation of ra-2 (every 3 months for tier high)"
    assert s.awaiting_confirmation == "ra-2" and s.last_status == "recalculated"


def test_a_recalculation_makes_a_current_subject_due_until_confirmed_then_overdue_after_grace():
    records = [record("ra-1", date(2026, 10, 15)), record("ra-2", date(2026, 11, 1), status="recalculated")]
    s = state(date(2026, 11, 2), records)
    assert (s.status, s.due_on, s.reason) == ("due", date(2026, 11, 1), "awaiting confirmation of ra-2")
    assert state(date(2026, 11, 16), records).status == "overdue"


def test_a_recalculation_closes_no_incident():
    events = [{"kind": "incident", "occurred_on": date(2026, 11, 10)}]
    records = [record("ra-1", date(2026, 10, 15)), record("ra-2", date(2026, 11, 20), status="recalculated")]
    s = state(date(2026, 11, 21), records, events)
    assert (s.status, s.due_on) == ("due", date(2026, 11, 10))
    assert s.reason == "awaiting confirmation of ra-2 (incident on 2026-11-10)"
    assert state(date(2026, 11, 25), records, events).status == "overdue"  # 14 days after the incident


def test_a_confirmed_recalculation_resets_the_clock_and_closes_the_incident():
    events = [{"kind": "incident", "occurred_on": date(2026, 11, 10)}]
    confirmed = record("ra-2", date(2026, 11, 20), status="submitted")
    s = state(date(2026, 11, 27), [record("ra-1", date(2026, 10, 15)), confirmed], events)
    assert (s.status, s.due_on, s.last_run_id, s.awaiting_confirmation) == ("current", date(2027, 2, 20), "ra-2", "")


def test_a_person_s_later_run_supersedes_the_recalculation():
    records = [record("ra-1", date(2026, 6, 1)), record("ra-2", date(2026, 11, 20), status="recalculated"),
               record("ra-3", date(2026, 11, 21))]
    s = state(date(2026, 11, 27), records)
    assert (s.status, s.last_run_id, s.awaiting_confirmation) == ("current", "ra-3", "")


def test_only_recalculations_are_never_assessed():
    s = state(date(2026, 11, 27), [record("ra-2", date(2026, 11, 20), status="recalculated")])
    assert (s.status, s.reason, s.last_run_id) == ("due", "never assessed", None)


def archive(workspace, run_id: str, effective: date, status: str, answers: dict, assessor: str = "amara") -> None:
    """Index an evidence record and write the results.json a review reads its answers from."""
    path = f"credit-scoring/risk-assessment/{run_id}"
    (workspace.evidence_dir / path).mkdir(parents=True)
    (workspace.evidence_dir / path / "results.json").write_text(json.dumps({"answers": answers}))
    workspace.register.record_evidence({
        "run_id": run_id, "process": "risk-assessment", "system_id": "credit-scoring", "period": "2026-Q2",
        "effective_date": effective, "assessor": assessor, "status": status, "path": path,
        "recorded_at": datetime(effective.year, effective.month, effective.day, 9, tzinfo=timezone.utc),
        "answers_sha256": "0" * 64, "workbench_version": "0", "error": None})


def test_an_approved_record_is_carried_forward_over_a_newer_submitted_one(workspace):
    archive(workspace, "ra-approved", date(2026, 6, 1), "submitted", {"scope": "approved"})
    archive(workspace, "ra-submitted", date(2026, 7, 1), "submitted", {"scope": "submitted"})
    archive(workspace, "ra-failed", date(2026, 8, 1), "failed", {"scope": "failed"})
    register = workspace.register
    assert register.latest_evidence("credit-scoring", "risk-assessment")["run_id"] == "ra-submitted"

    register.record_signoff({"signoff_id": "so-1", "run_id": "ra-approved", "decision": "approved", "person": "david",
                             "roles": ["approver"], "comment": "ok", "path": "x", "record_sha256": "0" * 64,
                             "ledger_hash": "0" * 64, "signed_at": datetime(2026, 6, 2, tzinfo=timezone.utc)})
    assert register.latest_evidence("credit-scoring", "risk-assessment")["run_id"] == "ra-approved"
    jobs, _ = plan_review(workspace, "due", system_id="credit-scoring", today=date(2026, 11, 27))
    [job] = [j for j in jobs if j.process == "risk-assessment"]
    assert (job.carried_from, job.answers) == ("ra-approved", {"scope": "approved"})


def test_a_review_carries_forward_what_a_person_stands_behind_as_the_scheduler(workspace):
    archive(workspace, "ra-person", date(2026, 6, 1), "submitted", {"scope": "person"})
    archive(workspace, "ra-recalculated", date(2026, 11, 20), "recalculated", {"scope": "person"}, "scheduler")
    assert workspace.register.latest_evidence("credit-scoring", "risk-assessment")["run_id"] == "ra-recalculated"
    assert workspace.register.latest_evidence("credit-scoring", "risk-assessment", assessed=True)["run_id"] == "ra-person"
    jobs, known = plan_review(workspace, "due", system_id="credit-scoring", period="2026-Q4", force=True,
                              today=date(2026, 11, 27))
    [job] = [j for j in jobs if j.process == "risk-assessment"]
    assert (job.carried_from, job.assessor) == ("ra-person", "scheduler")


def test_a_recalculation_awaiting_confirmation_is_not_recalculated_again_unless_forced(workspace):
    archive(workspace, "ra-person", date(2026, 6, 1), "submitted", {"scope": "person"})
    archive(workspace, "ra-recalculated", date(2026, 9, 20), "recalculated", {"scope": "person"}, "scheduler")
    jobs, known = plan_review(workspace, "due", system_id="credit-scoring", period="2026-Q4", today=date(2026, 11, 27))
    assert "risk-assessment" not in [j.process for j in jobs]
    [skipped] = [o for o in known if o.process == "risk-assessment"]
    assert (skipped.status, skipped.run_id) == ("skipped", "ra-recalculated")
    assert skipped.error.startswith("awaiting confirmation of ra-recalculated by a person")


def test_a_review_without_a_scheduler_identity_is_refused(tmp_path):
    from workbench.demo import demo_configuration
    from workbench.exceptions import InputError
    from workbench.workspace import init_workspace

    config = demo_configuration(KEYS)
    config["people"] = [p for p in config["people"] if p["id"] != "scheduler"]
    workspace = init_workspace(tmp_path / "ws", config=config)
    with pytest.raises(InputError, match="review.scheduler: is not in people; add {id: scheduler"):
        plan_review(workspace, "due", today=date(2026, 11, 27))

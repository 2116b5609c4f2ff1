"""One status per system: the process schedules from the cadence, plus pending approval."""

from __future__ import annotations

from datetime import date, datetime, timezone

from workbench.scheduling.cadence import ReviewState
from workbench.scheduling.status import STATES, system_review, system_reviews
from workbench.systems import AISystem

SYSTEM = AISystem(id="credit-scoring", name="Credit", owner="lena", purpose="p", lifecycle_stage="deployment",
                  deployment_context="c", affected_stakeholders=["applicants"], tier="high")


def state(process: str, status: str, due: date | None = date(2027, 1, 15), awaiting: str = "") -> ReviewState:
    return ReviewState("credit-scoring", process, "high", "ra-1", date(2026, 10, 15), "submitted", due, status,
                       f"awaiting confirmation of {awaiting}" if awaiting else "every 3 months for tier high",
                       awaiting_confirmation=awaiting)


def record(run_id: str, status: str = "submitted", system_id: str = "credit-scoring", hour: int = 9) -> dict:
    return {"run_id": run_id, "system_id": system_id, "process": "risk-assessment", "status": status,
            "path": f"{system_id}/risk-assessment/{run_id}", "effective_date": date(2026, 10, 15),
            "recorded_at": datetime(2026, 10, 15, hour, tzinfo=timezone.utc)}


def test_the_most_urgent_process_state_wins():
    review = system_review(SYSTEM, [state("risk-assessment", "current"), state("impact-assessment", "overdue",
                                                                               date(2026, 9, 1))], [])
    assert review.state == "overdue" and review.reason.startswith("impact-assessment:")
    assert review.next_review == date(2026, 9, 1)


def test_submitted_latest_evidence_is_awaiting_approval_unless_a_review_is_overdue():
    pending = system_review(SYSTEM, [state("risk-assessment", "due")], [record("ra-1")])
    assert pending.state == "awaiting approval" and "ra-1 is submitted" in pending.reason
    assert pending.latest["html"] == "evidence/credit-scoring/risk-assessment/ra-1/evidence.html"
    late = system_review(SYSTEM, [state("risk-assessment", "overdue")], [record("ra-1")])
    assert late.state == "overdue"


def test_approved_evidence_leaves_the_schedule_state():
    review = system_review(SYSTEM, [state("risk-assessment", "current")], [record("ra-1", status="approved")])
    assert review.state == "current"


def test_failed_runs_and_other_systems_are_not_the_latest_evidence():
    records = [record("ra-1", "approved", hour=9), record("ra-2", "failed", hour=10),
               record("ra-3", "submitted", system_id="cv-screening", hour=11)]
    review = system_review(SYSTEM, [state("risk-assessment", "current")], records)
    assert review.latest["run_id"] == "ra-1" and review.state == "current"


def test_json_form_and_states_order():
    data = system_review(SYSTEM, [state("risk-assessment", "due")], []).as_json()
    assert data["state"] == "due" and data["next_review"] == "2027-01-15" and data["latest"] is None
    assert data["processes"][0]["due_on"] == "2027-01-15"
    assert STATES == ("overdue", "awaiting confirmation", "awaiting approval", "due", "current")


def test_a_due_recalculation_is_awaiting_confirmation_before_any_approval_and_overdue_stays_overdue():
    waiting = system_review(SYSTEM, [state("risk-assessment", "due", awaiting="ra-2")],
                            [record("ra-1", "approved", hour=9), record("ra-2", "recalculated", hour=10)])
    assert waiting.state == "awaiting confirmation"
    assert waiting.reason == "risk-assessment: awaiting confirmation of ra-2, due 2027-01-15"
    pending = system_review(SYSTEM, [state("risk-assessment", "due", awaiting="ra-2"),
                                     state("impact-assessment", "current")],
                            [record("ra-1", "submitted", hour=11)])
    assert pending.state == "awaiting confirmation"
    late = system_review(SYSTEM, [state("risk-assessment", "overdue", awaiting="ra-2")], [])
    assert late.state == "overdue" and "awaiting confirmation of ra-2" in late.reason


def test_system_reviews_of_a_workspace_never_assessed_are_due(workspace):
    reviews = system_reviews(workspace, date(2026, 11, 27))
    assert [(r.system_id, r.state) for r in reviews] == [
        ("credit-scoring", "due"), ("cv-screening", "due"), ("support-assistant", "due")]
    assert all(r.reason.endswith("never assessed") for r in reviews)

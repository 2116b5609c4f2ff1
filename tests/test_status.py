"""Review status from evidence records: cadence per tier, due window, awaiting approval."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from workbench.status import STATES, add_months, cadence_months, date_state, system_review, system_reviews
from workbench.systems import AISystem

TODAY = date(2026, 11, 27)


def system(tier: str = "high") -> AISystem:
    return AISystem(id="credit-scoring", name="Credit scoring", owner="lena", purpose="p",
                    lifecycle_stage="operation-monitoring", deployment_context="d",
                    affected_stakeholders=["applicants"], tier=tier)


def record(run_id: str, effective: date, status: str = "approved", process: str = "risk-assessment",
           system_id: str = "credit-scoring", recorded: datetime | None = None) -> dict:
    return {"run_id": run_id, "process": process, "system_id": system_id, "effective_date": effective,
            "status": status, "path": f"{system_id}/{process}/{run_id}",
            "recorded_at": recorded or datetime.combine(effective, datetime.min.time(), timezone.utc)}


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 15), 6, date(2026, 7, 15)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 12, 1), 12, date(2027, 12, 1)),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_cadence_by_tier_with_a_default_for_other_tiers():
    assert cadence_months("high") == 6
    assert cadence_months("medium") == cadence_months("low") == cadence_months("experimental") == 12


@pytest.mark.parametrize("next_review, state", [
    (date(2026, 11, 26), "overdue"), (TODAY, "due"), (date(2026, 12, 27), "due"), (date(2026, 12, 28), "current"),
])
def test_date_state_boundaries(next_review, state):
    assert date_state(next_review, TODAY) == state


def test_no_evidence_is_overdue():
    review = system_review(system(), [], TODAY)
    assert (review.state, review.latest, review.next_review) == ("overdue", None, None)
    assert review.reason == "no evidence archived yet"


def test_current_due_and_overdue_from_the_tier_cadence():
    assert system_review(system("high"), [record("a", date(2026, 9, 1))], TODAY).state == "current"
    assert system_review(system("high"), [record("a", date(2026, 6, 10))], TODAY).state == "due"
    overdue = system_review(system("high"), [record("a", date(2026, 5, 1))], TODAY)
    assert overdue.state == "overdue" and overdue.next_review == date(2026, 11, 1)
    assert "6-monthly for tier high" in overdue.reason
    assert system_review(system("low"), [record("a", date(2026, 5, 1))], TODAY).state == "current"


def test_latest_submitted_evidence_is_awaiting_approval_unless_overdue():
    submitted = system_review(system(), [record("old", date(2026, 9, 1)),
                                         record("new", date(2026, 10, 1), status="submitted")], TODAY)
    assert submitted.state == "awaiting approval"
    assert submitted.latest["run_id"] == "new"
    assert submitted.latest["html"] == "evidence/credit-scoring/risk-assessment/new/evidence.html"
    late = system_review(system(), [record("s", date(2026, 1, 1), status="submitted")], TODAY)
    assert late.state == "overdue"


def test_failed_runs_and_other_systems_are_not_evidence():
    records = [record("ok", date(2026, 9, 1)),
               record("boom", date(2026, 11, 1), status="failed"),
               record("theirs", date(2026, 11, 2), status="submitted", system_id="cv-screening")]
    review = system_review(system(), records, TODAY)
    assert (review.state, review.latest["run_id"]) == ("current", "ok")
    assert [p.run_id for p in review.processes] == ["ok"]


def test_the_process_reviewed_longest_ago_sets_the_next_review():
    records = [record("ra", date(2026, 10, 1)), record("ia", date(2026, 5, 1), process="impact-assessment")]
    review = system_review(system(), records, TODAY)
    assert review.state == "overdue" and review.reason.startswith("impact-assessment next review 2026-11-01")
    assert {p.process: p.state for p in review.processes} == {"impact-assessment": "overdue",
                                                              "risk-assessment": "current"}


def test_latest_effective_date_per_process_wins_over_recording_order():
    backdated = record("back", date(2026, 1, 1), recorded=datetime(2026, 11, 1, tzinfo=timezone.utc))
    review = system_review(system(), [record("recent", date(2026, 10, 1)), backdated], TODAY)
    assert review.processes[0].run_id == "recent" and review.state == "current"
    assert review.latest["run_id"] == "back"  # the latest recorded evidence is still what opens


def test_json_form_and_states_order():
    data = system_review(system(), [record("a", date(2026, 9, 1), status="submitted")], TODAY).as_json()
    assert data["state"] == "awaiting approval" and data["next_review"] == "2027-03-01"
    assert data["latest"]["effective_date"] == "2026-09-01" and data["processes"][0]["next_review"] == "2027-03-01"
    assert STATES.index("overdue") < STATES.index("awaiting approval") < STATES.index("due")


def test_system_reviews_of_a_workspace(workspace):
    reviews = system_reviews(workspace, TODAY)
    assert [r.system_id for r in reviews] == ["credit-scoring", "cv-screening", "support-assistant"]
    assert {r.state for r in reviews} == {"overdue"}

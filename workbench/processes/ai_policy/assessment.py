"""The AI policy record (ISO/IEC 42001 5.2, 5.3): the version as answered, where its text makes each
commitment, its review date, and the roles and responsibilities per AI system in force when it is
recorded; approved by top management through a sign-off."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from workbench.exceptions import InputError
from workbench.processes.ai_policy.policy import COMMITMENTS, PolicyAnswers
from workbench.validate import check_planned

NAME = "ai-policy"
APPROVER = "top_management"


class PolicyResults(BaseModel):
    """What the record shows besides the text itself."""

    version: str
    title: str
    review_date: date
    review_overdue: bool = Field(description="the review date had passed when the record was made")
    commitments: list[dict] = Field(description="each required commitment, the passage that makes it and its line")
    responsibilities: dict[str, dict] = Field(description="the RACI of each AI system in the configuration in force")
    people: list[str] = Field(description="the people who acknowledge the policy once it is approved (7.3)")


def assess(answers: PolicyAnswers, workspace, request) -> PolicyResults:
    """The commitments located in the text, and the responsibilities and people the policy applies to."""
    config = workspace.config
    return PolicyResults(
        version=answers.version, title=answers.title, review_date=answers.review_date,
        review_overdue=answers.review_date < date.today(),
        commitments=[{"commitment": c.commitment, "requirement": COMMITMENTS[c.commitment], "where": c.where,
                      "line": answers.line_of(c.where)} for c in answers.commitments],
        responsibilities={system: raci.model_dump(mode="json") for system, raci in config.responsibilities.items()},
        people=[p.id for p in config.persons()])


def check(workspace, request) -> None:
    """A review date before the effective date or past the planning horizon, or a version already recorded, is
    refused."""
    answers = request.answers
    if answers.review_date < request.effective_date:
        raise InputError.single("review_date", answers.review_date.isoformat(),
                                f"is before the record's effective date {request.effective_date.isoformat()}: a "
                                "policy is reviewed after it takes effect")
    check_planned("review_date", answers.review_date, request.effective_date)
    earlier = {r["run_id"]: r for r in workspace.register.evidence_list(process=NAME) if r["status"] != "failed"}
    taken = [row for row in workspace.register.rows("ai_policies", version=answers.version) if row["run_id"] in earlier]
    if taken:
        raise InputError.single("version", answers.version, f"is the version of {taken[0]['run_id']} already: a new "
                                "policy record is a new version")


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One row per policy record."""
    return {"ai_policies": [{"version": results["version"], "title": results["title"],
                             "review_date": date.fromisoformat(results["review_date"])}]}


def headline(results: dict) -> str:
    """One line for the portfolio: the version and its review date."""
    return (f"version {results['version']}, review by {results['review_date']}"
            + (" (overdue)" if results["review_overdue"] else "")
            + f"; {len(results['commitments'])} commitment(s) located in the text")


def acceptance(workspace, results: dict) -> tuple[str, str]:
    """Every version of the AI policy is approved by top management (5.2)."""
    return APPROVER, f"the AI policy {results['version']} is approved by top management (5.2)"

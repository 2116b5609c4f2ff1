"""The assessment of one registered supplier (ISO/IEC 42001 A.10.3): questions on data and model
provenance, security and the supplier's own AI governance, each answered with the evidence seen;
the answers scored to a rating by the rule below (never typed), and the assessor's conclusion,
flagged when it does not follow from the rating."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from workbench.exceptions import InputError
from workbench.processes.supplier_assessment.suppliers import current
from workbench.validate import Slug, Strict, repeated_ids

ANSWERS = ("yes", "partly", "no", "unknown", "not applicable")
POINTS = {"yes": 0, "partly": 1, "no": 2, "unknown": 2}  # unknown counts as not shown; not applicable scores nothing
SUPPORTED = ("yes", "partly")  # answers that claim something, so cite the evidence that shows it
CONCLUSIONS = ("approve", "approve with conditions", "reject")
RATINGS = ("low", "medium", "high")
HIGH_SHARE, MEDIUM_SHARE = 0.5, 0.25  # share of the points possible at which the rating is high, medium
AREAS = ("Data and model provenance", "Security", "The supplier's AI governance")
# field: (area, question, critical: a critical question answered no or unknown makes the rating high)
QUESTIONS = {
    "data_provenance": (AREAS[0], "Does the supplier document where the data it supplies, or trained its model on, "
                                  "came from and on what terms (sources, licences, consent)?", True),
    "model_provenance": (AREAS[0], "Does the supplier document how its model was built, trained and evaluated, and "
                                   "its known limits (a model card, evaluation results)?", True),
    "change_notice": (AREAS[0], "Does the supplier give notice before it changes the model, the data or the "
                                "service?", False),
    "security": (AREAS[1], "Does the supplier protect what it delivers against tampering, poisoning and leaks, shown "
                           "by a certification or an independent test?", True),
    "incident_notice": (AREAS[1], "Does the supplier report incidents and vulnerabilities that affect the "
                                  "organisation within an agreed time?", False),
    "data_use": (AREAS[1], "Is the organisation's data kept out of the supplier's own training unless agreed?", False),
    "ai_policy": (AREAS[2], "Does the supplier have an AI policy and assess the risks and impacts of its AI?", False),
    "ai_management": (AREAS[2], "Does the supplier run an AI management system (certified to ISO/IEC 42001 or "
                                "assessed against it)?", False),
}
# what a supplier supplies makes a question apply: "not applicable" is refused for it
APPLIES = {"data_provenance": ("data", "model"), "model_provenance": ("model",)}


class Finding(Strict):
    """The answer to one question, and the evidence behind it."""

    answer: Literal[ANSWERS] = Field(description="yes, partly, no, unknown or not applicable")
    note: str = Field(default="", max_length=2000, description="what was found")
    evidence: list[Slug] = Field(default_factory=list, max_length=20,
                                 description="ids of the evidence entries that show it")

    @model_validator(mode="after")
    def _supported(self) -> "Finding":
        if self.answer in SUPPORTED and not self.evidence:
            raise ValueError(f"the answer {self.answer!r} needs the evidence that shows it: cite an evidence id, "
                             "or answer 'unknown'")
        if self.answer == "not applicable" and not self.note:
            raise ValueError("note: say why the question does not apply to this supplier")
        return self


class EvidenceSeen(Strict):
    """One piece of evidence the assessor saw: a certificate, an audit report, a contract clause."""

    id: Slug
    description: str = Field(min_length=1, max_length=500)
    dated: date = Field(description="the date of the document or of the check")


class SupplierAssessmentAnswers(Strict):
    """What the assessor found about one supplier, and what they conclude (unknown fields refused)."""

    data_provenance: Finding = Field(description=QUESTIONS["data_provenance"][1])
    model_provenance: Finding = Field(description=QUESTIONS["model_provenance"][1])
    change_notice: Finding = Field(description=QUESTIONS["change_notice"][1])
    security: Finding = Field(description=QUESTIONS["security"][1])
    incident_notice: Finding = Field(description=QUESTIONS["incident_notice"][1])
    data_use: Finding = Field(description=QUESTIONS["data_use"][1])
    ai_policy: Finding = Field(description=QUESTIONS["ai_policy"][1])
    ai_management: Finding = Field(description=QUESTIONS["ai_management"][1])
    evidence: list[EvidenceSeen] = Field(default_factory=list, max_length=50, description="the evidence seen")
    conclusion: Literal[CONCLUSIONS] = Field(description="approve, approve with conditions, or reject")
    conditions: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=20, description="the conditions of an approval with conditions")
    rationale: str = Field(min_length=1, max_length=5000, description="why this conclusion")

    @model_validator(mode="after")
    def _consistent(self) -> "SupplierAssessmentAnswers":
        ids = [e.id for e in self.evidence]
        twice = repeated_ids(ids)
        if twice:
            raise ValueError(f"evidence: the id {twice[0]!r} is used more than once")
        for question in QUESTIONS:
            unknown = [ref for ref in getattr(self, question).evidence if ref not in ids]
            if unknown:
                raise ValueError(f"{question}.evidence: cites {unknown[0]!r}, which is not among the evidence seen; "
                                 f"listed: {', '.join(ids) or 'none'}")
        if self.conclusion == "approve with conditions" and not self.conditions:
            raise ValueError("conditions: an approval with conditions states them")
        if self.conclusion != "approve with conditions" and self.conditions:
            raise ValueError(f"conditions: given with the conclusion {self.conclusion!r}; an approval that sets "
                             "conditions is 'approve with conditions'")
        return self


class QuestionResult(BaseModel):
    """One question as scored."""

    id: str
    area: str
    question: str
    critical: bool
    answer: str
    points: int | None = Field(description="0 (yes) to 2 (no, unknown); none when not applicable")
    note: str
    evidence: list[EvidenceSeen]


class SupplierAssessmentResults(BaseModel):
    """The rating the answers give, the conclusion, and what does not follow."""

    supplier: dict
    findings: list[QuestionResult]
    score: int = Field(description="points of the applicable questions (0 is best)")
    maximum: int = Field(description="the points possible: 2 per applicable question")
    rating: Literal[RATINGS]
    rating_reasons: list[str]
    conclusion: Literal[CONCLUSIONS]
    conditions: list[str]
    rationale: str
    concerns: list[str] = Field(description="what a reviewer should look at again")


def check(workspace, request) -> None:
    """Before anything runs: the supplier is in the supplier register, a question its supplies make
    apply is not answered 'not applicable', and no evidence is dated after the assessment."""
    row = current(workspace, request.system.id, request.item.id)
    answers: SupplierAssessmentAnswers = request.answers
    for question, kinds in APPLIES.items():
        supplied = sorted(set(kinds) & set(row["supplies"]))
        if getattr(answers, question).answer == "not applicable" and supplied:
            raise InputError.single(f"{question}.answer", "not applicable",
                                    f"applies to {row['name']}, which supplies {' and '.join(supplied)} "
                                    f"(supplier register, version {row['seq']}); answer yes, partly, no or unknown")
    for i, seen in enumerate(answers.evidence):
        if seen.dated > request.effective_date:
            raise InputError.single(f"evidence[{i}].dated", seen.dated.isoformat(),
                                    f"is after the assessment's effective date {request.effective_date.isoformat()}: "
                                    "an assessment cites only what existed when it was made")


def rate(findings: list[QuestionResult]) -> tuple[int, int, str, list[str]]:
    """The score, the points possible, the rating and its reasons: high when a critical question is
    answered no or unknown or the score reaches half the points possible; medium when a critical
    question is answered partly or the score reaches a quarter; low otherwise."""
    applicable = [f for f in findings if f.points is not None]
    score, maximum = sum(f.points for f in applicable), 2 * len(applicable)
    share = score / maximum if maximum else 0.0
    reasons = {"high": [f"{f.id} (critical) is {f.answer}" for f in applicable if f.critical and f.points == 2],
               "medium": [f"{f.id} (critical) is {f.answer}" for f in applicable if f.critical and f.points == 1]}
    if share >= HIGH_SHARE:
        reasons["high"].append(f"score {score} of {maximum} reaches half the points possible")
    elif share >= MEDIUM_SHARE:
        reasons["medium"].append(f"score {score} of {maximum} reaches a quarter of the points possible")
    rating = "high" if reasons["high"] else "medium" if reasons["medium"] else "low"
    return score, maximum, rating, reasons.get(rating, [f"score {score} of {maximum}, no critical gap"])


def assess(answers: SupplierAssessmentAnswers, workspace, request) -> SupplierAssessmentResults:
    """Score every answer, rate the supplier and weigh the conclusion against the rating."""
    row = current(workspace, request.system.id, request.item.id)
    seen = {e.id: e for e in answers.evidence}
    findings = []
    for question, (area, text, critical) in QUESTIONS.items():
        finding: Finding = getattr(answers, question)
        findings.append(QuestionResult(id=question, area=area, question=text, critical=critical,
                                       answer=finding.answer, points=POINTS.get(finding.answer), note=finding.note,
                                       evidence=[seen[ref] for ref in finding.evidence]))
    score, maximum, rating, reasons = rate(findings)
    concerns = []
    if answers.conclusion == "approve" and rating == "high":
        concerns.append(f"approved without conditions although rated high ({'; '.join(reasons)}): approve with "
                        "conditions that treat the gaps, or reject")
    ends = row["contract_ends"]
    if ends and ends < request.effective_date and answers.conclusion != "reject":
        concerns.append(f"the agreement ({row['contract']}) ended on {ends.isoformat()}: renew it, or end the supply")
    return SupplierAssessmentResults(
        supplier=row, findings=findings, score=score, maximum=maximum, rating=rating, rating_reasons=reasons,
        conclusion=answers.conclusion, conditions=answers.conditions, rationale=answers.rationale, concerns=concerns)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per assessment."""
    return {"supplier_assessments": [{"supplier_version": results["supplier"]["seq"], "score": results["score"],
                                      "rating": results["rating"], "conclusion": results["conclusion"],
                                      "concerns": results["concerns"]}]}


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    flagged = f"; {len(results['concerns'])} concern(s)" if results["concerns"] else ""
    return (f"rated {results['rating']} (score {results['score']} of {results['maximum']}); "
            f"{results['conclusion']}{flagged}")


def breaches(results: dict) -> list[str]:
    """Each concern, as a periodic review's nonconformity states it."""
    return [f"supplier {results['supplier']['name']}: {c}" for c in results["concerns"]]

"""The answers about one supplier of an AI system, and the verdict they give: five criteria rated
1 to 5, the due diligence seen, and when to look again."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from workbench.validate import Strict

CRITERIA = {
    "data_protection": "Data protection: personal data handled lawfully and kept confidential",
    "quality": "Quality: what is delivered is accurate, complete and fit for the system's purpose",
    "transparency": "Transparency: the data, models and their limits are documented",
    "security": "Security: protected against tampering, poisoning and leaks",
    "continuity": "Continuity: changes announced, support given, an exit plan agreed",
}
ACCEPTABLE = 3  # a criterion rated below this is a concern
Rating = Literal[1, 2, 3, 4, 5]


class VendorAnswers(Strict):
    """What the assessor found about one supplier of the AI system (unknown fields refused)."""

    supplies: Literal["data", "model", "platform", "service"] = Field(description="what kind of thing it delivers")
    scope: str = Field(min_length=1, max_length=2000, description="what it delivers to this AI system")
    data_protection: Rating = Field(description=CRITERIA["data_protection"])
    quality: Rating = Field(description=CRITERIA["quality"])
    transparency: Rating = Field(description=CRITERIA["transparency"])
    security: Rating = Field(description=CRITERIA["security"])
    continuity: Rating = Field(description=CRITERIA["continuity"])
    due_diligence: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        min_length=1, max_length=20, description="evidence seen: contract clauses, certificates, audit reports")
    next_review: date = Field(description="when the supplier is assessed again")


class VendorResults(BaseModel):
    """The ratings weighed: their mean, the concerns, and the verdict."""

    ratings: dict[str, int]
    mean: float
    concerns: list[str] = Field(description=f"the criteria rated below {ACCEPTABLE}")
    verdict: Literal["aligned", "aligned with conditions", "not aligned"]
    next_review: date


def assess(answers: VendorAnswers, workspace) -> VendorResults:
    """A criterion rated 1 means not aligned; any rated below ``ACCEPTABLE`` sets conditions."""
    ratings = {criterion: getattr(answers, criterion) for criterion in CRITERIA}
    concerns = [criterion for criterion, rating in ratings.items() if rating < ACCEPTABLE]
    verdict = "not aligned" if 1 in ratings.values() else "aligned with conditions" if concerns else "aligned"
    return VendorResults(ratings=ratings, mean=round(sum(ratings.values()) / len(ratings), 2),
                           concerns=concerns, verdict=verdict, next_review=answers.next_review)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per assessment."""
    return {"vendor_questionnaires": [{"verdict": results["verdict"], "mean_rating": results["mean"],
                                      "concerns": results["concerns"],
                                      "next_review": date.fromisoformat(results["next_review"])}]}


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    return f"{results['verdict']}; mean rating {results['mean']:.1f} of 5"


def breaches(results: dict) -> list[str]:
    """A supplier that is not aligned is a nonconformity when the periodic review finds it."""
    failed = [c for c, rating in results["ratings"].items() if rating == 1]
    return [f"supplier not aligned: {', '.join(failed)} rated 1"] if failed else []

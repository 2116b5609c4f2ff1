"""The AI risk assessment (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3): answers, scoring and results."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.processes.risk_assessment.settings import RiskCriteria, RiskLevel
from workbench.content import ContentPack, load_content
from workbench.validate import Strict, known_person, repeated_ids

TREATMENTS = ("avoid", "mitigate", "share", "accept")
OTHER_SOURCE = "other"


def _not_a_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a whole number from 1 to 5, not true or false")
    return value


def _check_level(value: int) -> int:
    if not 1 <= value <= 5:
        raise ValueError("must be a level from 1 to 5 on the workspace's scale")
    return value


Level = Annotated[int, BeforeValidator(_not_a_bool), AfterValidator(_check_level),
                  Field(json_schema_extra={"minimum": 1, "maximum": 5}, description="a level from 1 to 5")]
_CONTROL_ITEMS = {"items": {"enum": load_content().control_ids()}}


def _content(info: ValidationInfo) -> ContentPack:
    return (info.context or {}).get("content") or load_content()


class Risk(Strict):
    """One identified AI risk, rated before and after treatment."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$", description="short id, e.g. R1")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=10_000)
    risk_source: str = Field(description="an Annex C risk source ID (C.3.x), or 'other'")
    objectives: list[str] = Field(default_factory=list, description="Annex C AI objectives at stake (C.2.x)")
    affected_parties: list[str] = Field(min_length=1, max_length=50)
    inherent_likelihood: Level
    inherent_impact: Level
    existing_controls: list[str] = Field(default_factory=list, description="Annex A control IDs in place",
                                         json_schema_extra=_CONTROL_ITEMS)
    planned_controls: list[str] = Field(default_factory=list, description="Annex A control IDs to implement",
                                        json_schema_extra=_CONTROL_ITEMS)
    treatment: Literal[TREATMENTS]  # type: ignore[valid-type]
    residual_likelihood: Level
    residual_impact: Level
    owner: str = Field(min_length=1, max_length=64, description="person id of the risk owner")
    due_date: date = Field(description="treatment due date, or next review date for an accepted risk")
    rationale: str = Field(default="", max_length=10_000, description="why this treatment and residual rating")

    @field_validator("risk_source")
    @classmethod
    def _known_source(cls, value: str, info: ValidationInfo) -> str:
        ids = [s.id for s in _content(info).risk_sources]
        if value != OTHER_SOURCE and value not in ids:
            raise ValueError(f"unknown risk source; allowed: {', '.join(ids)}, {OTHER_SOURCE}")
        return value

    @field_validator("objectives")
    @classmethod
    def _known_objectives(cls, value: list[str], info: ValidationInfo) -> list[str]:
        ids = [o.id for o in _content(info).objectives]
        for item in value:
            if item not in ids:
                raise ValueError(f"unknown AI objective {item!r}; allowed: {', '.join(ids)}")
        return value

    @field_validator("existing_controls", "planned_controls")
    @classmethod
    def _known_controls(cls, value: list[str], info: ValidationInfo) -> list[str]:
        ids = _content(info).control_ids()
        for item in value:
            if item not in ids:
                raise ValueError(f"unknown Annex A control {item!r}; allowed: {ids[0]} to {ids[-1]}, "
                                 "for example A.6.2.4 ('workbench schema risk-assessment' lists them)")
        if len(set(value)) != len(value):
            raise ValueError("lists a control more than once")
        return value

    @field_validator("affected_parties")
    @classmethod
    def _parties(cls, value: list[str]) -> list[str]:
        if any(not p.strip() or len(p) > 200 for p in value):
            raise ValueError("each party must be 1 to 200 characters")
        return [p.strip() for p in value]

    _owner_known = field_validator("owner")(known_person)

    @model_validator(mode="after")
    def _residual_not_above_inherent(self) -> "Risk":
        rl, ri, il, ii = self.residual_likelihood, self.residual_impact, self.inherent_likelihood, self.inherent_impact
        if rl * ri > il * ii:
            raise ValueError(f"residual rating {rl} x {ri} = {rl * ri} may not exceed the inherent rating "
                             f"{il} x {ii} = {il * ii} (likelihood x impact)")
        return self


class RiskAssessmentAnswers(Strict):
    """What an assessor records for one AI system: the scope and the risks."""

    model_config = ConfigDict(json_schema_extra={"title": "AI risk assessment answers"})

    scope: str = Field(min_length=1, max_length=10_000, description="what this assessment covers")
    risks: list[Risk] = Field(min_length=1, max_length=500)

    @field_validator("risks")
    @classmethod
    def _unique_ids(cls, value: list[Risk]) -> list[Risk]:
        ids = [r.id for r in value]
        dupes = repeated_ids(ids)
        if dupes:
            raise ValueError(f"risk ids must be unique; repeated: {', '.join(dupes)}")
        return value


class AssessedRisk(BaseModel):
    """A risk with its computed inherent and residual levels."""

    risk: Risk
    inherent: RiskLevel
    residual: RiskLevel
    above_appetite: bool


class RiskAssessmentResults(BaseModel):
    """Every computed result of a risk assessment."""

    risks: list[AssessedRisk]
    inherent_by_band: dict[str, int]
    residual_by_band: dict[str, int]
    above_appetite: list[str]
    appetite: str
    controls: dict[str, list[str]] = Field(description="Annex A control ID -> risk ids that cite it")


def assess(answers: RiskAssessmentAnswers, criteria: RiskCriteria) -> RiskAssessmentResults:
    """Rate every risk against the criteria and summarise the assessment."""
    assessed = []
    for risk in answers.risks:
        residual = criteria.level(risk.residual_likelihood, risk.residual_impact)
        assessed.append(AssessedRisk(
            risk=risk,
            inherent=criteria.level(risk.inherent_likelihood, risk.inherent_impact),
            residual=residual,
            above_appetite=criteria.above_appetite(residual.band),
        ))
    bands = criteria.band_names()
    inherent = Counter(a.inherent.band for a in assessed)
    residual = Counter(a.residual.band for a in assessed)
    controls: dict[str, list[str]] = {}
    for risk in answers.risks:
        for control in risk.existing_controls + risk.planned_controls:
            controls.setdefault(control, []).append(risk.id)
    order = {c: i for i, c in enumerate(load_content().control_ids())}
    return RiskAssessmentResults(
        risks=assessed,
        inherent_by_band={b: inherent.get(b, 0) for b in bands},
        residual_by_band={b: residual.get(b, 0) for b in bands},
        above_appetite=[a.risk.id for a in assessed if a.above_appetite],
        appetite=criteria.appetite,
        controls=dict(sorted(controls.items(), key=lambda kv: order.get(kv[0], len(order)))),
    )



def assess_in(answers: RiskAssessmentAnswers, workspace) -> RiskAssessmentResults:
    return assess(answers, workspace.config.risk_criteria)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per assessed risk."""
    rows = []
    for a in results["risks"]:
        r = a["risk"]
        rows.append({"risk_id": r["id"], "title": r["title"], "risk_source": r["risk_source"],
                     "inherent_score": a["inherent"]["score"], "inherent_band": a["inherent"]["band"],
                     "residual_score": a["residual"]["score"], "residual_band": a["residual"]["band"],
                     "treatment": r["treatment"], "owner": r["owner"],
                     "due_date": date.fromisoformat(r["due_date"]),
                     "above_appetite": a["above_appetite"],
                     "controls": r["existing_controls"] + r["planned_controls"]})
    return {"risks": rows}


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel: how many risks, how many above appetite."""
    above = results["above_appetite"]
    return (f"{len(results['risks'])} risks; "
            + (f"{len(above)} above appetite ({', '.join(above)})" if above else "none above appetite"))


def acceptance(workspace, results: dict) -> tuple[str, str] | None:
    """Residual risks above appetite are approved only by the configured acceptance role."""
    above = results.get("above_appetite") or []
    if not above:
        return None
    criteria = workspace.config.risk_criteria
    return criteria.acceptance_role, (f"risk acceptance: residual risks {', '.join(above)} are above the "
                                      f"appetite ({criteria.appetite})")


def portfolio_charts(workspace, latest: list[dict]) -> list[str]:
    """Residual risks by band across the latest risk assessments."""
    from workbench.ui.svg import bars

    criteria = workspace.config.risk_criteria
    runs = {r["run_id"] for r in latest}
    residual = Counter(r["residual_band"] for r in workspace.register.rows("risks") if r["run_id"] in runs)
    names = criteria.band_names()
    return [bars("Residual risks by band", names, [residual.get(b, 0) for b in names],
                 [criteria.band(b).colour for b in names])]

"""The AI risk assessment (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3): answers, scoring and results."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.processes.risk_assessment.settings import RiskCriteria, RiskLevel
from workbench.content import ContentPack, load_content
from workbench.validate import Strict, check_planned, known_person, repeated_ids

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


def content_of(info: ValidationInfo) -> ContentPack:
    """The content pack of the validation context, else the shipped one."""
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
        ids = [s.id for s in content_of(info).risk_sources]
        if value != OTHER_SOURCE and value not in ids:
            raise ValueError(f"unknown risk source; allowed: {', '.join(ids)}, {OTHER_SOURCE}")
        return value

    @field_validator("objectives")
    @classmethod
    def _known_objectives(cls, value: list[str], info: ValidationInfo) -> list[str]:
        ids = [o.id for o in content_of(info).objectives]
        for item in value:
            if item not in ids:
                raise ValueError(f"unknown AI objective {item!r}; allowed: {', '.join(ids)}")
        return value

    @field_validator("existing_controls", "planned_controls")
    @classmethod
    def _known_controls(cls, value: list[str], info: ValidationInfo) -> list[str]:
        ids = content_of(info).control_ids()
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
    """A risk with its computed inherent and residual levels; the residual level is a forecast until the
    risk's treatment is verified effective (``residual_basis``, with who verified it, when, on what evidence)."""

    risk: Risk
    inherent: RiskLevel
    residual: RiskLevel
    above_appetite: bool
    residual_basis: Literal["forecast", "verified"] = "forecast"
    verified_by: str = ""
    verified_on: date | None = None
    verified_evidence: list[str] = Field(default_factory=list)


class ProposedRisk(BaseModel):
    """A fairness risk an impact assessment proposed for the system's risk assessment."""

    impact_run: str
    risk_id: str
    title: str


class RiskAssessmentResults(BaseModel):
    """Every computed result of a risk assessment."""

    risks: list[AssessedRisk]
    inherent_by_band: dict[str, int]
    residual_by_band: dict[str, int]
    above_appetite: list[str]
    appetite: str
    controls: dict[str, list[str]] = Field(description="Annex A control ID -> risk ids that cite it")
    proposals_from: str = Field(default="", description="the system's latest impact assessment effective by this "
                                                        "assessment's date, whose proposed risks were looked for")
    not_carried: list[ProposedRisk] = Field(default_factory=list, description="fairness risks the system's latest "
                                            "impact assessment proposed that this assessment does not carry")


def assess(answers: RiskAssessmentAnswers, criteria: RiskCriteria, verified: dict[str, dict] | None = None,
           proposals: tuple[str, list[ProposedRisk]] = ("", [])) -> RiskAssessmentResults:
    """Rate every risk against the criteria and summarise the assessment.

    ``verified``: the last treatment update, by risk id, of the risks whose treatment is verified
    effective (their residual level is verified; the others' a forecast); ``proposals``: the impact
    assessment read for proposed risks, and the fairness risks it proposed that the answers leave out.
    """
    verified = verified or {}
    assessed = []
    for risk in answers.risks:
        residual = criteria.level(risk.residual_likelihood, risk.residual_impact)
        check = verified.get(risk.id)
        assessed.append(AssessedRisk(
            risk=risk,
            inherent=criteria.level(risk.inherent_likelihood, risk.inherent_impact),
            residual=residual,
            above_appetite=criteria.above_appetite(residual.band),
            **({"residual_basis": "verified", "verified_by": check["updated_by"],
                "verified_on": check["updated_at"].date(), "verified_evidence": check["effectiveness_evidence"]}
               if check else {}),
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
        proposals_from=proposals[0],
        not_carried=list(proposals[1]),
    )


def assess_in(answers: RiskAssessmentAnswers, workspace, request) -> RiskAssessmentResults:
    """Assess the answers for the request's system: a residual level is verified when the risk's treatment
    was verified effective by the effective date; fairness risks its impact assessment proposed are carried."""
    from workbench.processes.risk_assessment.treatment import verified_states

    on = request.effective_date
    verified = {risk_id: row for risk_id, row in verified_states(workspace, request.system.id).items()
                if row["updated_at"].date() <= on}
    return assess(answers, workspace.config.risk_criteria, verified,
                  proposals_not_carried(workspace, request.system.id,
                                        [{"id": r.id, "title": r.title} for r in answers.risks], on))


def carries(risks: list[dict], proposed: dict) -> bool:
    """Whether a risk assessment's risks carry a proposed risk: one has its id or its title (in any case)."""
    title = proposed["title"].strip().casefold()
    return any(r["id"] == proposed["id"] or r["title"].strip().casefold() == title for r in risks)


def proposals_not_carried(workspace, system_id: str, risks: list[dict],
                          on: date | None = None) -> tuple[str, list[ProposedRisk]]:
    """The system's latest impact assessment (effective by ``on``; ``""`` if none), and the fairness risks it
    proposed that ``risks`` (each a dict with the risk's id and title) do not carry."""
    from workbench.pipeline.run import read_record

    for evidence in workspace.register.evidence_list(system_id, "impact-assessment"):  # newest first
        if evidence["status"] == "failed" or (on is not None and evidence["effective_date"] > on):
            continue
        proposed = read_record(workspace, evidence)["results"].get("proposed_risks") or []
        return evidence["run_id"], [ProposedRisk(impact_run=evidence["run_id"], risk_id=p["id"], title=p["title"])
                                    for p in proposed if not carries(risks, p)]
    return "", []


def check(workspace, request) -> None:
    """Before anything runs: no risk is due (or reviewed again) past the planning horizon of the assessment's
    day, where its treatment could never be flagged overdue."""
    for i, risk in enumerate(request.answers.risks):
        check_planned(f"risks[{i}].due_date", risk.due_date, request.effective_date)


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
    from workbench.processes.risk_assessment.treatment import treatments

    basis = Counter((t["residual_basis"], t["above_appetite"]) for t in treatments(workspace))
    kinds = [("verified", False, "verified", "#2e7d32"), ("forecast", False, "forecast", "#757575"),
             ("verified", True, "verified, over", "#ef6c00"), ("forecast", True, "forecast, over", "#c62828")]
    return [bars("Residual risks by band", names, [residual.get(b, 0) for b in names],
                 [criteria.band(b).colour for b in names]),
            bars("Residual: verified or forecast (over appetite)", [k[2] for k in kinds],
                 [basis.get(k[:2], 0) for k in kinds], [k[3] for k in kinds])]

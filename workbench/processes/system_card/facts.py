"""What a system card assembles from the register: the system's latest records of the processes it
is made from, each fact with the run and date it comes from, flagged stale when older than the
system's review interval on the card's effective date."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from workbench.pipeline.run import read_record
from workbench.scheduling.cadence import add_months

RISK, IMPACT, QUALITY, EXPLAIN = "risk-assessment", "impact-assessment", "data-quality", "explainability"
INPUTS = (RISK, IMPACT, QUALITY, EXPLAIN)


class Source(BaseModel):
    """One record a card's facts come from."""

    process: str
    item_id: str = ""
    run_id: str
    effective_date: date
    status: str
    stale: bool


class Figure(BaseModel):
    """One measured figure, with the record it was measured in."""

    measure: str
    subject: str
    value: float
    threshold: float | None = None
    breach: bool = False
    run_id: str
    measured_on: date
    stale: bool


class Impact(BaseModel):
    """The impact level and the EU AI Act category of the latest impact assessment."""

    level: str
    category: str
    category_title: str
    fria_required: bool
    run_id: str
    assessed_on: date
    stale: bool


class CardDataset(BaseModel):
    """A dataset the system was built on, as the register holds it, and its latest quality measurement."""

    dataset_id: str
    name: str
    version: int
    role: str
    source: str
    supplier: str
    licence: str
    personal_data: list[str]
    owner: str
    location: str
    quality: Source | None
    quality_breaches: int | None


class ResidualRisk(BaseModel):
    """A residual risk above appetite in the latest risk assessment, and its treatment."""

    risk_id: str
    title: str
    residual_band: str
    treatment: str
    controls: list[str]
    owner: str
    due_date: date
    rationale: str
    run_id: str
    assessed_on: date
    stale: bool


class Explanation(BaseModel):
    """What a model version of the system depends on most, in words, from its latest explainability record."""

    model_id: str
    model_name: str
    top_features: list[str]
    run_id: str
    measured_on: date
    stale: bool


class Facts(BaseModel):
    """Everything a card takes from the register, as of its effective date."""

    interval_months: int
    sources: list[Source]
    missing: list[str]
    impact: Impact | None
    performance: list[Figure]
    fairness: list[Figure]
    datasets: list[CardDataset]
    appetite: str
    residual_risks: list[ResidualRisk]
    explanations: list[Explanation] = []


def stale(measured: date, on: date, months: int) -> bool:
    """Whether something dated ``measured`` is older than ``months`` on the day ``on``."""
    return add_months(measured, months) < on


def assemble(workspace, system, on: date) -> Facts:
    """The facts of ``system``'s card on the day ``on``, from the latest records a person stands behind."""
    from workbench.processes.data_quality.datasets import datasets
    from workbench.processes.explainability.assessment import top_features_in_words

    months = workspace.config.review.interval_months[system.tier]
    register = workspace.register

    def source(process: str, item_id: str = "") -> tuple[Source, dict] | None:
        found = register.latest_evidence(system.id, process, item_id, assessed=True)
        if found is None:
            return None
        return (Source(process=process, item_id=item_id, run_id=found["run_id"], status=found["status"],
                       effective_date=found["effective_date"], stale=stale(found["effective_date"], on, months)),
                read_record(workspace, found)["results"])

    sources, missing = [], []
    risk, impact = source(RISK), source(IMPACT)
    for name, found in ((RISK, risk), (IMPACT, impact)):
        (sources.append(found[0]) if found else missing.append(name))
    cards = []
    for d in datasets(workspace, system.id):
        quality = source(QUALITY, d["dataset_id"])
        if quality:
            sources.append(quality[0])
        else:
            missing.append(f"{QUALITY} of {d['dataset_id']}")
        cards.append(CardDataset(
            dataset_id=d["dataset_id"], name=d["name"], version=d["seq"], role=d["role"], source=d["source"],
            supplier=d["supplier"], licence=d["licence"], personal_data=d["personal_data"], owner=d["owner"],
            location=d["location"], quality=quality[0] if quality else None,
            quality_breaches=sum(f["breach"] for f in quality[1]["measurement"]["figures"]) if quality else None))
    explanations = []
    for model in register.items(system.id, "model"):
        explained = source(EXPLAIN, model.id)
        if explained is None:
            missing.append(f"{EXPLAIN} of {model.id}")
            continue
        s, results = explained
        sources.append(s)
        explanations.append(Explanation(model_id=model.id, model_name=model.name, run_id=s.run_id,
                                        measured_on=s.effective_date, stale=s.stale,
                                        top_features=top_features_in_words(results)))
    performance, fairness = _figures(impact) if impact else ([], [])
    return Facts(interval_months=months, sources=sources, missing=missing,
                 impact=_impact(impact) if impact else None, performance=performance, fairness=fairness,
                 datasets=cards, appetite=risk[1]["appetite"] if risk else workspace.config.risk_criteria.appetite,
                 residual_risks=_residual(risk) if risk else [], explanations=explanations)


def _impact(found: tuple[Source, dict]) -> Impact:
    s, results = found
    c = results["classification"]
    return Impact(level=results["score"]["level"], category=c["category"], category_title=c["title"],
                  fria_required=c["fria_required"], run_id=s.run_id, assessed_on=s.effective_date, stale=s.stale)


def _figures(found: tuple[Source, dict]) -> tuple[list[Figure], list[Figure]]:
    """Accuracy overall and per group, and every disparity against its threshold, as measured."""
    s, results = found
    fairness = results.get("fairness")
    if not fairness:
        return [], []
    at = {"run_id": s.run_id, "measured_on": s.effective_date, "stale": s.stale}
    first = fairness["attributes"][0]["groups"]
    overall = sum(g["accuracy"] * g["count"] for g in first) / sum(g["count"] for g in first)
    performance = [Figure(measure="accuracy", subject=f"all {fairness['rows']:,} predictions", value=round(overall, 4),
                          **at)]
    performance += [Figure(measure="accuracy", subject=f"{a['attribute']} = {g['group']}", value=g["accuracy"], **at)
                    for a in fairness["attributes"] for g in a["groups"]]
    disparities = [Figure(measure=d["title"], subject=a["attribute"], value=d["value"], threshold=d["threshold"],
                          breach=d["breach"], **at) for a in fairness["attributes"] for d in a["disparities"]]
    return performance, disparities


def _residual(found: tuple[Source, dict]) -> list[ResidualRisk]:
    s, results = found
    return [ResidualRisk(risk_id=a["risk"]["id"], title=a["risk"]["title"], residual_band=a["residual"]["band"],
                         treatment=a["risk"]["treatment"],
                         controls=a["risk"]["existing_controls"] + a["risk"]["planned_controls"],
                         owner=a["risk"]["owner"], due_date=a["risk"]["due_date"], rationale=a["risk"]["rationale"],
                         run_id=s.run_id, assessed_on=s.effective_date, stale=s.stale)
            for a in results["risks"] if a["above_appetite"]]

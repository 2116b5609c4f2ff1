"""The release record of one model version (ISO/IEC 42001 A.6.2.2 to A.6.2.5, A.6.2.8): its requirements,
design choices, training data from the dataset register, verification and validation against acceptance
criteria (met or not is computed here, never typed), deployment and the event logs kept; and the rules of
its release approval, a sign-off of the record."""

from __future__ import annotations

import operator
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from workbench.exceptions import InputError
from workbench.validate import Slug, Strict, known_person

KIND = "model"  # the item kind of a model version, as the explainability assessment takes it
EVENT = "new-model-version"
OPERATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
RequirementId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")]
MetricName = Annotated[str, Field(pattern=r"^[^\x00-\x1f]{1,100}$")]


class Requirement(Strict):
    """One requirement the model version is to meet (A.6.2.2)."""

    id: RequirementId = Field(description="a short id the acceptance criteria cite, e.g. REQ-1")
    statement: str = Field(min_length=1, max_length=2000, description="what is required")
    source: str = Field(default="", max_length=300, description="where it comes from: a stakeholder, a regulation, "
                                                                "a risk treatment")


class DesignChoice(Strict):
    """One design or development decision and why it was taken (A.6.2.3)."""

    choice: str = Field(min_length=1, max_length=2000, description="what was decided")
    rationale: str = Field(min_length=1, max_length=2000, description="why, against the objectives and requirements")


class Metric(Strict):
    """One figure measured when verifying and validating the model version."""

    name: MetricName = Field(description="the metric, e.g. roc_auc")
    value: float = Field(allow_inf_nan=False, description="the value measured")
    dataset: Slug | Literal[""] = Field(default="", description="id of the system's registered dataset it was "
                                                                "measured on")


class Criterion(Strict):
    """An acceptance criterion: a metric, how it compares, and its threshold."""

    metric: MetricName = Field(description="one of the metrics measured")
    operator: Literal[tuple(OPERATORS)] = Field(description="how the value compares with the threshold")  # type: ignore[valid-type]
    threshold: float = Field(allow_inf_nan=False)
    requirement: RequirementId | Literal[""] = Field(default="", description="id of the requirement it verifies")


class Verification(Strict):
    """Verification and validation (A.6.2.4): who checked, when, how, the figures and the acceptance criteria."""

    checked_by: str = Field(min_length=1, max_length=64, description="person id of who checked the results")
    checked_on: date = Field(description="when the verification and validation were done")
    method: str = Field(min_length=1, max_length=2000, description="how: the test set, the procedure, the tools")
    metrics: list[Metric] = Field(min_length=1, max_length=100)
    criteria: list[Criterion] = Field(min_length=1, max_length=100)

    _checked_by = field_validator("checked_by")(known_person)

    @field_validator("metrics")
    @classmethod
    def _named_once(cls, value: list[Metric]) -> list[Metric]:
        names = [m.name for m in value]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"each metric is measured once; named more than once: {', '.join(twice)}")
        return value

    @field_validator("criteria")
    @classmethod
    def _measured(cls, value: list[Criterion], info: ValidationInfo) -> list[Criterion]:
        measured = [m.name for m in info.data.get("metrics", [])]
        for i, c in enumerate(value):
            if measured and c.metric not in measured:
                raise ValueError(f"criteria[{i}]: metric {c.metric!r} is not measured; measured: {', '.join(measured)}")
        return value


class EventLog(Strict):
    """An event log kept of the model version in use (A.6.2.8)."""

    what: str = Field(min_length=1, max_length=500, description="what is logged: inputs, outputs, overrides, ...")
    where: str = Field(min_length=1, max_length=500, description="where the log is kept")
    retention_months: int = Field(ge=1, le=1200, description="how many months it is kept")


class ModelReleaseAnswers(Strict):
    """The lifecycle record of one model version, from its requirements to its deployment (unknown fields refused)."""

    version: str = Field(min_length=1, max_length=50, description="the version's label, e.g. 4.2.0")
    replaces: Slug | Literal[""] = Field(default="", description="id of the system's model version it replaces")
    requirements: list[Requirement] = Field(min_length=1, max_length=100)
    design_choices: list[DesignChoice] = Field(min_length=1, max_length=50)
    training_data: list[Slug] = Field(default_factory=list, max_length=20,
                                      description="ids of the system's registered datasets it was trained on")
    verification: Verification
    deployment_plan: str = Field(min_length=1, max_length=2000, description="how it is rolled out and rolled back")
    deployed_on: date | None = Field(default=None, description="when it went into use; empty: not deployed")
    event_logs: list[EventLog] = Field(min_length=1, max_length=20)

    @field_validator("requirements")
    @classmethod
    def _ids_once(cls, value: list[Requirement]) -> list[Requirement]:
        ids = [r.id for r in value]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"each requirement id is used once; used more than once: {', '.join(twice)}")
        return value

    @field_validator("verification")
    @classmethod
    def _traced(cls, value: Verification, info: ValidationInfo) -> Verification:
        ids = [r.id for r in info.data.get("requirements", [])]
        for i, c in enumerate(value.criteria):
            if ids and c.requirement and c.requirement not in ids:
                raise ValueError(f"criteria[{i}]: requirement {c.requirement!r} is not one of the requirements: "
                                 f"{', '.join(ids)}")
        return value

    @field_validator("deployed_on")
    @classmethod
    def _after_verification(cls, value: date | None, info: ValidationInfo) -> date | None:
        checked = info.data.get("verification")
        if value is not None and checked is not None and value < checked.checked_on:
            raise ValueError(f"the deployment ({value.isoformat()}) is before the verification and validation "
                             f"({checked.checked_on.isoformat()}): a version is deployed once verified")
        return value


class CriterionResult(BaseModel):
    """An acceptance criterion with the value measured and whether it is met (computed)."""

    metric: str
    operator: str
    threshold: float
    value: float
    met: bool
    requirement: str


class TrainingData(BaseModel):
    """A registered dataset the version was trained on, as the register holds it now."""

    dataset_id: str
    name: str
    role: str
    version: int
    sha256: str
    location: str


class LogResult(BaseModel):
    """An event log kept, and whether its retention falls short of the minimum."""

    what: str
    where: str
    retention_months: int
    short: bool


class ModelReleaseResults(BaseModel):
    """The version's verification outcome, its cited training data and what the evidence flags."""

    model_id: str
    model_name: str
    version: str
    replaces: str
    training_data: list[TrainingData]
    criteria: list[CriterionResult]
    unmet: list[str]
    verified: bool
    checked_by: str
    checked_on: date
    deployed_on: date | None
    untraced: list[str]
    logs: list[LogResult]
    min_log_retention_months: int
    approval_role: str
    flags: list[str]


def check(workspace, request) -> None:
    """Before anything runs: the datasets and the version it replaces are registered, and nothing is dated
    after the record's effective date."""
    training_data(workspace, request)
    a: ModelReleaseAnswers = request.answers
    known = {d["dataset_id"] for d in _datasets(workspace, request.system.id)}
    for i, m in enumerate(a.verification.metrics):
        if m.dataset and m.dataset not in known:
            raise InputError.single(f"verification.metrics[{i}].dataset", m.dataset, _unregistered(request, known))
    if a.replaces:
        models = [i.id for i in workspace.register.items(request.system.id, KIND) if i.id != request.item_id]
        if a.replaces not in models:
            raise InputError.single("replaces", a.replaces, f"is not another model version of {request.system.id}; "
                                    f"registered: {', '.join(models) or 'none'}")
    for field, day in (("verification.checked_on", a.verification.checked_on), ("deployed_on", a.deployed_on)):
        if day is not None and day > request.effective_date:
            raise InputError.single(field, day.isoformat(), f"is after the record's effective date "
                                    f"{request.effective_date.isoformat()}: a record states what has happened "
                                    "(a planned deployment goes in deployment_plan)")


def _datasets(workspace, system_id: str) -> list[dict]:
    from workbench.processes.data_quality.datasets import datasets

    return datasets(workspace, system_id)


def _unregistered(request, known: set[str]) -> str:
    return (f"is not a registered dataset of {request.system.id}; registered: {', '.join(sorted(known)) or 'none yet'}"
            " ('workbench dataset add' registers one)")


def training_data(workspace, request) -> list[TrainingData]:
    """The registered datasets the answers cite as training data, with their current version and SHA-256."""
    current = {d["dataset_id"]: d for d in _datasets(workspace, request.system.id)}
    cited = []
    for i, dataset_id in enumerate(request.answers.training_data):
        if dataset_id not in current:
            raise InputError.single(f"training_data[{i}]", dataset_id, _unregistered(request, set(current)))
        d = current[dataset_id]
        cited.append(TrainingData(dataset_id=dataset_id, name=d["name"], role=d["role"], version=d["seq"],
                                  sha256=d["sha256"], location=d["location"]))
    return cited


def evaluate(criteria: list[Criterion], metrics: list[Metric]) -> list[CriterionResult]:
    """Each acceptance criterion against the value measured: met when ``value operator threshold`` holds."""
    values = {m.name: m.value for m in metrics}
    return [CriterionResult(metric=c.metric, operator=c.operator, threshold=c.threshold, value=values[c.metric],
                            met=OPERATORS[c.operator](values[c.metric], c.threshold), requirement=c.requirement)
            for c in criteria]


def describe(c: CriterionResult | dict) -> str:
    """A criterion and its outcome in words: ``roc_auc >= 0.75 not met (measured 0.71)``."""
    c = c if isinstance(c, dict) else c.model_dump()
    return f"{c['metric']} {c['operator']} {c['threshold']:g} {'met' if c['met'] else 'not met'} (measured {c['value']:g})"


def assess(answers: ModelReleaseAnswers, workspace, request) -> ModelReleaseResults:
    """Compute whether each acceptance criterion is met, cite the training data, and flag what falls short."""
    settings = workspace.config.model_release
    criteria = evaluate(answers.verification.criteria, answers.verification.metrics)
    unmet = [describe(c) for c in criteria if not c.met]
    traced = {c.requirement for c in criteria if c.requirement}
    untraced = [r.id for r in answers.requirements if r.id not in traced]
    logs = [LogResult(**log.model_dump(), short=log.retention_months < settings.min_log_retention_months)
            for log in answers.event_logs]
    cited = training_data(workspace, request)
    flags = [f"acceptance criterion {c}" for c in unmet]
    if unmet and answers.deployed_on:
        flags.append(f"deployed on {answers.deployed_on.isoformat()} although {len(unmet)} acceptance criterion(s) "
                     "are not met")
    flags += [f"requirement {r} is verified by no acceptance criterion" for r in untraced]
    flags += [f"event log '{log.what}' is kept {log.retention_months} month(s), less than the minimum of "
              f"{settings.min_log_retention_months}" for log in logs if log.short]
    if not cited:
        flags.append("no training data is cited from the dataset register")
    return ModelReleaseResults(
        model_id=request.item.id, model_name=request.item.name, version=answers.version, replaces=answers.replaces,
        training_data=cited, criteria=criteria, unmet=unmet, verified=not unmet,
        checked_by=answers.verification.checked_by, checked_on=answers.verification.checked_on,
        deployed_on=answers.deployed_on, untraced=untraced, logs=logs,
        min_log_retention_months=settings.min_log_retention_months, approval_role=settings.approval_role,
        flags=flags)


def acceptance(workspace, results: dict) -> tuple[str, str]:
    """Every release record is approved only by the configured approval role: its approval is the release."""
    return (workspace.config.model_release.approval_role,
            f"release approval: approving this record releases model version {results['model_id']} "
            f"({results['version']})")


def approval(workspace, results: dict, person: str) -> str | None:
    """Why ``person`` may not approve the release, whatever their roles: an acceptance criterion not met, or
    they checked the verification and validation themselves; ``None`` when nothing stands in the way."""
    if results["unmet"]:
        return (f"release refused: acceptance criterion {'; '.join(results['unmet'])}; a version is released only "
                "when every criterion is met (it may be rejected)")
    if person == results["checked_by"]:
        return (f"segregation of duties: {person} checked the verification and validation of model version "
                f"{results['model_id']}; someone else approves its release")
    return None


def archived(workspace, evidence, results: dict) -> None:
    """The first record of a version's deployment records the system's ``new-model-version`` event on the
    day it went into use, which makes the system's reviews due; a later record of the same version does not."""
    if not results["deployed_on"] or EVENT not in workspace.config.review.triggers:
        return
    entry = evidence.ledger_entry
    earlier = [r for r in workspace.register.rows("model_releases", system_id=entry["system_id"],
                                                  item_id=entry["item_id"])
               if r["run_id"] != evidence.run_id and r["deployed_on"] is not None]
    if earlier:
        return
    workspace.add_event(entry["system_id"], EVENT, results["deployed_on"],
                        note=f"model version {results['model_id']} ({results['version']}) deployed; "
                             f"release record {evidence.run_id}"[:5000],
                        person=entry["assessor"])


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per release record: the verification outcome and the deployment."""
    return {"model_releases": [{
        "version": results["version"], "criteria": len(results["criteria"]), "unmet": len(results["unmet"]),
        "verified": results["verified"], "checked_by": results["checked_by"], "checked_on": results["checked_on"],
        "deployed_on": results["deployed_on"], "training_data": [d["dataset_id"] for d in results["training_data"]],
        "flags": len(results["flags"])}]}


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    met = sum(c["met"] for c in results["criteria"])
    line = f"version {results['version']}: {met} of {len(results['criteria'])} acceptance criteria met"
    line += f", deployed {results['deployed_on']}" if results["deployed_on"] else ", not deployed"
    return line + (f"; {len(results['flags'])} flag(s)" if results["flags"] else "")

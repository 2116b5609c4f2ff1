"""Monitoring of an AI system in production (ISO/IEC 42001 9.1, A.6.2.6): a period's prediction log
measured for performance, fairness per group and drift against the reference dataset, each figure
against its threshold and beside the same figure in the system's earlier periods."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel

from workbench.processes.impact_assessment.fairness import FairnessResults
from workbench.processes.monitoring.answers import MonitoringAnswers
from workbench.processes.monitoring.drift import Drift, categorical_drift, numeric_drift
from workbench.processes.monitoring.log import load_log, load_reference, numeric_features
from workbench.processes.monitoring.measure import METRIC_TITLES, METRICS, group_fairness, performance
from workbench.processes.risk_assessment.assessment import Risk

NAME = "monitoring"
CONTROLS = ("A.6.2.6",)


class Figure(BaseModel):
    """One headline figure of a period against its threshold; ``key`` names it across periods."""

    key: str
    kind: Literal["performance", "fairness", "drift"]
    measure: str
    subject: str
    title: str
    value: float
    threshold: float
    bound: Literal["min", "max"]
    breach: bool
    warning: bool = False


class ReferenceInfo(BaseModel):
    """The reference dataset drift is measured against."""

    source: Literal["dataset", "path"]
    dataset_id: str
    location: str
    sha256: str
    registered_sha256: str
    rows: int


class Period(BaseModel):
    """One monitored period's headline figures, for the history charts."""

    run_id: str
    period: str
    period_start: date
    period_end: date
    values: dict[str, float]


class MonitoringResults(BaseModel):
    """Everything measured in one period's prediction log."""

    log: str
    log_sha256: str
    period: str
    period_start: date
    period_end: date
    rows: int
    labelled_rows: int
    reference: ReferenceInfo
    figures: list[Figure]
    fairness: FairnessResults | None
    drift: list[Drift]
    notes: list[str]
    history: list[Period]
    proposed_risks: list[Risk]

    @property
    def breaches(self) -> list[Figure]:
        return [f for f in self.figures if f.breach]


def check(workspace, request) -> None:
    """Before anything runs: the reference and the log are read and every column checked."""
    reference = load_reference(workspace, request.system.id, request.answers)
    load_log(workspace, request.answers, request.period, numeric_features(reference, request.answers))


def assess(answers: MonitoringAnswers, workspace, request) -> MonitoringResults:
    """Measure the period's log against the reference and the thresholds, beside earlier periods."""
    from workbench.pipeline.archive import sha256_file

    reference = load_reference(workspace, request.system.id, answers)
    numeric = numeric_features(reference, answers)
    log = load_log(workspace, answers, request.period, numeric)
    c, frame, notes = answers.columns, log.frame, []
    labelled = frame[frame[c.label].notna()] if c.label else frame.iloc[:0]
    figures = _performance(answers, labelled, notes)
    fairness = None
    if c.sensitive_features and len(labelled):
        thresholds = answers.fairness or workspace.config.impact_criteria.fairness
        fairness = group_fairness(labelled, c.sensitive_features, c.label, c.prediction, c.score, thresholds,
                                  log.relative)
        figures += [Figure(key=f"fairness:{d.metric}:{a.attribute}", kind="fairness", measure=d.metric,
                           subject=a.attribute, title=f"{d.title} by {a.attribute}", value=d.value,
                           threshold=d.threshold, bound=d.bound, breach=d.breach)
                    for a in fairness.attributes for d in a.disparities]
    elif c.sensitive_features:
        notes.append("Fairness is not measured: no row of the period has a known true label.")
    drift = _drift(answers, reference, frame, numeric, notes)
    t = answers.drift
    figures += [Figure(key=f"drift:psi:{d.column}", kind="drift", measure="psi", subject=d.column,
                       title=f"PSI of {d.column}" + (" (score)" if d.role == "score" else ""), value=d.psi,
                       threshold=t.psi_breach, bound="max", breach=d.status == "drift", warning=d.status == "warning")
                for d in drift]
    info = ReferenceInfo(source=reference.source, dataset_id=reference.dataset_id, location=reference.location,
                         sha256=sha256_file(reference.path), registered_sha256=reference.registered_sha256,
                         rows=len(reference.frame))
    now = Period(run_id="this period", period=request.period, period_start=log.start, period_end=log.end,
                 values={f.key: f.value for f in figures})
    return MonitoringResults(
        log=log.relative, log_sha256=sha256_file(log.path), period=request.period, period_start=log.start,
        period_end=log.end, rows=len(frame), labelled_rows=len(labelled), reference=info, figures=figures,
        fairness=fairness, drift=drift, notes=notes,
        history=earlier_periods(workspace, request.system.id, log.start, answers.history - 1) + [now],
        proposed_risks=proposed_risks([f for f in figures if f.breach], log.relative, log.start, log.end, workspace))


def _performance(answers: MonitoringAnswers, labelled, notes: list[str]) -> list[Figure]:
    c = answers.columns
    if not answers.performance:
        return []
    if not len(labelled):
        notes.append("Performance is not measured: no row of the period has a known true label.")
        return []
    label = labelled[c.label].to_numpy(dtype=int)
    prediction = labelled[c.prediction].to_numpy(dtype=int)
    score = labelled[c.score].to_numpy(dtype=float) if c.score else None
    figures = []
    for m in answers.performance:
        value = performance(m.metric, label, prediction, score)
        if value is None:
            notes.append(f"{METRIC_TITLES[m.metric]} is not measured: the labelled rows hold one class only.")
            continue
        bound = METRICS[m.metric][2]
        figures.append(Figure(key=f"performance:{m.metric}:all", kind="performance", measure=m.metric,
                              subject="all labelled rows", title=METRIC_TITLES[m.metric], value=value,
                              threshold=m.threshold, bound=bound,
                              breach=value < m.threshold if bound == "min" else value > m.threshold))
    return figures


def _drift(answers: MonitoringAnswers, reference, frame, numeric: dict[str, bool], notes: list[str]) -> list[Drift]:
    c, t = answers.columns, answers.drift
    columns = [(f, "feature") for f in c.features]
    if c.score and c.score in reference.frame.columns:
        columns.append((c.score, "score"))
    elif c.score:
        notes.append(f"The drift of the score is not measured: the reference has no column {c.score!r}.")
    found = []
    for column, role in columns:
        if role == "score" or numeric[column]:
            baseline = reference.frame[column].to_numpy(dtype=float, na_value=float("nan"))
            found.append(numeric_drift(column, role, baseline, frame[column], t.bins, t.psi_warn, t.psi_breach,
                                       t.p_value))
        else:
            found.append(categorical_drift(column, role, reference.frame[column], frame[column], t.psi_warn,
                                           t.psi_breach, t.p_value))
    return found


def earlier_periods(workspace, system_id: str, before: date, count: int) -> list[Period]:
    """The system's earlier monitored periods (those starting before ``before``), oldest first, at most
    ``count``: per period the latest record a person approved, else the latest that did not fail."""
    chosen: dict[tuple[str, str], tuple] = {}
    for row in workspace.register.evidence_list(system_id, NAME):
        if row["status"] == "failed":
            continue
        record = json.loads((workspace.evidence_dir / row["path"] / "results.json").read_text(encoding="utf-8"))
        results = record["results"]
        if date.fromisoformat(results["period_start"]) >= before:
            continue
        key = (results["period_start"], results["period_end"])
        rank = (row["status"] == "approved", row["recorded_at"])
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, row["run_id"], results)
    periods = [Period(run_id=run_id, period=r["period"], period_start=r["period_start"], period_end=r["period_end"],
                      values={f["key"]: f["value"] for f in r["figures"]})
               for _rank, run_id, r in chosen.values()]
    return sorted(periods, key=lambda p: p.period_start)[-count:] if count > 0 else []


def proposed_risks(breached: list[Figure], log: str, start: date, end: date, workspace) -> list[Risk]:
    """Each breach as a risk for the system's risk assessment, citing A.6.2.6 (and A.5.4 for fairness)."""
    config = workspace.config
    owner = (config.people_with("aims_manager") or config.people)[0].id
    sources = {"performance": ("C.3.7", "C.2.8"), "fairness": ("C.3.4", "C.2.5"), "drift": ("C.3.7", "C.2.8")}
    risks = []
    for n, f in enumerate(breached, start=1):
        side = "below the minimum" if f.bound == "min" else "above the maximum"
        source, objective = sources[f.kind]
        risks.append(Risk.model_validate({
            "id": f"M{n}", "title": f"In production: {f.title} beyond its threshold"[:200],
            "description": (f"Measured in the prediction log {log} for {start} to {end}: {f.title} is {f.value:.3f}, "
                            f"{side} {f.threshold:g}.")[:5000],
            "risk_source": source, "objectives": [objective],
            "affected_parties": ["people the system's outputs concern"],
            "inherent_likelihood": 4, "inherent_impact": 4, "existing_controls": [],
            "planned_controls": list(CONTROLS) + (["A.5.4"] if f.kind == "fairness" else []), "treatment": "mitigate",
            "residual_likelihood": 4, "residual_impact": 4, "owner": owner,
            "due_date": (date.today() + timedelta(days=90)).isoformat(),
            "rationale": "Proposed by production monitoring from a measured breach; rate and treat it in the "
                         "system's risk assessment.",
        }, context=workspace.validation_context()))
    return risks


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per monitored period: its size, its breaches and its largest PSI."""
    figures = results["figures"]
    psi = [f["value"] for f in figures if f["kind"] == "drift"]
    return {"monitoring": [{"period_start": results["period_start"], "period_end": results["period_end"],
                            "rows": results["rows"], "labelled_rows": results["labelled_rows"],
                            "figures": len(figures), "breaches": sum(f["breach"] for f in figures),
                            "warnings": sum(f["warning"] for f in figures), "max_psi": max(psi, default=0.0)}]}


def breaches(results: dict) -> list[str]:
    """Each figure beyond its threshold, as a periodic review's nonconformity states it."""
    return [f"monitoring breach for {results['period_start']} to {results['period_end']}: {f['title']} is "
            f"{f['value']:.3f}, {'below the minimum' if f['bound'] == 'min' else 'above the maximum'} "
            f"{f['threshold']:g}" for f in results["figures"] if f["breach"]]


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    count = sum(f["breach"] for f in results["figures"])
    return (f"{results['period_start']} to {results['period_end']}: {results['rows']:,} predictions; "
            + (f"{count} breach(es)" if count else "no breach"))

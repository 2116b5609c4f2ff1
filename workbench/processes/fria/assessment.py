"""The fundamental rights impact assessment of one AI system (EU AI Act Art. 27), built on the system's
impact assessment: whether one is owed, the groups the impact assessment measured against the categories
of persons the deployer names, each risk of harm with its measures, and the notification of the authority.

A FRIA of a system whose impact assessment says none is owed is not refused: a deployer may assess
voluntarily (or disagree with the reading of the answers), and the record says it is voluntary; only an
owed one's missing notification is flagged.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel

from workbench.exceptions import InputError, Problem
from workbench.pipeline.run import read_record
from workbench.processes.fria.answers import RIGHTS, FriaAnswers

NAME = "fundamental-rights-impact"
IMPACT = "impact-assessment"
INPUTS = (IMPACT,)
TABLE = "fundamental_rights_assessments"
MODEL_CHANGE = "new-model-version"  # the event kind the review policy already treats as a new model version


class ImpactSource(BaseModel):
    """The impact assessment a FRIA builds on, and what it says about Art. 27."""

    run_id: str
    path: str
    status: str
    effective_date: date
    level: str
    category: str
    category_title: str
    fria_required: bool
    fria_reason: str
    dpia: str


class MeasuredGroup(BaseModel):
    """A group of the impact assessment's fairness measurement, and the affected categories that include it."""

    attribute: str
    group: str
    selection_rate: float
    disparity: list[str]
    covered_by: list[str]


class RiskCoverage(BaseModel):
    """A risk of harm (d), whom it harms, the rights at stake and the measures (f) that answer it."""

    risk_id: str
    title: str
    affected: list[str]
    rights: list[str]
    provider_section: str
    measures: list[str]


class Finding(BaseModel):
    """Something the assessment leaves undone that the evidence and the portfolio flag."""

    kind: Literal["missing-group", "not-notified", "dpia-not-referenced"]
    message: str


class FriaResults(BaseModel):
    """Every computed result of a fundamental rights impact assessment."""

    organisation: str
    system: dict
    version: int
    effective_date: date
    impact_assessment: ImpactSource
    owed: bool
    owed_reason: str
    groups: list[MeasuredGroup]
    coverage: list[RiskCoverage]
    notified: bool
    findings: list[Finding]


def impact_record(workspace, system_id: str, run_id: str = "", field: str = "impact_assessment") -> tuple[dict, dict]:
    """The impact assessment ``run_id`` of ``system_id`` (empty: its latest one a person stands behind), as its
    evidence row and its ``results.json`` record; ``InputError`` naming ``field`` if there is none."""
    register = workspace.register
    if not run_id:
        found = register.latest_evidence(system_id, IMPACT, assessed=True)
        if found is None:
            raise InputError.single(field, run_id, f"AI system {system_id} has no impact assessment a person stands "
                                                   f"behind; run {IMPACT} first: this assessment builds on it")
        return found, read_record(workspace, found)
    ours = [r for r in register.evidence_list(system_id, IMPACT, "") if r["status"] != "failed"]
    found = next((r for r in ours if r["run_id"] == run_id), None)
    if found is None:
        raise InputError.single(field, run_id, f"is not an impact assessment of {system_id} that did not fail; "
                                               f"allowed: {', '.join(r['run_id'] for r in ours) or 'none recorded'}")
    return found, read_record(workspace, found)


def measured_groups(impact_results: dict) -> list[tuple[str, str, float, list[str]]]:
    """Each group the impact assessment measured: (attribute, group, selection rate, the disparities that breach
    their threshold, for the group with the lowest selection rate of its attribute: the group the impact
    assessment's proposed risk names)."""
    found = []
    for a in (impact_results.get("fairness") or {}).get("attributes", []):
        breached = [d["title"] for d in a["disparities"] if d["breach"]]
        lowest = min(a["groups"], key=lambda g: g["selection_rate"])["group"]
        found += [(a["attribute"], g["group"], g["selection_rate"], breached if g["group"] == lowest else [])
                  for g in a["groups"]]
    return found


def _said(workspace, record: dict, question_id: str) -> str:
    """The impact assessment's answer to ``question_id`` in words (option texts, or the text typed)."""
    from workbench.processes.impact_assessment.questionnaire import questionnaire_of

    answer = record["answers"]["responses"].get(question_id)
    if not answer:
        return ""
    question = questionnaire_of(workspace).question(question_id)
    chosen = [answer] if isinstance(answer, str) else answer
    return "; ".join(chosen if question.type == "text" else [question.option(c).text for c in chosen])


def check(workspace, request) -> None:
    """Before anything runs: the impact assessment exists, each group an affected category includes is one it
    measured, and neither the receipt of the instructions for use nor a notification is dated after
    the day the assessment speaks for."""
    answers: FriaAnswers = request.answers
    _, record = impact_record(workspace, request.system.id, answers.impact_assessment)
    known = [f"{attribute}={group}" for attribute, group, _, _ in measured_groups(record["results"])]
    problems = [Problem(f"affected[{i}].groups[{j}]", g, f"is not a group the impact assessment {record['run_id']} "
                                                         f"measured; allowed: {', '.join(known) or 'none (it measured no fairness)'}")
                for i, c in enumerate(answers.affected) for j, g in enumerate(c.groups) if g not in known]
    received, notified = answers.provider_information.received_on, answers.notification.notified_on
    for field, what, day in (("provider_information.received_on", "receipt", received),
                             ("notification.notified_on", "notification", notified)):
        if day and day > request.effective_date:
            problems.append(Problem(field, day.isoformat(), f"is after the day this assessment speaks for "
                                    f"({request.effective_date.isoformat()}); record the {what} in a version "
                                    "effective on or after it"))
    if problems:
        raise InputError(problems)


def assess(answers: FriaAnswers, workspace, request) -> FriaResults:
    """Cross-check the answers with the impact assessment they build on and list what is left undone."""
    row, record = impact_record(workspace, request.system.id, answers.impact_assessment)
    results = record["results"]
    c = results["classification"]
    source = ImpactSource(run_id=row["run_id"], path=row["path"], status=row["status"],
                          effective_date=row["effective_date"], level=results["score"]["level"],
                          category=c["category"], category_title=c["title"], fria_required=c["fria_required"],
                          fria_reason=c["fria_reason"], dpia=_said(workspace, record, "data-dpia"))
    groups = [MeasuredGroup(attribute=a, group=g, selection_rate=rate, disparity=breached,
                            covered_by=[x.id for x in answers.affected if f"{a}={g}" in x.groups])
              for a, g, rate, breached in measured_groups(results)]
    findings = [Finding(kind="missing-group", message=(
        f"Group {g.group} of {g.attribute} has a measured disparity in impact assessment {source.run_id} "
        f"({', '.join(g.disparity)}), but no affected category (c) includes it."))
        for g in groups if g.disparity and not g.covered_by]
    if source.fria_required and not answers.notification.notified:
        findings.append(Finding(kind="not-notified", message=(
            "The market surveillance authority has not been notified of the results (Art. 27(3)).")))
    if source.dpia.lower().startswith("yes") and not answers.dpia:
        findings.append(Finding(kind="dpia-not-referenced", message=(
            f"Impact assessment {source.run_id} says a data protection impact assessment is done and current, but "
            "this assessment names none to complement (Art. 27(4)).")))
    coverage = [RiskCoverage(risk_id=r.id, title=r.title, affected=r.affected, rights=[RIGHTS[x] for x in r.rights],
                             provider_section=r.provider_section,
                             measures=[m.id for m in answers.measures if r.id in m.risks]) for r in answers.risks]
    earlier = [r for r in workspace.register.evidence_list(request.system.id, NAME) if r["status"] != "failed"]
    return FriaResults(
        organisation=workspace.config.organisation.name, system=request.system.model_dump(mode="json"),
        version=1 + len(earlier), effective_date=request.effective_date, impact_assessment=source,
        owed=source.fria_required,
        owed_reason=(c["fria_reason"] if c["fria_required"] else
                     f"Not owed: {c['fria_reason']} This assessment is made voluntarily."),
        groups=groups, coverage=coverage, notified=answers.notification.notified, findings=findings)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per assessment: the impact assessment it builds on, whether it is owed and notified."""
    kinds = [f["kind"] for f in results["findings"]]
    return {TABLE: [{"impact_assessment": results["impact_assessment"]["run_id"], "owed": results["owed"],
                     "risks": len(results["coverage"]), "notified": results["notified"],
                     "missing_groups": kinds.count("missing-group")}]}


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    missing = sum(f["kind"] == "missing-group" for f in results["findings"])
    return ("owed" if results["owed"] else "voluntary") + f"; {len(results['coverage'])} risk(s) of harm; " + (
        "authority notified" if results["notified"] else "authority not notified" if results["owed"]
        else "no notification owed") + (f"; {missing} measured group(s) missing" if missing else "")


def update_reasons(workspace, system_id: str, fria: dict, impact: dict | None) -> list[str]:
    """Why the system's latest FRIA ``fria`` (its evidence row) needs an update (Art. 27(2)): a newer impact
    assessment than the one it builds on, or a new model version after the day it speaks for."""
    register = workspace.register
    [row] = register.rows(TABLE, run_id=fria["run_id"])
    cited = register.evidence(row["impact_assessment"])
    reasons = []
    if impact and (impact["effective_date"], impact["recorded_at"]) > (cited["effective_date"], cited["recorded_at"]):
        reasons.append(f"impact assessment {impact['run_id']} of {impact['effective_date'].isoformat()} is newer "
                       f"than the one it builds on ({row['impact_assessment']})")
    reasons += [f"new model version on {e['occurred_on'].isoformat()}" + (f": {e['note']}" if e["note"] else "")
                for e in register.events(system_id) if e["kind"] == MODEL_CHANGE
                and e["occurred_on"] > fria["effective_date"]]
    return reasons


def portfolio_flags(workspace) -> list:
    """Each system that owes a FRIA and has none, whose FRIA needs an update, or whose owed FRIA's results
    the authority has not been told, as the portfolio lists flags beside documented information's."""
    from workbench.records.documented_information import Flag

    register = workspace.register
    found = []
    for system in register.systems():
        impact = register.latest_evidence(system.id, IMPACT, assessed=True)
        owed = impact is not None and any(r["fria_required"] for r in register.rows("impact_assessments",
                                                                                     run_id=impact["run_id"]))
        fria = register.latest_evidence(system.id, NAME, assessed=True)
        key, title = f"{system.id}/{NAME}", f"Fundamental rights impact assessment of {system.name}"
        if fria is None:
            if owed:
                found.append(Flag("missing", key, title, "Art. 27", (
                    f"owed according to impact assessment {impact['run_id']}; none is recorded (Art. 27(1): "
                    "before first use)")))
            continue
        found += [Flag("due", key, title, "Art. 27(2)", f"update due: {reason}")
                  for reason in update_reasons(workspace, system.id, fria, impact)]
        [row] = register.rows(TABLE, run_id=fria["run_id"])
        if owed and not row["notified"]:
            found.append(Flag("unnotified", key, title, "Art. 27(3)", (
                f"{fria['run_id']}: the market surveillance authority has not been notified of the results")))
    return found


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-") or "category"


def prefill(workspace, system_id: str) -> dict:
    """The answers a FRIA of ``system_id`` starts from: what its latest impact assessment (cited by run id)
    and the register already say. What only the deployer knows (its processes' names, the period, the
    provider's instructions for use, governance, the notification) is left empty for a person to fill."""
    system = workspace.register.system(system_id)
    row, record = impact_record(workspace, system_id, field="system")
    results = record["results"]
    categories = [{"id": _slug(s), "name": s, "description": "", "vulnerable": False, "groups": []}
                  for s in system.affected_stakeholders]
    for option, name in (("children", "Children"), ("vulnerable", "People in vulnerable situations")):
        if option in record["answers"]["responses"].get("parties-affected", []):
            categories.append({"id": option, "name": name, "description": "", "vulnerable": True, "groups": []})
    risks = []
    for a, g, _rate, breached in measured_groups(results):
        if breached:
            categories.append({"id": _slug(f"{a}-{g}"), "name": f"People in group {g} ({a})",
                               "description": f"Measured in impact assessment {row['run_id']}: {', '.join(breached)} "
                                              "beyond the threshold.", "vulnerable": False, "groups": [f"{a}={g}"]})
            risks.append({"id": f"H{len(risks) + 1}", "title": f"Less favourable outcomes for group {g} ({a})",
                          "description": f"Impact assessment {row['run_id']} measured {', '.join(breached)} beyond "
                                         "the threshold.", "affected": [categories[-1]["id"]],
                          "rights": ["non-discrimination"], "provider_section": ""})
    failures = _said(workspace, record, "impacts-failures")
    if failures and categories:
        risks.append({"id": f"H{len(risks) + 1}", "title": "Harm when the system fails or is misused",
                      "description": failures, "affected": [categories[0]["id"]], "rights": [],
                      "provider_section": ""})
    scale = _said(workspace, record, "deployment-scale")
    return {
        "impact_assessment": row["run_id"],
        "processes": [{"name": "", "use": _said(workspace, record, "purpose-intended"),
                       "intended_purpose": system.purpose}],
        "period_of_use": {"end": None, "frequency": f"affects {scale.lower()} people a year" if scale else ""},
        "affected": categories,
        "provider_information": {"document": "", "reference": "", "received_on": None},
        "risks": risks,
        "oversight": [{"measure": _said(workspace, record, "measures-oversight"), "instructions": "",
                       "responsible": system.owner}],
        "measures": [{"id": "M1", "risks": [r["id"] for r in risks],
                      "measure": _said(workspace, record, "measures-description"), "owner": system.owner}],
        "governance": "",
        "complaints": _said(workspace, record, "measures-contest"),
        "notification": {"notified": False, "notified_on": None, "authority": "", "reference": ""},
        "dpia": "",
    }

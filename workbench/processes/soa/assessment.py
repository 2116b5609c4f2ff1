"""The Statement of Applicability (ISO/IEC 42001 6.1.3 d to f): every Annex A control and every
control the organisation adds, included or excluded with a justification, with its
implementation status, the risks that cite it and the evidence that supports it."""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.records.citations import resolve
from workbench.content import ContentPack, load_content
from workbench.exceptions import InputError
from workbench.validate import Strict, check_complete, known_person, repeated_ids

NAME = "soa"

STATUSES = ("not started", "planned", "partial", "implemented", "verified effective")
ADDED_ID = re.compile(r"^(?!A\.)[A-Z][A-Z0-9]{0,9}(?:\.\d+){1,3}$")
ADDED_RULE = "an organisation control id such as NW.1 or ORG.2.1 (Annex A ids start with 'A.')"


class AddedControl(Strict):
    """A control the organisation adds to Annex A."""

    id: str = Field(description=ADDED_RULE)
    title: str = Field(min_length=1, max_length=200)
    intent: str = Field(min_length=1, max_length=2000)

    @field_validator("id")
    @classmethod
    def _added_id(cls, value: str) -> str:
        if not ADDED_ID.fullmatch(value):
            raise ValueError(f"must be {ADDED_RULE}")
        return value


class Applicability(Strict):
    """The decision on one control."""

    control: str = Field(description="Annex A control id or an added control's id")
    included: bool
    justification: str = Field(default="", max_length=5000,
                               description="why included (risks, obligations) or why excluded; required to exclude")
    status: Literal[STATUSES] | None = Field(default=None, description="implementation status of an included control")  # type: ignore[valid-type]
    owner: str = Field(default="", max_length=64, description="person id of the control owner")
    evidence: list[str] = Field(default_factory=list, max_length=50, description="archived evidence ids")

    @model_validator(mode="after")
    def _justified(self) -> "Applicability":
        if not self.included and not self.justification:
            raise ValueError(f"{self.control} is excluded without a justification; "
                             "say why it is not needed (risk assessment, no external requirement)")
        if self.included and self.status is None:
            raise ValueError(f"{self.control} is included, so it needs a status; allowed: {', '.join(STATUSES)}")
        if not self.included and self.status is not None:
            raise ValueError(f"{self.control} is excluded, so it has no implementation status; leave status out")
        return self

    _owner_known = field_validator("owner")(known_person)


class SoAAnswers(Strict):
    """The organisation's decision on every control."""

    model_config = ConfigDict(json_schema_extra={"title": "Statement of Applicability answers"})

    added_controls: list[AddedControl] = Field(default_factory=list, max_length=200)
    controls: list[Applicability] = Field(min_length=1, max_length=400)

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> "SoAAnswers":
        content: ContentPack = (info.context or {}).get("content") or load_content()
        annex = content.control_ids()
        added = [c.id for c in self.added_controls]
        clash = sorted(set(added) & set(annex)) or repeated_ids(added)
        if clash:
            raise ValueError(f"added control ids must be new and unique; repeated: {', '.join(clash)}")
        expected = annex + added
        check_complete([a.control for a in self.controls], expected,
                       unknown=f"controls name unknown ids {{}}; allowed: the Annex A ids {annex[0]} to {annex[-1]} "
                               "and the added controls' ids",
                       repeated="controls list a control more than once: {}",
                       missing="the SoA must decide on every control; missing: {}")
        return self


class ControlEntry(BaseModel):
    """One line of the Statement of Applicability, with what the register says about it."""

    id: str
    title: str
    intent: str
    source: Literal["Annex A", "organisation"]
    area: str
    included: bool
    justification: str
    status: str | None
    owner: str
    evidence: list[dict] = Field(description="cited evidence: run_id, process, system_id, path")
    risks: list[dict] = Field(description="risks of the latest risk assessments that cite it")


class SoAResults(BaseModel):
    """The computed Statement of Applicability."""

    controls: list[ControlEntry]
    included: int
    excluded: int
    by_status: dict[str, int]
    risk_runs: list[str] = Field(description="the risk assessment runs the risk links come from")


def check(workspace, request) -> None:
    """Every cited evidence id must resolve to archived evidence."""
    for i, entry in enumerate(request.answers.controls):
        for j, run_id in enumerate(entry.evidence):
            resolve(workspace, f"controls[{i}].evidence[{j}]", run_id)


def latest_runs(workspace, process: str) -> list[dict]:
    """The newest archived run of ``process`` for each subject, newest first."""
    seen, runs = set(), []
    for record in workspace.register.evidence_list(process=process):
        if record["status"] != "failed" and record["system_id"] not in seen:
            seen.add(record["system_id"])
            runs.append(record)
    return runs


def assess(answers: SoAAnswers, workspace) -> SoAResults:
    """Join each decision with its control's text, the risks that cite it and its evidence."""
    content = workspace.content
    risk_runs = [r["run_id"] for r in latest_runs(workspace, "risk-assessment")]
    citing: dict[str, list[dict]] = {}
    for run_id in risk_runs:
        for risk in workspace.register.rows("risks", run_id=run_id):
            for control in risk["controls"]:
                citing.setdefault(control, []).append(
                    {"system_id": risk["system_id"], "risk_id": risk["risk_id"], "title": risk["title"],
                     "residual_band": risk["residual_band"], "run_id": run_id})
    texts = {c.id: (c.title, c.intent, "Annex A", c.area) for c in content.controls}
    texts.update({c.id: (c.title, c.intent, "organisation", "") for c in answers.added_controls})
    order = list(texts)
    entries = []
    for decision in sorted(answers.controls, key=lambda d: order.index(d.control)):
        title, intent, source, area = texts[decision.control]
        evidence = [{k: v for k, v in resolve(workspace, "evidence", run_id).items()
                     if k in ("run_id", "process", "system_id", "path", "effective_date")}
                    for run_id in decision.evidence]
        entries.append(ControlEntry(
            id=decision.control, title=title, intent=intent, source=source, area=area,
            included=decision.included, justification=decision.justification, status=decision.status,
            owner=decision.owner, evidence=evidence, risks=citing.get(decision.control, [])))
    status = Counter(e.status for e in entries if e.included)
    return SoAResults(controls=entries, included=sum(e.included for e in entries),
                      excluded=sum(not e.included for e in entries),
                      by_status={s: status.get(s, 0) for s in STATUSES}, risk_runs=risk_runs)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per control."""
    return {"soa_controls": [
        {"control_id": c["id"], "source": c["source"], "title": c["title"], "included": c["included"],
         "justification": c["justification"], "status": c["status"],
         "risks": [f"{r['system_id']}/{r['risk_id']}" for r in c["risks"]],
         "evidence": [e["run_id"] for e in c["evidence"]]}
        for c in results["controls"]]}


def _control_order(control_id: str) -> tuple:
    prefix, *numbers = control_id.split(".")
    return (prefix != "A", prefix, *(int(n) for n in numbers))


def latest_soa(workspace) -> list[dict]:
    """The rows of the newest archived SoA in control order (empty when there is none yet)."""
    runs = latest_runs(workspace, NAME)
    rows = workspace.register.rows("soa_controls", run_id=runs[0]["run_id"]) if runs else []
    return sorted(rows, key=lambda r: _control_order(r["control_id"]))


def soa_frame(workspace):
    """The newest Statement of Applicability as a pandas DataFrame, one row per control."""
    import pandas as pd

    columns = list(workspace.register.frame("soa_controls").columns)
    return pd.DataFrame(latest_soa(workspace), columns=columns)


def require_soa(workspace, field: str, value: object) -> dict[str, dict]:
    """The newest SoA by control id; ``InputError`` naming ``field`` when none is archived."""
    rows = latest_soa(workspace)
    if not rows:
        raise InputError.single(field, value, "needs a Statement of Applicability; archive one first "
                                              "('workbench run soa --answers FILE')")
    return {r["control_id"]: r for r in rows}


def headline(results: dict) -> str:
    """One line for the portfolio: controls included and excluded."""
    return f"{results['included']} controls included, {results['excluded']} excluded"

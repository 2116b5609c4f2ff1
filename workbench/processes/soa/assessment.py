"""The Statement of Applicability (ISO/IEC 42001 6.1.3 d to f): every Annex A control and every
control the organisation adds, included or excluded with a justification, with its
implementation status, the risks that cite it and the evidence that supports it.

The SoA holds its claims: an included control has its own justification (not one shared with
another control), an owner, and, once 'implemented' or 'verified effective', the evidence that
shows it; a control that risks cite is excluded only by a justification that names those risks;
applicability may differ per AI system; and nothing cited (evidence, risk records) is dated after
the SoA's effective date. An exclusion the register contradicts (suppliers registered, a
customer-facing system, datasets) is flagged, not refused (``consistency``)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.processes.soa.consistency import contradictions
from workbench.records.citations import cite
from workbench.content import ContentPack, load_content
from workbench.exceptions import InputError
from workbench.validate import Strict, check_complete, known_person, repeated_ids

NAME = "soa"

STATUSES = ("not started", "planned", "partial", "implemented", "verified effective")
SHOWN = ("implemented", "verified effective")  # statuses that claim the control works, so need evidence
NOT_IN_PLACE = ("not started",)  # a control risks rely on that nobody has started: the treatment is on paper only
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


class SystemApplicability(Strict):
    """Where one AI system departs from the organisation-wide decision on a control."""

    system: str = Field(min_length=1, max_length=64, description="AI system id")
    included: bool
    justification: str = Field(min_length=1, max_length=5000, description="why this system differs")


class Applicability(Strict):
    """The decision on one control."""

    control: str = Field(description="Annex A control id or an added control's id")
    included: bool
    justification: str = Field(default="", max_length=5000,
                               description="why included (risks, obligations) or why excluded; required to exclude")
    status: Literal[STATUSES] | None = Field(default=None, description="implementation status of an included control")  # type: ignore[valid-type]
    owner: str = Field(default="", max_length=64, description="person id of the control owner")
    evidence: list[str] = Field(default_factory=list, max_length=50,
                                description="citations: run ids, doc:ID, interview:/sample:/record:DATE:text")
    systems: list[SystemApplicability] = Field(default_factory=list, max_length=100,
                                               description="AI systems where applicability differs")

    @model_validator(mode="after")
    def _justified(self) -> "Applicability":
        if not self.justification.strip():
            why = ("included without a justification; say which risks or obligations need it" if self.included else
                   "excluded without a justification; say why it is not needed (risk assessment, no external "
                   "requirement)")
            raise ValueError(f"{self.control} is {why}")
        if self.included and not self.owner:
            raise ValueError(f"{self.control} is included, so it needs an owner (a person id)")
        if self.status in SHOWN and not self.evidence:
            raise ValueError(f"{self.control} is {self.status!r}, so it needs the evidence that shows it; "
                             "cite it, or record the status 'partial'")
        repeated = repeated_ids([s.system for s in self.systems])
        if repeated:
            raise ValueError(f"{self.control} lists a system more than once: {', '.join(repeated)}")
        same = [s.system for s in self.systems if s.included == self.included]
        if same:
            raise ValueError(f"{self.control}: systems lists {', '.join(same)} with the organisation-wide decision; "
                             "list only the systems where applicability differs")
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
        seen: dict[str, str] = {}
        for decision in self.controls:
            key = " ".join(decision.justification.lower().split())
            if decision.included and key in seen:
                raise ValueError(f"{decision.control} repeats the justification of {seen[key]}; each included "
                                 "control needs its own (the risks or obligations that need this control)")
            seen.setdefault(key, decision.control)
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
    evidence: list[dict] = Field(description="cited evidence: ref, kind, label, dated, and path for a run")
    risks: list[dict] = Field(description="risks of the latest risk assessments that cite it")
    systems: list[SystemApplicability] = Field(default_factory=list, description="per-system departures")
    flag: str = Field(default="", description="why a reviewer should look again, or empty")


class SoAResults(BaseModel):
    """The computed Statement of Applicability."""

    controls: list[ControlEntry]
    included: int
    excluded: int
    by_status: dict[str, int]
    risk_runs: list[str] = Field(description="the risk assessment runs the risk links come from")
    flagged: list[str] = Field(default_factory=list, description="controls with a flag, in order")


def citing_risks(workspace) -> tuple[list[dict], dict[str, list[dict]]]:
    """The latest risk assessment runs, and control id -> the risks of those runs that cite it."""
    runs = latest_runs(workspace, "risk-assessment")
    citing: dict[str, list[dict]] = {}
    for run in runs:
        for risk in workspace.register.rows("risks", run_id=run["run_id"]):
            for control in risk["controls"]:
                citing.setdefault(control, []).append(
                    {"system_id": risk["system_id"], "risk_id": risk["risk_id"], "title": risk["title"],
                     "residual_band": risk["residual_band"], "run_id": run["run_id"]})
    return runs, citing


def _unaddressed(justification: str, risks: list[dict]) -> list[str]:
    """The risks (``system/R1``) a justification does not name: by its risk id and its system id."""
    words = set(re.findall(r"[A-Za-z0-9_.-]+", justification))
    return [f"{r['system_id']}/{r['risk_id']}" for r in risks
            if not (r["risk_id"] in words and r["system_id"] in justification)]


def check(workspace, request) -> None:
    """Refuse citations dated after the SoA, risk records newer than the SoA, unknown systems, and the
    exclusion of a control that risks cite by a justification that does not address them."""
    answers: SoAAnswers = request.answers
    effective = request.effective_date
    runs, citing = citing_risks(workspace)
    for run in runs:
        if run["effective_date"] > effective:
            raise InputError.single("effective_date", effective.isoformat(),
                                    f"is before the risk records the SoA lists: {run['run_id']} "
                                    f"({run['system_id']}) is dated {run['effective_date'].isoformat()}; date the "
                                    "SoA on or after it")
    systems = {s["id"] for s in workspace.register.rows("systems")}
    for i, entry in enumerate(answers.controls):
        for j, ref in enumerate(entry.evidence):
            cite(workspace, f"controls[{i}].evidence[{j}]", ref, not_after=effective,
                 what="the SoA (effective date)")
        risks = citing.get(entry.control, [])
        if not entry.included:
            unnamed = _unaddressed(entry.justification, risks)
            if unnamed:
                raise InputError.single(f"controls[{i}].justification", entry.justification,
                                        f"excludes {entry.control}, which risks cite: {', '.join(unnamed)}; the "
                                        "justification must address each (name the system and risk id and say "
                                        "why the control is not needed), or include the control")
        for k, override in enumerate(entry.systems):
            field = f"controls[{i}].systems[{k}]"
            if override.system not in systems:
                raise InputError.single(f"{field}.system", override.system,
                                        f"is not a registered AI system; allowed: {', '.join(sorted(systems))}")
            own = [r for r in risks if r["system_id"] == override.system]
            unnamed = [] if override.included else _unaddressed(override.justification, own)
            if unnamed:
                raise InputError.single(f"{field}.justification", override.justification,
                                        f"excludes {entry.control} for {override.system}, whose risks cite it: "
                                        f"{', '.join(unnamed)}; address each by its risk id, or keep it included")


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
    runs, citing = citing_risks(workspace)
    risk_runs = [r["run_id"] for r in runs]
    texts = {c.id: (c.title, c.intent, "Annex A", c.area) for c in content.controls}
    texts.update({c.id: (c.title, c.intent, "organisation", "") for c in answers.added_controls})
    order = list(texts)
    contradicted = contradictions(workspace, [(d.control, d.included, {s.system: s.included for s in d.systems})
                                              for d in answers.controls])
    entries = []
    for decision in sorted(answers.controls, key=lambda d: order.index(d.control)):
        title, intent, source, area = texts[decision.control]
        evidence = [cited_entry(workspace, ref) for ref in decision.evidence]
        risks = citing.get(decision.control, [])
        flag = ""
        if decision.included and risks and decision.status in NOT_IN_PLACE:
            flag = (f"{len(risks)} risk(s) rely on it ({', '.join(r['system_id'] + '/' + r['risk_id'] for r in risks)})"
                    f" but it is {decision.status}: their treatment is not in place")
        flag = "; ".join(filter(None, (flag, contradicted.get(decision.control, ""))))
        entries.append(ControlEntry(
            id=decision.control, title=title, intent=intent, source=source, area=area,
            included=decision.included, justification=decision.justification, status=decision.status,
            owner=decision.owner, evidence=evidence, risks=risks, systems=decision.systems, flag=flag))
    status = Counter(e.status for e in entries if e.included)
    return SoAResults(controls=entries, included=sum(e.included for e in entries),
                      excluded=sum(not e.included for e in entries),
                      by_status={s: status.get(s, 0) for s in STATUSES}, risk_runs=risk_runs,
                      flagged=[e.id for e in entries if e.flag])


def cited_entry(workspace, ref: str) -> dict:
    """What a results record keeps of one citation: its kind, label and date, and a run's path."""
    found = cite(workspace, "evidence", ref)
    entry = {"ref": ref, "kind": found.kind, "label": found.label, "dated": found.dated.isoformat()}
    if found.kind == "run":
        entry |= {k: found.record[k] for k in ("run_id", "process", "system_id", "path")}
    return entry


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per control."""
    return {"soa_controls": [
        {"control_id": c["id"], "source": c["source"], "title": c["title"], "included": c["included"],
         "justification": c["justification"], "status": c["status"],
         "risks": [f"{r['system_id']}/{r['risk_id']}" for r in c["risks"]],
         "evidence": [e["ref"] for e in c["evidence"]]}
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

"""The context of the organisation (ISO/IEC 42001 4.1, 4.2, 4.3): the internal and external issues
relevant to AI with their effect on the AIMS, the interested parties with their requirements and
which of them the AIMS addresses, and the AIMS scope with its boundaries, the AI systems in and out
of it, and the organisation's AI roles for each system.

Rules, each a refusal naming the field: a requirement the AIMS addresses says how, one it does not
address says why; a system the scope names is a registered AI system, named once, with at least one
AI role of :data:`AI_ROLES`; an out-of-scope system says why; what addresses an issue or a requirement
is an Annex A control, an installed process, or a risk of a system's latest risk assessment dated on
or before the record. What the record leaves open is flagged in its evidence and the portfolio: a
registered system the scope neither puts in nor out, an issue nothing addresses, an interested party
with no requirement.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.exceptions import InputError
from workbench.validate import Slug, Strict, repeated_ids

NAME = "context"
AI_ROLES = ("provider", "deployer", "developer", "user", "importer", "distributor")
AIRole = Literal["provider", "deployer", "developer", "user", "importer", "distributor"]
SHORT_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
RISK_REFERENCE = re.compile(r"^([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)/([A-Za-z0-9][A-Za-z0-9_.-]{0,31})$")
REFERENCE_RULE = ("an Annex A control (A.8.3), an installed process (impact-assessment) or a risk of a system's "
                  "risk assessment (credit-scoring/R2)")
NOT_DECIDED = "not decided"


def reference_kind(ref: str, content) -> str:
    """``control``, ``process`` or ``risk``: what a reference to what addresses an issue names;
    ``ValueError`` naming what is allowed otherwise."""
    from workbench.processes import processes

    if ref in content.control_ids():
        return "control"
    if ref in processes():
        return "process"
    if RISK_REFERENCE.fullmatch(ref):
        return "risk"
    raise ValueError(f"{ref!r} is not {REFERENCE_RULE}")


def _references(value: list[str], info: ValidationInfo) -> list[str]:
    from workbench.content import load_content

    content = (info.context or {}).get("content") or load_content()
    for ref in value:
        reference_kind(ref, content)
    repeated = repeated_ids(value)
    if repeated:
        raise ValueError(f"names {', '.join(repeated)} more than once")
    return value


class Issue(Strict):
    """An internal or external issue relevant to AI that affects what the AIMS must achieve (4.1)."""

    id: str = Field(pattern=SHORT_ID, description="short id, e.g. E1 for an external issue, I1 for an internal one")
    kind: Literal["internal", "external"]
    description: str = Field(min_length=1, max_length=2000, description="the issue")
    effect: str = Field(min_length=1, max_length=2000, description="its effect on the AIMS and its intended results")
    addressed_by: list[str] = Field(default_factory=list, max_length=20, description=f"what addresses it: {REFERENCE_RULE}")

    _known = field_validator("addressed_by")(_references)


class ClimateChange(Strict):
    """Whether climate change is a relevant issue (ISO/IEC 42001 Amd 1:2024), and why."""

    relevant: bool = Field(description="climate change is a relevant issue for the organisation's AI")
    reason: str = Field(min_length=1, max_length=2000, description="why it is, or is not, relevant")


class InterestedParty(Strict):
    """A party that affects, or is affected by, the organisation's AI (4.2)."""

    id: Slug = Field(description="a safe slug, e.g. lending-regulator")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["internal", "external"]


class PartyRequirement(Strict):
    """A requirement of an interested party, and whether the AIMS addresses it (4.2 b, c)."""

    id: str = Field(pattern=SHORT_ID, description="short id, e.g. Q1")
    party: str = Field(min_length=1, max_length=64, description="the id of the interested party")
    requirement: str = Field(min_length=1, max_length=2000)
    addressed: bool = Field(description="the AIMS addresses it")
    how: str = Field(default="", max_length=2000, description="how the AIMS addresses it (required when addressed)")
    addressed_by: list[str] = Field(default_factory=list, max_length=20,
                                    description=f"the processes, controls or risks that address it: {REFERENCE_RULE}")
    reason: str = Field(default="", max_length=2000,
                        description="why the AIMS does not address it (required when not addressed)")

    _known = field_validator("addressed_by")(_references)

    @model_validator(mode="after")
    def _said(self) -> "PartyRequirement":
        if self.addressed and not self.how:
            raise ValueError("how: a requirement the AIMS addresses says how (which process or control, and what "
                             "it does)")
        if not self.addressed and not self.reason:
            raise ValueError("reason: a requirement the AIMS does not address says why")
        if not self.addressed and self.addressed_by:
            raise ValueError(f"addressed_by: a requirement the AIMS does not address names nothing that addresses it "
                             f"(got {', '.join(self.addressed_by)}); mark it addressed and say how")
        return self


class ScopedSystem(Strict):
    """One registered AI system: in or out of the AIMS scope, and the organisation's AI roles for it."""

    system: Slug = Field(description="the id of a registered AI system")
    in_scope: bool = Field(description="the system is inside the AIMS scope")
    roles: list[AIRole] = Field(min_length=1, max_length=len(AI_ROLES),
                                description="the organisation's AI roles for this system (ISO/IEC 22989 and the "
                                            "EU AI Act): " + ", ".join(AI_ROLES))
    reason: str = Field(default="", max_length=2000, description="why it is out of scope (required when out)")

    @field_validator("system")
    @classmethod
    def _registered(cls, value: str, info: ValidationInfo) -> str:
        workspace = (info.context or {}).get("workspace")
        if workspace is not None:
            registered = sorted(s["id"] for s in workspace.register.rows("systems"))
            if value not in registered:
                raise ValueError(f"is not a registered AI system; registered: {', '.join(registered) or 'none yet'}")
        return value

    @field_validator("roles")
    @classmethod
    def _once(cls, value: list[str]) -> list[str]:
        repeated = repeated_ids(value)
        if repeated:
            raise ValueError(f"names the role {', '.join(repeated)} more than once")
        return value

    @model_validator(mode="after")
    def _out_says_why(self) -> "ScopedSystem":
        if not self.in_scope and not self.reason:
            raise ValueError(f"reason: {self.system} is out of the AIMS scope; say why")
        return self


class Scope(Strict):
    """The AIMS scope (4.3): what it covers, where its boundaries lie, and the AI systems in and out."""

    statement: str = Field(min_length=1, max_length=5000, description="the scope of the AIMS as documented")
    boundaries: str = Field(min_length=1, max_length=5000,
                            description="its boundaries: the organisational units, sites, activities and life-cycle "
                                        "stages inside, and what is outside")
    systems: list[ScopedSystem] = Field(default_factory=list, max_length=2000,
                                        description="each registered AI system, in or out of scope")


class ContextAnswers(Strict):
    """The issues, the interested parties with their requirements, and the AIMS scope."""

    model_config = ConfigDict(json_schema_extra={"title": "Context of the organisation answers"})

    issues: list[Issue] = Field(min_length=1, max_length=200)
    climate_change: ClimateChange
    parties: list[InterestedParty] = Field(min_length=1, max_length=200)
    requirements: list[PartyRequirement] = Field(min_length=1, max_length=1000)
    scope: Scope

    @model_validator(mode="after")
    def _ids(self) -> "ContextAnswers":
        for name, ids in (("issues", [i.id for i in self.issues]), ("parties", [p.id for p in self.parties]),
                          ("requirements", [r.id for r in self.requirements]),
                          ("scope.systems", [s.system for s in self.scope.systems])):
            repeated = repeated_ids(ids)
            if repeated:
                raise ValueError(f"{name}: each is named once; repeated: {', '.join(repeated)}")
        parties = [p.id for p in self.parties]
        for i, r in enumerate(self.requirements):
            if r.party not in parties:
                raise ValueError(f"requirements[{i}].party: unknown interested party {r.party!r}; allowed: "
                                 f"{', '.join(parties)}")
        return self


class Reference(BaseModel):
    """What addresses an issue or a requirement, resolved: its kind, its title and, for a risk, its run."""

    ref: str
    kind: Literal["control", "process", "risk"]
    label: str
    run_id: str = ""
    path: str = ""


class IssueResult(BaseModel):
    id: str
    kind: str
    description: str
    effect: str
    addressed_by: list[Reference]


class RequirementResult(BaseModel):
    id: str
    party: str
    party_name: str
    requirement: str
    addressed: bool
    how: str
    reason: str
    addressed_by: list[Reference]


class PartyResult(BaseModel):
    id: str
    name: str
    kind: str
    requirements: int
    addressed: int


class SystemDecision(BaseModel):
    """A registered AI system and what the scope decides on it."""

    system_id: str
    name: str
    tier: str
    decision: Literal["in scope", "out of scope", "not decided"]
    roles: list[str]
    reason: str


class ContextFlag(BaseModel):
    """Something the record leaves open, which the evidence and the portfolio flag."""

    clause: str
    subject: str
    message: str


class ContextResults(BaseModel):
    """Every computed result of a context record."""

    as_of: date
    issues: list[IssueResult]
    climate_change: ClimateChange
    parties: list[PartyResult]
    requirements: list[RequirementResult]
    statement: str
    boundaries: str
    systems: list[SystemDecision] = Field(description="every registered AI system with the scope's decision")
    flags: list[ContextFlag]


def risk_assessment_on(workspace, system_id: str, on: date) -> dict | None:
    """The system's latest archived risk assessment effective on or before ``on``, or ``None``."""
    runs = [r for r in workspace.register.evidence_list(system_id=system_id, process="risk-assessment")
            if r["status"] != "failed" and r["effective_date"] <= on]
    return max(runs, key=lambda r: (r["effective_date"], r["recorded_at"]), default=None)


def resolve_reference(workspace, field: str, ref: str, on: date) -> Reference:
    """What ``ref`` names, checked against the content, the installed processes and the register; a risk
    must be in its system's latest risk assessment dated on or before ``on``. ``InputError`` naming
    ``field`` otherwise."""
    from workbench.processes import processes

    try:
        kind = reference_kind(ref, workspace.content)
    except ValueError as err:
        raise InputError.single(field, ref, str(err)) from None
    if kind == "control":
        return Reference(ref=ref, kind=kind, label=f"{ref} {workspace.content.control(ref).title}")
    if kind == "process":
        return Reference(ref=ref, kind=kind, label=processes()[ref].title)
    system_id, risk_id = RISK_REFERENCE.fullmatch(ref).groups()
    registered = sorted(s["id"] for s in workspace.register.rows("systems"))
    if system_id not in registered:
        raise InputError.single(field, ref, f"names {system_id!r}, not a registered AI system; registered: "
                                            f"{', '.join(registered) or 'none yet'}")
    run = risk_assessment_on(workspace, system_id, on)
    if run is None:
        raise InputError.single(field, ref, f"{system_id} has no risk assessment effective on or before "
                                            f"{on.isoformat()}; cite a control or a process instead")
    risks = {r["risk_id"]: r for r in workspace.register.rows("risks", run_id=run["run_id"])}
    if risk_id not in risks:
        raise InputError.single(field, ref, f"is not a risk of {system_id}'s risk assessment {run['run_id']}; "
                                            f"its risks: {', '.join(sorted(risks)) or 'none'}")
    return Reference(ref=ref, kind=kind, label=f"{system_id} {risk_id}: {risks[risk_id]['title']}",
                     run_id=run["run_id"], path=run["path"])


def check(workspace, request) -> None:
    """Every risk named as addressing an issue or a requirement exists in its system's latest risk
    assessment dated on or before the record."""
    answers: ContextAnswers = request.answers
    for name, entries in (("issues", answers.issues), ("requirements", answers.requirements)):
        for i, entry in enumerate(entries):
            for j, ref in enumerate(entry.addressed_by):
                resolve_reference(workspace, f"{name}[{i}].addressed_by[{j}]", ref, request.effective_date)


def assess(answers: ContextAnswers, workspace, request) -> ContextResults:
    """Resolve what addresses each issue and requirement, put every registered system in, out or
    not decided, and flag what the record leaves open."""
    on = request.effective_date

    def resolved(name: str, i: int, refs: list[str]) -> list[Reference]:
        return [resolve_reference(workspace, f"{name}[{i}].addressed_by[{j}]", ref, on) for j, ref in enumerate(refs)]

    flags = []
    issues = [IssueResult(**issue.model_dump(exclude={"addressed_by"}), addressed_by=resolved("issues", i, issue.addressed_by))
              for i, issue in enumerate(answers.issues)]
    flags += [ContextFlag(clause="4.1", subject=issue.id, message=f"{issue.kind} issue {issue.id} has no risk, "
                                                                   "process or control addressing it")
              for issue in issues if not issue.addressed_by]
    names = {p.id: p.name for p in answers.parties}
    requirements = [RequirementResult(**r.model_dump(exclude={"addressed_by"}), party_name=names[r.party],
                                      addressed_by=resolved("requirements", i, r.addressed_by))
                    for i, r in enumerate(answers.requirements)]
    parties = []
    for p in answers.parties:
        own = [r for r in requirements if r.party == p.id]
        parties.append(PartyResult(id=p.id, name=p.name, kind=p.kind, requirements=len(own),
                                   addressed=sum(r.addressed for r in own)))
        if not own:
            flags.append(ContextFlag(clause="4.2", subject=p.id, message=f"interested party {p.name} ({p.id}) has "
                                                                         "no requirement recorded"))
    decided = {s.system: s for s in answers.scope.systems}
    systems = []
    for row in sorted(workspace.register.rows("systems"), key=lambda r: r["id"]):
        s = decided.get(row["id"])
        systems.append(SystemDecision(system_id=row["id"], name=row["name"], tier=row["tier"],
                                      decision=NOT_DECIDED if s is None else "in scope" if s.in_scope else "out of scope",
                                      roles=list(s.roles) if s else [], reason=s.reason if s else ""))
        if s is None:
            flags.append(ContextFlag(clause="4.3", subject=row["id"], message=f"registered AI system {row['id']} is "
                                                                              "neither in nor out of the AIMS scope"))
    return ContextResults(as_of=on, issues=issues, climate_change=answers.climate_change, parties=parties,
                          requirements=requirements, statement=answers.scope.statement,
                          boundaries=answers.scope.boundaries, systems=systems, flags=flags)


def _refs(entry: dict) -> list[str]:
    return [r["ref"] for r in entry["addressed_by"]]


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One row per issue, per requirement, and per system the scope decides on."""
    return {
        "context_issues": [{"issue_id": i["id"], "kind": i["kind"], "description": i["description"],
                            "effect": i["effect"], "addressed_by": _refs(i)} for i in results["issues"]],
        "context_requirements": [{"requirement_id": r["id"], "party_id": r["party"], "party": r["party_name"],
                                  "requirement": r["requirement"], "addressed": r["addressed"], "how": r["how"],
                                  "reason": r["reason"], "addressed_by": _refs(r)} for r in results["requirements"]],
        "context_scope": [{"ai_system_id": s["system_id"], "in_scope": s["decision"] == "in scope",
                           "roles": s["roles"], "reason": s["reason"]}
                          for s in results["systems"] if s["decision"] != NOT_DECIDED]}


def headline(results: dict) -> str:
    """One line for the portfolio: the flags first, then the scope, the issues and the requirements."""
    systems = results["systems"]
    count = {d: sum(s["decision"] == d for s in systems) for d in ("in scope", "out of scope", NOT_DECIDED)}
    requirements = results["requirements"]
    flags = results["flags"]
    return ((f"{len(flags)} flag(s); " if flags else "no flag; ")
            + f"{count['in scope']} system(s) in scope, {count['out of scope']} out"
            + (f", {count[NOT_DECIDED]} not decided" if count[NOT_DECIDED] else "")
            + f"; {len(results['issues'])} issue(s); {sum(r['addressed'] for r in requirements)} of "
              f"{len(requirements)} party requirement(s) addressed")


def latest_context(workspace, on: date | None = None) -> dict | None:
    """The evidence row of the latest context record (effective on or before ``on``, when given), or ``None``."""
    runs = [r for r in workspace.register.evidence_list(process=NAME)
            if r["status"] != "failed" and (on is None or r["effective_date"] <= on)]
    return max(runs, key=lambda r: (r["effective_date"], r["recorded_at"]), default=None)


def context_results(workspace, record: dict) -> dict:
    """The archived results of a context record (its evidence row)."""
    path = workspace.evidence_dir / record["path"] / "results.json"
    return json.loads(path.read_text(encoding="utf-8"))["results"]


def ai_roles(workspace) -> dict[str, list[str]]:
    """The organisation's AI roles for each AI system the latest context record decides on:
    ``{system_id: [role, ...]}`` (empty without a context record)."""
    record = latest_context(workspace)
    if record is None:
        return {}
    return {r["ai_system_id"]: list(r["roles"])
            for r in sorted(workspace.register.rows("context_scope", run_id=record["run_id"]),
                            key=lambda r: r["ai_system_id"])}


def review_section(workspace, since: date | None, today: date) -> dict:
    """The changes in the issues and in the AIMS scope since the previous management review (9.3.2 b): the
    latest context record on ``today`` against the one in force at ``since`` (every entry is new at a first
    review); without a context record, the review is told there is none."""
    latest = latest_context(workspace, today)
    section = {"title": "Changes in the context of the organisation", "clause": "9.3.2 b",
               "columns": ["Change", "Entry", "Now", "Before"]}
    if latest is None:
        return {**section, "note": "No context record (4.1 to 4.3): the changes in external and internal issues "
                                   "cannot be shown; record the context ('workbench run context').", "rows": []}
    earlier = latest_context(workspace, since) if since is not None else None
    now = context_results(workspace, latest)
    before = context_results(workspace, earlier) if earlier and earlier["run_id"] != latest["run_id"] else None
    if earlier is not None and before is None:
        return {**section, "note": f"The context record {latest['run_id']} was in force at the previous review: "
                                   "no change.", "rows": []}

    def entries(results: dict | None) -> dict[str, str]:
        if results is None:
            return {}
        found = {f"{i['kind']} issue {i['id']}": f"{i['description']} (effect: {i['effect']})" for i in results["issues"]}
        found.update({f"scope: {d['system_id']}": d["decision"] + (f", {', '.join(d['roles'])}" if d.get("roles") else "")
                      for d in results["systems"]})
        return found

    new, old = entries(now), entries(before)
    rows = ([["new", key, new[key], ""] for key in new if key not in old]
            + [["changed", key, new[key], old[key]] for key in new if key in old and new[key] != old[key]]
            + [["no longer listed", key, "", old[key]] for key in old if key not in new])
    note = (f"The context record {latest['run_id']} against {earlier['run_id']}, in force at the previous review."
            if earlier else f"The context record {latest['run_id']}: the first review to see it, so every entry is new.")
    return {**section, "note": note, "rows": rows}


def portfolio_flags(workspace) -> list:
    """The latest context record's flags, as the portfolio lists them beside documented information's."""
    from workbench.records.documented_information import Flag

    record = latest_context(workspace)
    if record is None:
        return []
    return [Flag("context", f["subject"], f"Context of the organisation ({record['run_id']})", f["clause"],
                 f["message"]) for f in context_results(workspace, record)["flags"]]

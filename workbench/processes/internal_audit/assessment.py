"""Internal audit (ISO/IEC 42001 9.2): the audit programme and what its cycle covers, impartiality,
the checklist a scope generates, and the grading of each item on cited evidence.

A finding cites evidence of any kind (:mod:`workbench.records.citations`): archived runs, entries
of the register of documented information, nonconformities, interviews, samples and outside
records, none dated after the audit. A 'conforming' result cites at least one."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.pipeline.archive import append_locked, locked
from workbench.records.citations import cite
from workbench.exceptions import InputError, UnknownRecordError
from workbench.records.nonconformity import actions, open_nonconformity
from workbench.processes.soa.assessment import cited_entry, require_soa
from workbench.systems import ORGANISATION
from workbench.validate import Slug, Strict, check_planned, known_person, model_from, repeated_ids

GRADES = ("conforming", "major nonconformity", "minor nonconformity", "observation",
          "opportunity for improvement", "not applicable")
NONCONFORMITIES = ("major nonconformity", "minor nonconformity")
RULE_OWN_SYSTEM = "impartiality: an auditor may not audit an AI system they own"
RULE_OWN_EVIDENCE = "impartiality: an auditor may not audit evidence they produced"
RULE_ASSIGNED = "the audit is run by one of its planned auditors"
CYCLE_YEARS = 3


class AuditPlan(Strict):
    """One audit in the programme: why, what, against what, when, and by whom."""

    id: Slug
    title: str = Field(min_length=1, max_length=200)
    objectives: str = Field(min_length=1, max_length=5000)
    clauses: list[str] = Field(default_factory=list, description="clause ids, e.g. 9.2 (its sub-clauses follow)")
    controls: list[str] = Field(default_factory=list, description="Annex A or added control ids")
    systems: list[Slug] = Field(default_factory=list, description="AI systems in scope")
    criteria: str = Field(min_length=1, max_length=5000, description="what conformity is judged against")
    start_date: date
    end_date: date
    auditors: list[Slug] = Field(min_length=1, max_length=20)

    @field_validator("clauses")
    @classmethod
    def _known_clauses(cls, value: list[str], info: ValidationInfo) -> list[str]:
        content = (info.context or {}).get("content")
        ids = [c.id for c in content.clauses] if content else []
        for item in value:
            if ids and item not in ids:
                raise ValueError(f"unknown clause {item!r}; allowed: clause ids 4 to 10.2, e.g. 9.2 or 7.5.3")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _coherent(self) -> "AuditPlan":
        if self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        if not (self.clauses or self.controls or self.systems):
            raise ValueError("the scope is empty: give clauses, controls or AI systems")
        return self


def plan_audit(workspace, data: dict, planned_by: str = "") -> AuditPlan:
    """Validate an audit, enforce impartiality, and add it to the programme (register and ledger).

    Raises
    ------
    InputError
        A bad field, an unknown reference, an auditor without the auditor role, or an auditor
        who owns an AI system in scope (the message names the rule and the record).
    """
    from workbench.pipeline.recovery import index_entry, recover_locked
    from workbench.records.identity import acting_person

    plan = model_from(AuditPlan, data, workspace.validation_context(), what="audit")
    owners = {system_id: workspace.register.system(system_id).owner for system_id in plan.systems}
    for i, auditor in enumerate(plan.auditors):
        refused = auditor_refusal(workspace.config, auditor, owners)
        if refused:
            raise InputError.single(f"auditors[{i}]", auditor, refused)
    if plan.controls:
        known = set(workspace.content.control_ids()) | set(require_soa(workspace, "controls", plan.controls))
        for i, control in enumerate(plan.controls):
            if control not in known:
                raise InputError.single(f"controls[{i}]", control, "is not an Annex A control nor one the SoA adds")
    signer = acting_person(workspace, planned_by, "planned_by")
    who = signer.id
    with locked(workspace.evidence_dir):
        recover_locked(workspace)
        if workspace.register.rows("audits", id=plan.id):
            raise InputError.single("id", plan.id, "is already in the audit programme; choose another id")
        now = datetime.now(timezone.utc)
        entry = append_locked(workspace.evidence_dir, {"kind": "audit-plan", **plan.model_dump(mode="json"),
                                                       "planned_by": who,
                                                       "recorded_at": now.isoformat(timespec="seconds")}, signer)
        index_entry(workspace, entry)
    return plan


def plan_rows(entry: dict) -> dict[str, list[dict]]:
    """The audit programme's row of an ``audit-plan`` ledger entry."""
    return {"audits": [{**{k: entry[k] for k in AuditPlan.model_fields}, "planned_by": entry["planned_by"],
                        "planned_at": entry["recorded_at"]}]}


def auditor_refusal(config, auditor: str, owners: dict[str, str]) -> str | None:
    """Why ``auditor`` may not audit a scope whose AI systems have these ``owners`` (``{system id: owner}``)
    under ``config``, or ``None``: an auditor is a person holding the auditor role who owns none of them."""
    people = {p.id: p for p in config.people}
    if auditor not in people:
        return f"is not a person; allowed: {', '.join(people)}"
    if "auditor" not in people[auditor].roles:
        holders = ", ".join(p.id for p in config.people_with("auditor")) or "nobody yet"
        return f"does not hold the auditor role; people who do: {holders}"
    for system_id, owner in owners.items():
        if owner == auditor:
            return (f"{RULE_OWN_SYSTEM}: {auditor} owns AI system {system_id}; assign another auditor or take "
                    f"{system_id} out of scope")
    return None


def plan_refusal(config, entry: dict, ledger) -> str | None:
    """:func:`auditor_refusal` of each auditor of an ``audit-plan`` entry, with the owners its AI systems
    were registered with."""
    systems, auditors = entry.get("systems"), entry.get("auditors")
    if not all(isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in (systems, auditors)):
        return "its auditors and systems are not lists of ids"
    owners = {system_id: ledger.owner(system_id) for system_id in systems}
    for i, auditor in enumerate(auditors):
        refused = auditor_refusal(config, auditor, owners)
        if refused:
            return f"auditors[{i}] {auditor} {refused}"
    return None


def audit_plan(workspace, audit_id: str) -> AuditPlan:
    """The planned audit ``audit_id``."""
    rows = workspace.register.rows("audits", id=audit_id)
    if not rows:
        known = ", ".join(sorted(r["id"] for r in workspace.register.rows("audits"))) or "none yet ('workbench audit plan')"
        raise UnknownRecordError.single("audit_id", audit_id, f"is not a planned audit; planned: {known}")
    return AuditPlan.model_validate({k: v for k, v in rows[0].items() if k in AuditPlan.model_fields})


def audits_frame(workspace):
    """The audit programme as a pandas DataFrame."""
    return workspace.register.frame("audits")


class ChecklistItem(BaseModel):
    """One thing to audit: a clause requirement or a control."""

    id: str
    kind: Literal["clause", "control"]
    title: str
    group: str = Field(description="the top-level clause, or 'Annex A'")
    applicable: bool = Field(description="clauses always; controls as the SoA decides")
    soa_ref: str = Field(default="", description="a control's SoA row, citable as evidence: SOA_RUN_ID#CONTROL")
    soa_decision: str = Field(default="", description="what that row claims: status, owner, justification")


def checklist(workspace, plan: AuditPlan) -> list[ChecklistItem]:
    """The items an audit's scope generates: leaf clause requirements, then the scoped controls.

    A scoped clause stands for the leaf clauses below it. Controls carry the newest SoA's
    decision: an excluded control is on the list only to be marked not applicable.
    """
    content = workspace.content
    parents = {c.id: c.parent for c in content.clauses}
    has_children = {p for p in parents.values() if p}

    def under(clause_id: str, scoped: str) -> bool:
        while clause_id:
            if clause_id == scoped:
                return True
            clause_id = parents.get(clause_id)
        return False

    items = [ChecklistItem(id=c.id, kind="clause", title=c.title, group=c.id.split(".")[0], applicable=True)
             for c in content.clauses
             if c.id not in has_children and any(under(c.id, s) for s in plan.clauses)]
    if plan.controls:
        soa = require_soa(workspace, "controls", plan.controls)
        for control in plan.controls:
            row = soa.get(control)
            decision = ""
            if row:
                decision = (f"{row['status']}; {row['justification']}" if row["included"]
                            else f"excluded: {row['justification']}")
            items.append(ChecklistItem(id=control, kind="control", title=row["title"] if row else control,
                                       group="Annex A", applicable=bool(row and row["included"]),
                                       soa_ref=f"{row['run_id']}#{control}" if row else "", soa_decision=decision))
    return items


class ItemResult(Strict):
    """The auditor's result for one checklist item."""

    item: str = Field(description="clause or control id from the checklist")
    result: Literal[GRADES]  # type: ignore[valid-type]
    notes: str = Field(default="", max_length=10_000, description="the finding, as a statement of fact")
    evidence: list[str] = Field(default_factory=list, max_length=50,
                                description="citations: run ids (RUN_ID#ITEM for a row), doc:ID, nc:ID, "
                                            "interview:/sample:/record:YYYY-MM-DD:description")
    system: str = Field(default="", description="the AI system in scope the finding concerns, if one")
    action_owner: str = Field(default="", max_length=64, description="person id who carries the corrective action")
    action_due: date | None = Field(default=None, description="corrective action due date")

    @model_validator(mode="after")
    def _nonconformity_complete(self) -> "ItemResult":
        if self.result in NONCONFORMITIES:
            missing = [name for name in ("notes", "action_owner", "action_due") if not getattr(self, name)]
            if missing:
                raise ValueError(f"a {self.result} on {self.item} needs {', '.join(missing)}")
        elif self.result in ("observation", "opportunity for improvement") and not self.notes:
            raise ValueError(f"an {self.result} on {self.item} needs notes")
        elif self.result == "conforming" and not self.evidence:
            raise ValueError(f"a conforming result on {self.item} needs the evidence that shows it: cite a run, "
                             "a document (doc:ID), an interview or a sample (interview:YYYY-MM-DD:who and what)")
        return self

    _action_owner_known = field_validator("action_owner")(known_person)


class AuditAnswers(Strict):
    """What the auditor records: which audit, a result per checklist item, and a conclusion."""

    model_config = ConfigDict(json_schema_extra={"title": "Internal audit answers"})

    audit_id: Slug
    items: list[ItemResult] = Field(min_length=1, max_length=500)
    conclusion: str = Field(default="", max_length=10_000)

    @field_validator("items")
    @classmethod
    def _unique(cls, value: list[ItemResult]) -> list[ItemResult]:
        ids = [i.item for i in value]
        repeated = repeated_ids(ids)
        if repeated:
            raise ValueError(f"each checklist item once; repeated: {', '.join(repeated)}")
        return value


def check(workspace, request) -> None:
    """Refuse an audit that breaks impartiality, misses or invents items, or cites unknown evidence."""
    answers: AuditAnswers = request.answers
    plan = audit_plan(workspace, answers.audit_id)
    auditor = request.assessor
    if auditor not in plan.auditors:
        raise InputError.single("assessor", auditor, f"{RULE_ASSIGNED}: audit {plan.id} is assigned to "
                                                     f"{', '.join(plan.auditors)}")
    owners = {system_id: workspace.register.system(system_id).owner for system_id in plan.systems}
    refused = auditor_refusal(workspace.config, auditor, owners)
    if refused:
        raise InputError.single("assessor", auditor, refused)
    items = {i.id: i for i in checklist(workspace, plan)}
    given = [r.item for r in answers.items]
    for i, result in enumerate(answers.items):
        field = f"items[{i}]"
        if result.item not in items:
            raise InputError.single(f"{field}.item", result.item,
                                    f"is not on the checklist of audit {plan.id}; allowed: {', '.join(items)}")
        item = items[result.item]
        if result.result == "not applicable" and item.applicable:
            why = "the SoA includes this control" if item.kind == "control" else "clause requirements always apply"
            raise InputError.single(f"{field}.result", result.result,
                                    f"'not applicable' is only for a control the SoA excludes; {why}")
        if not item.applicable and result.result in NONCONFORMITIES:
            raise InputError.single(f"{field}.result", result.result,
                                    "the SoA excludes this control, so it cannot be nonconforming; "
                                    "record an observation or revisit the SoA")
        check_planned(f"{field}.action_due", result.action_due, request.effective_date)
        if result.system and result.system not in plan.systems:
            raise InputError.single(f"{field}.system", result.system,
                                    f"is not in the audit's scope; allowed: {', '.join(plan.systems) or 'none'}")
        for j, ref in enumerate(result.evidence):
            found = cite(workspace, f"{field}.evidence[{j}]", ref, not_after=request.effective_date,
                         what="the audit (effective date)")
            if found.kind == "run" and found.record["assessor"] == auditor:
                raise InputError.single(f"{field}.evidence[{j}]", ref,
                                        f"{RULE_OWN_EVIDENCE}: {auditor} produced evidence {ref}; "
                                        "another auditor must judge it")
    missing = [i for i in items if i not in given]
    if missing:
        raise InputError.single("items", missing, f"every checklist item needs a result; missing: {', '.join(missing)}")


class Finding(BaseModel):
    """A checklist item with its result and the evidence it cites."""

    item: ChecklistItem
    result: ItemResult
    evidence: list[dict]


class AuditResults(BaseModel):
    """Every computed result of an internal audit."""

    audit: AuditPlan
    auditors: list[str]
    findings: list[Finding]
    by_grade: dict[str, int]
    by_group: dict[str, dict[str, int]] = Field(description="clause or 'Annex A' -> grade -> count")
    earlier_actions: list[dict] = Field(description="open corrective actions when the audit ran")
    as_of: date
    coverage: "Coverage"


class Coverage(BaseModel):
    """What the audit programme's cycle covers: each clause requirement and included control, audited,
    planned or not covered."""

    years: int
    start: date
    end: date = Field(description="the day after the cycle")
    audits: list[dict] = Field(description="the cycle's audits: id, start_date, state (audited or planned)")
    clauses: dict[str, str] = Field(description="leaf clause requirement -> audited, planned or not covered")
    controls: dict[str, str] = Field(description="control the SoA includes -> audited, planned or not covered")

    def uncovered(self, kind: str) -> list[str]:
        """The clause requirements (``clauses``) or controls (``controls``) no audit of the cycle covers."""
        return [k for k, v in getattr(self, kind).items() if v == "not covered"]


AuditResults.model_rebuild()


def audited_ids(workspace) -> set[str]:
    """The ids of the planned audits an archived internal audit run has graded."""
    import json

    ids = set()
    for record in workspace.register.evidence_list(process="internal-audit"):
        results = workspace.evidence_dir / record["path"] / "results.json"
        if record["status"] != "failed" and results.exists():  # a missing file is verify's finding, not this one's
            ids.add(json.loads(results.read_text(encoding="utf-8"))["results"]["audit"]["id"])
    return ids


def programme_coverage(workspace, as_of: date, years: int = CYCLE_YEARS, running: str = "") -> Coverage:
    """What the cycle of ``years`` years that holds ``as_of`` covers.

    The cycle starts with the earliest audit of the programme that starts less than ``years`` before
    ``as_of`` (or on ``as_of`` if there is none). An audit of the cycle covers the items of its
    checklist: ``audited`` once an archived run graded it (``running`` counts as graded), else ``planned``.
    """
    from workbench.processes.gap_analysis.assessment import requirement_ids
    from workbench.processes.soa.assessment import latest_soa

    if not 1 <= years <= 10:
        raise InputError.single("years", years, "the audit cycle is 1 to 10 years")
    plans = [audit_plan(workspace, r["id"]) for r in workspace.register.rows("audits")]
    recent = [p.start_date for p in plans if p.start_date > _years_before(as_of, years)]
    start = min(recent, default=as_of)
    end = _years_before(start, -years)
    graded = audited_ids(workspace) | ({running} if running else set())
    soa = latest_soa(workspace)
    controls = [r["control_id"] for r in soa if r["included"]] if soa else workspace.content.control_ids()
    state = {**{c: "not covered" for c in requirement_ids(workspace.content)}, **{c: "not covered" for c in controls}}
    audits = []
    for plan in sorted(plans, key=lambda p: (p.start_date, p.id)):
        if not start <= plan.start_date < end:
            continue
        done = "audited" if plan.id in graded else "planned"
        audits.append({"id": plan.id, "title": plan.title, "start_date": plan.start_date.isoformat(), "state": done})
        for item in checklist(workspace, plan):
            if item.id in state and state[item.id] != "audited":
                state[item.id] = done
    return Coverage(years=years, start=start, end=end, audits=audits,
                    clauses={k: state[k] for k in requirement_ids(workspace.content)},
                    controls={k: state[k] for k in controls})


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def assess(answers: AuditAnswers, workspace) -> AuditResults:
    """Grade the audit: counts by grade and by clause, findings with evidence, earlier open actions."""
    plan = audit_plan(workspace, answers.audit_id)
    items = {i.id: i for i in checklist(workspace, plan)}
    findings = []
    for result in sorted(answers.items, key=lambda r: list(items).index(r.item)):
        cited = [cited_entry(workspace, ref) for ref in result.evidence]
        findings.append(Finding(item=items[result.item], result=result, evidence=cited))
    grades = Counter(f.result.result for f in findings)
    groups: dict[str, dict[str, int]] = {}
    for f in findings:
        groups.setdefault(f.item.group, {g: 0 for g in GRADES})[f.result.result] += 1
    today = date.today()
    earlier = [{k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in a.items()}
               for a in actions(workspace, today)]
    return AuditResults(audit=plan, auditors=plan.auditors, findings=findings,
                        by_grade={g: grades.get(g, 0) for g in GRADES}, by_group=groups,
                        earlier_actions=earlier, as_of=today,
                        coverage=programme_coverage(workspace, plan.end_date, running=plan.id))


def archived(workspace, evidence, results: dict) -> None:
    """Open a nonconformity for every major or minor finding of an archived audit."""
    for finding in results["findings"]:
        result = finding["result"]
        if result["result"] in NONCONFORMITIES:
            open_nonconformity(
                workspace, source="audit", system_id=result["system"] or ORGANISATION,
                description=result["notes"], evidence_ref=f"{evidence.run_id}#{result['item']}",
                grade=result["result"], owner=result["action_owner"], due_date=result["action_due"],
                opened_by=evidence.ledger_entry["assessor"], opened_on=evidence.ledger_entry["effective_date"],
                source_ref=f"{results['audit']['id']} {result['item']}")


def headline(results: dict) -> str:
    """One line for the portfolio: findings by grade."""
    graded = ", ".join(f"{count} {grade}" for grade, count in results["by_grade"].items() if count)
    return f"{len(results['findings'])} finding(s)" + (f": {graded}" if graded else "")

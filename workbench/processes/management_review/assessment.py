"""The management review (ISO/IEC 42001 9.3): inputs assembled from the register, decisions
recorded as actions with owners and due dates, signed off by top management.

The inputs are what the register holds when the review runs: the status of actions from
previous reviews, nonconformities and corrective actions, audit results, monitoring results
(fairness breaches of impact assessments), readiness from the latest gap analysis, the risk
posture of the latest risk assessments, impact levels, and the register of documented
information, each AI objective's progress and each measure's trend over the periods since the
previous review with the gaps in monitoring (from the objectives record and its measurements), and
the sections other processes add (``Process.review_section``). Changes in context are what top
management states, with its own account of the objectives.

Decisions are not nonconformities, so they do not go through the corrective-action machinery
(which grades nonconformities): each is a row of ``review_actions``. A later review states the
status of every earlier decision; that status is the action's status from then on.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.processes.soa.assessment import latest_runs
from workbench.validate import Strict, check_planned, known_person, repeated_ids

NAME = "management-review"

KINDS = ("improvement", "aims-change", "resources")
ACTION_STATUSES = ("open", "in progress", "done", "dropped")
CLOSED = ("done", "dropped")
OBJECTIVE_STATUSES = ("on track", "at risk", "off track", "achieved")

class ObjectiveProgress(Strict):
    """Progress on one AI objective (6.2)."""

    objective: str = Field(min_length=1, max_length=500)
    status: Literal[OBJECTIVE_STATUSES]  # type: ignore[valid-type]
    note: str = Field(default="", max_length=5000)


class PreviousAction(Strict):
    """The status of an action decided by an earlier review, as this review finds it."""

    id: str = Field(description="the earlier action's id, e.g. MR-2026-1")
    status: Literal[ACTION_STATUSES]  # type: ignore[valid-type]
    note: str = Field(default="", max_length=5000)


class Decision(Strict):
    """A decision of the review, carried out as an action."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$", description="unique id, e.g. MR-2027-1")
    kind: Literal[KINDS]  # type: ignore[valid-type]
    decision: str = Field(min_length=1, max_length=5000)
    owner: str = Field(min_length=1, max_length=64, description="person id")
    due_date: date

    _owner = field_validator("owner")(known_person)


class ManagementReviewAnswers(Strict):
    """What top management states and decides."""

    model_config = ConfigDict(json_schema_extra={"title": "Management review answers"})

    context_changes: str = Field(min_length=1, max_length=10_000,
                                 description="changes in external and internal issues and in interested parties' needs")
    objectives: list[ObjectiveProgress] = Field(min_length=1, max_length=100)
    previous_actions: list[PreviousAction] = Field(default_factory=list, max_length=500)
    opportunities: str = Field(default="", max_length=10_000, description="opportunities for improvement")
    decisions: list[Decision] = Field(min_length=1, max_length=200)
    conclusion: str = Field(min_length=1, max_length=10_000,
                            description="whether the AIMS remains suitable, adequate and effective")

    @model_validator(mode="after")
    def _unique(self) -> "ManagementReviewAnswers":
        for name, ids in (("decisions", [d.id for d in self.decisions]),
                          ("previous_actions", [a.id for a in self.previous_actions])):
            dupes = repeated_ids(ids)
            if dupes:
                raise ValueError(f"{name}: ids must be unique; repeated: {', '.join(dupes)}")
        return self


class ManagementReviewResults(BaseModel):
    """The assembled inputs, the decisions and the sign-off."""

    as_of: date
    previous_actions: list[dict] = Field(description="actions of earlier reviews with their status now")
    nonconformities: dict = Field(description="counts by status and grade; the open and overdue actions")
    audits: list[dict] = Field(description="the latest internal audits with their findings by grade")
    monitoring: list[dict] = Field(description="latest impact assessment per system: level, fairness breaches")
    readiness: dict | None = Field(description="the latest gap analysis: overall, per group, gaps")
    risk_posture: dict = Field(description="residual risks of the latest risk assessments by band")
    documented_information: list[dict] = Field(description="flags of the register of documented information")
    since: date | None = Field(default=None, description="the previous review's effective date")
    measured_objectives: dict | None = Field(
        default=None, description="the objectives record in force: progress, trends since the previous review, gaps")
    register_sections: list[dict] = Field(default_factory=list, description="sections other registers add")
    decisions: list[Decision]


def check(workspace, request) -> None:
    """Every earlier action a review reports on must exist, and a decision id must be new and due within the
    planning horizon."""
    from workbench.exceptions import InputError

    earlier = {r["action_id"] for r in workspace.register.rows("review_actions")}
    for i, action in enumerate(request.answers.previous_actions):
        if action.id not in earlier:
            known = ", ".join(sorted(earlier)) or "none yet"
            raise InputError.single(f"previous_actions[{i}].id", action.id,
                                    f"is not an action of an earlier review; known: {known}")
    for i, decision in enumerate(request.answers.decisions):
        if decision.id in earlier:
            raise InputError.single(f"decisions[{i}].id", decision.id, "is already the id of an earlier review's action")
        check_planned(f"decisions[{i}].due_date", decision.due_date, request.effective_date)


def _results(workspace, record: dict) -> dict:
    return json.loads((workspace.evidence_dir / record["path"] / "results.json").read_text(encoding="utf-8"))


def previous_actions(workspace, today: date, reported: dict[str, PreviousAction] | None = None) -> list[dict]:
    """Every action of earlier reviews with its latest status: the last review that reported on
    it, else ``open``; overlaid with what this review reports. Overdue if past due and not closed."""
    reported = reported or {}
    rows = workspace.register.rows("review_actions")
    evidence = {r["run_id"]: r for r in workspace.register.rows("evidence")}
    status: dict[str, tuple] = {}
    for record in sorted(_review_records(workspace), key=lambda r: (r["effective_date"], r["recorded_at"])):
        for item in _results(workspace, record)["answers"].get("previous_actions", []):
            status[item["id"]] = (item["status"], item.get("note", ""), record["run_id"])
    found = []
    for row in sorted(rows, key=lambda r: (r["due_date"], r["action_id"])):
        state, note, source = status.get(row["action_id"], ("open", "", ""))
        if row["action_id"] in reported:
            state, note, source = reported[row["action_id"]].status, reported[row["action_id"]].note, "this review"
        found.append({"id": row["action_id"], "decided_in": row["run_id"],
                      "decided_on": evidence[row["run_id"]]["effective_date"].isoformat(),
                      "kind": row["kind"], "decision": row["decision"], "owner": row["owner"],
                      "due_date": row["due_date"].isoformat(), "status": state, "note": note,
                      "reported_in": source, "overdue": state not in CLOSED and row["due_date"] < today})
    return found


def _review_records(workspace) -> list[dict]:
    return [r for r in workspace.register.evidence_list(process=NAME) if r["status"] != "failed"]


def nonconformity_summary(workspace, today: date) -> dict:
    """Nonconformities and their corrective actions: counts, and the actions not yet closed."""
    from workbench.records.nonconformity import actions

    every = actions(workspace, today, only_open=False)
    open_ = [a for a in every if a["status"] != "verified effective"]
    return {"total": len(every), "by_status": dict(Counter(a["status"] for a in every)),
            "by_grade": dict(Counter(a["grade"] for a in every)),
            "overdue": sum(a["overdue"] for a in every),
            "open": [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in a.items()
                      if k in ("nc_id", "source", "system_id", "grade", "description", "status", "owner",
                               "due_date", "overdue")} for a in open_]}


def audit_summary(workspace) -> list[dict]:
    """The latest internal audit results: audit, date, findings by grade, conclusion."""
    found = []
    for record in workspace.register.evidence_list(process="internal-audit"):
        if record["status"] == "failed":
            continue
        data = _results(workspace, record)
        found.append({"run_id": record["run_id"], "path": record["path"], "audit_id": data["answers"]["audit_id"],
                      "effective_date": record["effective_date"].isoformat(),
                      "by_grade": data["results"]["by_grade"], "conclusion": data["answers"].get("conclusion", "")})
    return found[:5]


def monitoring_summary(workspace) -> list[dict]:
    """The latest impact assessment of each system: impact level, classification, fairness breaches."""
    found = []
    for record in latest_runs(workspace, "impact-assessment"):
        for row in workspace.register.rows("impact_assessments", run_id=record["run_id"]):
            found.append({"system_id": row["system_id"], "run_id": record["run_id"], "path": record["path"],
                          "effective_date": record["effective_date"].isoformat(), "level": row["level"],
                          "classification": row["classification"], "fairness_breaches": row["fairness_breaches"]})
    return sorted(found, key=lambda r: r["system_id"])


def readiness_summary(workspace) -> dict | None:
    """Readiness from the latest gap analysis, or ``None`` if there is none."""
    records = latest_runs(workspace, "gap-analysis")
    if not records:
        return None
    results = _results(workspace, records[0])["results"]
    return {"run_id": records[0]["run_id"], "path": records[0]["path"],
            "effective_date": records[0]["effective_date"].isoformat(), "overall": results["overall"],
            "clause_readiness": results["clause_readiness"], "control_readiness": results["control_readiness"],
            "gaps": len(results["gaps"]), "planned_actions": len(results["plan"]),
            "groups": [{"group": g["group"], "title": g["title"], "readiness": g["readiness"]} for g in results["groups"]]}


def risk_posture(workspace, criteria) -> dict:
    """Residual risks of the latest risk assessment of each system, by band, and those above appetite."""
    bands = criteria.band_names()
    counts: Counter = Counter()
    above, systems = [], []
    for record in latest_runs(workspace, "risk-assessment"):
        systems.append(record["system_id"])
        for risk in workspace.register.rows("risks", run_id=record["run_id"]):
            counts[risk["residual_band"]] += 1
            if risk["above_appetite"]:
                above.append({"system_id": risk["system_id"], "risk_id": risk["risk_id"], "title": risk["title"],
                              "residual_band": risk["residual_band"], "owner": risk["owner"]})
    return {"systems": sorted(systems), "by_band": {b: counts.get(b, 0) for b in bands},
            "above_appetite": sorted(above, key=lambda r: (r["system_id"], r["risk_id"])),
            "appetite": criteria.appetite}


def previous_review(workspace, today: date) -> date | None:
    """The effective date of the latest review archived so far (on or before ``today``), or ``None``."""
    return max((r["effective_date"] for r in _review_records(workspace) if r["effective_date"] <= today), default=None)


def measured_objectives(workspace, since: date | None, today: date) -> dict | None:
    """The objectives record in force: each objective's progress, each measure's series over the periods
    since the previous review, and the gaps in monitoring; ``None`` without an objectives record."""
    from workbench.processes.objectives.assessment import in_force_since
    from workbench.processes.objectives.measurements import current_plan, measurements
    from workbench.processes.objectives.trends import gaps, objective_progress, trends

    found = current_plan(workspace)
    if found is None:
        return None
    record, plan = found
    rows = measurements(workspace)
    series = trends(plan, rows, since=since, until=today)
    return {"run_id": record["run_id"], "path": record["path"], "effective_date": record["effective_date"].isoformat(),
            "objectives": objective_progress(plan, series, today), "trends": [t.as_dict() for t in series],
            "gaps": gaps(plan, rows, today, in_force=in_force_since(workspace))}


def register_sections(workspace, since: date | None, today: date) -> list[dict]:
    """The sections the installed processes add (``Process.review_section``), by process name."""
    from workbench.processes import processes

    found = []
    for name, process in processes().items():
        section = process.review_section(workspace, since, today) if process.review_section else None
        if section:
            found.append({"name": name, **section})
    return found


def assemble_inputs(workspace, today: date, reported: dict[str, PreviousAction] | None = None) -> dict:
    """Every input of the review that the register holds, as of ``today``."""
    from workbench.records.documented_information import flags

    since = previous_review(workspace, today)
    return {"as_of": today, "since": since, "measured_objectives": measured_objectives(workspace, since, today),
            "register_sections": register_sections(workspace, since, today),
            "previous_actions": previous_actions(workspace, today, reported),
            "nonconformities": nonconformity_summary(workspace, today), "audits": audit_summary(workspace),
            "monitoring": monitoring_summary(workspace), "readiness": readiness_summary(workspace),
            "risk_posture": risk_posture(workspace, workspace.config.risk_criteria),
            "documented_information": [f.as_dict() for f in flags(workspace, today)]}


def assess(answers: ManagementReviewAnswers, workspace) -> ManagementReviewResults:
    """Assemble the inputs as the register holds them today, and record the decisions.

    The sign-off is the run's assessor, who must hold the top_management role (checked before the run).
    """
    inputs = assemble_inputs(workspace, date.today(), {a.id: a for a in answers.previous_actions})
    return ManagementReviewResults(**inputs, decisions=answers.decisions)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per decision."""
    return {"review_actions": [
        {"action_id": d["id"], "kind": d["kind"], "decision": d["decision"], "owner": d["owner"],
         "due_date": date.fromisoformat(d["due_date"])} for d in results["decisions"]]}


def headline(results: dict) -> str:
    """One line for the portfolio: how many decisions the review took."""
    return f"{len(results['decisions'])} decision(s)"

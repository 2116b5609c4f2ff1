"""The incident report: one incident's whole timeline as archived evidence, where its report to the
authority stands, and the records it leads to (the nonconformity it opens, the event that makes the
system's risk and impact assessments due, and those assessments made since)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from workbench.processes.incident_report.incidents import current, link_nonconformity, timeline
from workbench.validate import Strict

ASSESSMENTS = ("risk-assessment", "impact-assessment")


class IncidentReportAnswers(Strict):
    """What the person archiving the report adds; the incident's facts come from its timeline."""

    note: str = Field(default="", max_length=5000, description="anything the report should add (optional)")


class IncidentReportResults(BaseModel):
    """The incident as its timeline stands on the report's effective date, and what it leads to."""

    incident: dict
    timeline: list[dict]
    clock: dict
    concern: dict | None
    nonconformity: dict | None
    event: dict | None
    reviews: list[dict]
    reassessments: list[dict]


def check(workspace, request) -> None:
    """Before anything runs: the item is a recorded incident of the system."""
    current(workspace, request.item.id)


def assess(answers: IncidentReportAnswers, workspace, request) -> IncidentReportResults:
    """Read the incident's timeline and the records it leads to from the register."""
    from workbench.processes.incident_report.concerns import concern
    from workbench.records.nonconformity import actions
    from workbench.scheduling.cadence import review_states

    day = request.effective_date
    incident = current(workspace, request.item.id, today=day)
    entries = [{"seq": r["seq"], "at": r["updated_at"].isoformat(), "by": r["updated_by"], "note": r["note"],
                "changed": r["changed"], "state": r["state"]} for r in timeline(workspace, request.item.id)]
    nc = None
    if incident["nonconformity"]:
        found = [a for a in actions(workspace, day, only_open=False) if a["nc_id"] == incident["nonconformity"]]
        nc = found[0] if found else {"nc_id": incident["nonconformity"]}
    event = next(({"occurred_on": e["occurred_on"].isoformat(), "kind": e["kind"], "note": e["note"],
                   "ledger_hash": e["ledger_hash"]} for e in workspace.register.events(request.system.id)
                  if incident["event"] and e["ledger_hash"] == incident["event"]), None)
    reviews = [s.as_dict() for s in review_states(workspace, day, list(ASSESSMENTS))
               if s.system_id == request.system.id and not s.item_id]
    aware = incident["aware_on"]
    reassessed = [{"run_id": r["run_id"], "process": r["process"], "effective_date": r["effective_date"].isoformat(),
                   "status": r["status"], "path": r["path"]}
                  for process in ASSESSMENTS for r in workspace.register.evidence_list(request.system.id, process)
                  if r["status"] != "failed" and r["effective_date"].isoformat() >= aware]
    raised = None
    if incident["concern"]:
        row = concern(workspace, incident["concern"])
        raised = {k: row[k] for k in ("concern_id", "text", "anonymous", "raised_by")}
        raised["raised_at"] = row["raised_at"].isoformat()
    return IncidentReportResults(incident={k: v for k, v in incident.items() if k != "clock"}, timeline=entries,
                                 clock=incident["clock"], concern=raised, nonconformity=nc, event=event,
                                 reviews=reviews, reassessments=reassessed)


def archived(workspace, evidence, results: dict) -> None:
    """Open the incident's nonconformity (source ``incident``) from its first report, and record it on the
    timeline; an incident that already has one keeps it."""
    from workbench.records.nonconformity import open_nonconformity

    incident = results["incident"]
    if incident["nonconformity"] or incident["status"] == "closed":
        return
    person = evidence.ledger_entry["assessor"]
    nc_id = open_nonconformity(
        workspace, source="incident", system_id=incident["system_id"],
        description=f"Incident {incident['incident_id']}: {incident['title']}. {incident['what_happened']}"[:5000],
        evidence_ref=evidence.run_id, grade="major nonconformity" if incident["serious"] else "minor nonconformity",
        opened_by=person, source_ref=incident["incident_id"], root_cause=incident["root_cause"],
        correction="; ".join(c["action"] for c in incident["containment"])[:5000])
    link_nonconformity(workspace, incident["incident_id"], nc_id, person)


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One row per report: the timeline's length and where the incident and its authority report stood."""
    i = results["incident"]
    return {"incident_reports": [{"timeline_entries": len(results["timeline"]), "status": i["status"],
                                  "severity": i["severity"], "serious": i["serious"],
                                  "authority_report": results["clock"]["status"],
                                  "nonconformity": i["nonconformity"]}]}


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    i, clock = results["incident"], results["clock"]
    line = f"{i['status']}, {i['severity']}" + (", serious" if i["serious"] else "")
    if clock["status"] != "not required":
        line += f"; authority report {clock['status']}" + (f" (due {clock['due_on']})" if clock["due_on"] else "")
    return line


def breaches(results: dict) -> list[str]:
    """An authority report overdue, as a periodic review's nonconformity states it."""
    clock, i = results["clock"], results["incident"]
    if clock["status"] != "overdue":
        return []
    return [f"incident {i['incident_id']}: report to the market surveillance authority {clock['status']}, "
            f"due {clock['due_on']}"]

"""The demo's incidents and concerns: the CV screening ranker down-ranked applicants with a career
break, a serious incident of a high-risk system found 18 days ago, contained and told to the
candidates, but never reported to the market surveillance authority, so its report is overdue and
the evidence flags it; and an anonymous concern about the support assistant, which only the AIMS
manager can trace to the assessor who raised it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

SYSTEM = "cv-screening"
AWARE_DAYS_AGO = 18  # past the 15 days Art. 73 allows for a serious incident of this kind


def incident_entry(today: date) -> dict:
    """The incident as the system owner recorded it the day the organisation became aware."""
    aware = today - timedelta(days=AWARE_DAYS_AGO)
    return {"title": "Applicants with a career break ranked down",
            "what_happened": "Recruiters noticed that CVs with a gap of a year or more were ranked in the bottom "
                             "third whatever their experience; most such gaps were parental leave.",
            "detected_on": (aware - timedelta(days=1)).isoformat(), "detected_by": "two recruiters, in a team review",
            "aware_on": aware.isoformat(), "severity": "major", "harm_category": "discrimination",
            "affected": ["job applicants with a career break", "recruiters relying on the shortlist"],
            "affected_count": 312, "serious": True, "serious_ground": "other-serious-harm"}


def run_incidents(workspace, examples: Path, progress):
    """Raise the concern, record the incident and its response, and archive its report."""
    from workbench.pipeline.run import run_process
    from workbench.processes.incident_report.concerns import raise_concern
    from workbench.processes.incident_report.incidents import add_incident, update_incident

    today = date.today()
    raise_concern(workspace, "support-assistant", "The assistant tells some customers their loan is approved "
                  "before anyone has decided.", anonymous=True, person="tomas")
    entry = incident_entry(today)
    (examples / "incident-cv-screening.yaml").write_text(yaml.safe_dump(entry, sort_keys=False))
    incident = add_incident(workspace, SYSTEM, entry, person="amara")["incident_id"]
    aware = date.fromisoformat(entry["aware_on"])
    update_incident(workspace, incident, person="amara", note="ranking paused",
                    containment={"action": "Ranking paused; recruiters read every application in arrival order.",
                                 "by": "amara", "on": aware.isoformat()})
    update_incident(workspace, incident, person="amara", root_cause="Employment-gap length was a model feature; "
                    "it stood in for parental leave.",
                    communication={"recipient": "affected-persons", "to": "312 applicants since May",
                                   "on": (aware + timedelta(days=6)).isoformat(),
                                   "what": "Their applications are being re-read without the ranking."})
    progress(f"archiving the report of incident {incident} ...")
    return run_process(workspace, "incident-report", SYSTEM, {"note": ""}, assessor="priya", item_id=incident)

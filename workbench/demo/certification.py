"""The demo's certification readiness: a gap analysis of a partly ready organisation with its
implementation plan, a register of documented information with one overdue entry, competence
records, the AI objectives with six months of measurements, and a management review signed off by
top management."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

from workbench.demo.objectives import run_objectives
from workbench.processes.gap_analysis.assessment import requirement_ids

# Maturity per top-level clause or Annex A area, with the items that stand out.
BASE = {"4": 3, "5": 3, "6": 3, "7": 2, "8": 3, "9": 2, "10": 2,
        "A.2": 3, "A.3": 3, "A.4": 2, "A.5": 2, "A.6": 3, "A.7": 2, "A.8": 2, "A.9": 3, "A.10": 2}
SPECIAL = {
    "4.4": (2, "The AIMS processes are known but their interactions are not written down."),
    "6.1.4": (1, "Impact assessment procedure adopted late; cv-screening was assessed only after it went live."),
    "6.2": (2, "Objectives exist for credit-scoring only."),
    "7.2": (1, "No competence records for assessors and auditors yet."),
    "7.5.3": (2, "Documents live in team drives without retention rules."),
    "9.2.2": (2, "One internal audit done; the three-year programme is a draft."),
    "9.3.3": (0, "No management review held yet."),
    "10.2": (3, "Nonconformities are tracked with appended corrective-action updates."),
    "A.5.4": (1, "cv-screening's impacts on applicants are assessed but untreated: no notice, no way to contest."),
    "A.5.5": (0, "Societal impacts not assessed for any system."),
    "A.6.2.8": (4, "Event logging verified effective for the support assistant."),
    "A.8.3": (0, "No channel for outside parties to report adverse effects."),
    "A.10.3": (3, "Supplier contract requires notice of model changes."),
}


def gap_answers(content, today: date, cite: dict[str, list[str]]) -> dict:
    """The gap analysis answers: every requirement and control rated, and a plan for the worst gaps."""
    from workbench.processes.gap_analysis.assessment import group_of

    ratings = []
    for item in requirement_ids(content) + content.control_ids():
        maturity, notes = SPECIAL.get(item, (BASE[group_of(item, content)], ""))
        ratings.append({"item": item, "maturity": maturity, "notes": notes, "evidence": cite.get(item, [])})

    def action(id_, item, text, owner, start, days):
        begin = today + timedelta(days=start)
        return {"id": id_, "item": item, "action": text, "owner": owner, "start_date": begin.isoformat(),
                "due_date": (begin + timedelta(days=days)).isoformat()}

    return {"scope": "Northwind Lending plc's AI management system for lending, recruiting and customer service, "
                     "against ISO/IEC 42001:2023 clauses 4 to 10 and Annex A, ahead of a stage 1 audit.",
            "ratings": ratings,
            "actions": [
                action("P1", "9.3.3", "Hold the first management review and record its decisions.", "david", 0, 30),
                action("P2", "7.2", "Record competence of assessors, auditors and system owners.", "priya", 7, 45),
                action("P3", "6.1.4", "Assess the impact of every system in deployment or operation.", "amara", 0, 60),
                action("P4", "A.5.5", "Add societal impacts to the impact assessment procedure.", "amara", 30, 60),
                action("P5", "A.8.3", "Open a web form for outside parties to report adverse effects.", "lena", 14, 75),
                action("P6", "9.2.2", "Approve the three-year internal audit programme.", "priya", 21, 30),
            ]}


def _entry(id_, title, requirement, owner, location, today, last_days_ago, next_in_days, version="1"):
    return {"id": id_, "title": title, "requirement": requirement, "owner": owner, "version": version,
            "location": location, "last_review": (today - timedelta(days=last_days_ago)).isoformat(),
            "next_review": (today + timedelta(days=next_in_days)).isoformat()}


def register_policies(workspace, today: date) -> None:
    """The register's policy and procedure files, recorded before the SoA and the audit cite them;
    one review overdue."""
    from workbench.records.documented_information import import_documents

    policies = workspace.root / "documents"
    policies.mkdir(exist_ok=True)
    (policies / "ai-policy.md").write_text("# Northwind AI policy\n\nVersion 2. AI is used only where ...\n")
    (policies / "aims-scope.md").write_text("# Scope of the AIMS\n\nAI systems used in lending, recruiting ...\n")
    (policies / "risk-criteria.md").write_text("# AI risk criteria\n\nLikelihood x impact, appetite Medium ...\n")
    for name, heading in (("ai-objectives", "AI objectives"), ("risk-procedure", "AI risk assessment procedure"),
                          ("impact-procedure", "AI impact assessment procedure"),
                          ("document-control", "Document control"), ("operations-manual", "AI operations manual")):
        (policies / f"{name}.md").write_text(f"# {heading}\n\nNorthwind Lending plc, internal.\n")
    (policies / "training-2026.csv").write_text("person,course,date\ntomas,AI risk assessment,2026-03-02\n")
    documents = [
        _entry("aims-scope", "Scope of the AIMS", "aims-scope", "priya", "documents/aims-scope.md", today, 90, 275),
        _entry("ai-policy", "Northwind AI policy", "ai-policy", "david", "documents/ai-policy.md", today, 400, -35, "2"),
        _entry("risk-criteria", "AI risk criteria", "risk-criteria", "priya", "documents/risk-criteria.md", today,
               60, 305),
        _entry("ai-objectives", "AI objectives 2026-2027", "ai-objectives", "david", "documents/ai-objectives.md",
               today, 120, 245),
        _entry("risk-procedure", "AI risk assessment procedure v2", "clause-6-1-2", "priya",
               "documents/risk-procedure.md", today, 200, 165, "2"),
        _entry("impact-procedure", "AI impact assessment procedure", "clause-6-1-4", "priya",
               "documents/impact-procedure.md", today, 80, 285),
        _entry("document-control", "Document control procedure", "clause-7-5-1", "priya",
               "documents/document-control.md", today, 150, 215),
        _entry("operations-manual", "AI operations manual", "clause-8-1", "lena", "documents/operations-manual.md",
               today, 70, 295),
    ]
    source = workspace.root / "examples" / "documented-information-policies.yaml"
    source.parent.mkdir(exist_ok=True)
    source.write_text(yaml.safe_dump({"documents": documents}, sort_keys=False))
    import_documents(workspace, source, recorded_by="priya")


def register_documents(workspace, today: date, runs: dict[str, str]) -> None:
    """The register's entries for archived evidence, and competence records."""
    from workbench.records.documented_information import add_competence, import_documents

    documents = [
        _entry("soa", "Statement of Applicability", "soa", "priya", runs["soa"], today, 52, 313),
        _entry("risk-assessment-credit-scoring", "Risk assessment: credit scoring", "risk-assessment-results",
               "lena", runs["credit-scoring"], today, 1, 90),
        _entry("impact-assessment-cv-screening", "Impact assessment: CV screening", "impact-assessment-results",
               "amara", runs["impact"], today, 1, 90),
        _entry("internal-audit-2026", "Internal audit: risk management", "audit-programme", "sofia", runs["audit"],
               today, 41, 324),
        _entry("nonconformities", "Nonconformities from the 2026 audit", "nonconformities", "priya", runs["audit"],
               today, 41, 49),
        _entry("risk-treatment-cv-screening", "Risk treatment plan: CV screening", "risk-treatment-results", "amara",
               runs["cv-screening"], today, 1, 90),
        _entry("fairness-monitoring", "Fairness monitoring: CV screening", "monitoring-results", "amara",
               runs["impact"], today, 1, 30),
    ]
    (workspace.root / "examples" / "documented-information.yaml").write_text(
        yaml.safe_dump({"documents": documents}, sort_keys=False))
    import_documents(workspace, workspace.root / "examples" / "documented-information.yaml", recorded_by="priya")
    add_competence(workspace, {"person": "tomas", "role": "assessor", "competence": "AI risk assessment method",
                               "evidence": "documents/training-2026.csv",
                               "expires": (today + timedelta(days=400)).isoformat()}, recorded_by="priya")
    add_competence(workspace, {"person": "sofia", "role": "auditor", "competence": "ISO 19011 internal auditing",
                               "evidence": runs["audit"], "expires": (today + timedelta(days=700)).isoformat()},
                   recorded_by="priya")


def review_answers(today: date) -> dict:
    """The management review: what top management states and decides."""
    return {
        "context_changes": "The EU AI Act's high-risk obligations for employment and credit scoring apply from "
                           "August 2026; the regulator asked lenders about model risk. The recruiting team grew.",
        "objectives": [
            {"objective": "No residual AI risk above appetite without acceptance", "status": "at risk",
             "note": "cv-screening R1 awaits debiasing."},
            {"objective": "Every high-tier system impact-assessed before go-live", "status": "off track",
             "note": "cv-screening went live first; corrective action in progress."},
            {"objective": "Stage 1 certification audit in 2027-Q2", "status": "on track"},
        ],
        "opportunities": "Reuse the credit-scoring fairness monitoring for the CV ranker.",
        "decisions": [
            {"id": "MR-1", "kind": "resources", "decision": "Fund a fairness engineer for the recruiting systems.",
             "owner": "david", "due_date": (today + timedelta(days=60)).isoformat()},
            {"id": "MR-2", "kind": "aims-change", "decision": "Make an approved impact assessment a go-live gate.",
             "owner": "priya", "due_date": (today + timedelta(days=30)).isoformat()},
            {"id": "MR-3", "kind": "improvement", "decision": "Review the AI policy, now overdue for review.",
             "owner": "priya", "due_date": (today + timedelta(days=21)).isoformat()},
        ],
        "conclusion": "The AIMS is suitable and adequate; its effectiveness depends on closing the impact "
                      "assessment gap before the stage 1 audit.",
    }


def run_certification(workspace, examples: Path, risk_runs: dict[str, str], others: dict[str, str], progress) -> list:
    """Register documented information, then archive a gap analysis and a management review."""
    from workbench.records.documented_information import add_document
    from workbench.pipeline.run import run_process

    today = date.today()
    register_documents(workspace, today, {**risk_runs, **others})
    cite = {"6.1.2": [risk_runs["credit-scoring"], risk_runs["cv-screening"]], "6.1.3": [others["soa"]],
            "9.2.1": [others["audit"]], "A.5.2": [others["impact"]]}
    gap_file = examples / "gap-analysis.yaml"
    gap_file.write_text(yaml.safe_dump(gap_answers(workspace.content, today, cite), sort_keys=False))
    progress("running the gap analysis ...")
    gap = run_process(workspace, "gap-analysis", "", gap_file, assessor="priya")
    objectives = run_objectives(workspace, examples, progress)
    review_file = examples / "management-review.yaml"
    review_file.write_text(yaml.safe_dump(review_answers(today), sort_keys=False))
    progress("running the management review ...")
    review = run_process(workspace, "management-review", "", review_file, assessor="david")
    add_document(workspace, {"id": "management-review-2026", "title": "Management review 2026",
                             "requirement": "management-review-results", "owner": "david", "version": "1",
                             "location": review.run_id, "last_review": today.isoformat(),
                             "next_review": (today + timedelta(days=365)).isoformat()}, recorded_by="priya")
    return [gap, objectives, review]

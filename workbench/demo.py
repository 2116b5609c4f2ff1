"""The demo: a workspace for a fictional lender with three AI systems, their risk assessments and
their impact assessments."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .config import default_configuration
from .exceptions import WorkspaceError
from .impact_demo import ANSWERS as IMPACT_ANSWERS, write_predictions
from .pipeline import Evidence, run_process
from .workspace import CONFIG_FILE, Workspace, init_workspace

MARKER = ".workbench-demo"

PEOPLE = [
    {"id": "priya", "name": "Priya Raman", "email": "priya.raman@example.org", "roles": ["aims_manager", "reviewer"]},
    {"id": "tomas", "name": "Tomas Novak", "email": "tomas.novak@example.org", "roles": ["assessor"]},
    {"id": "amara", "name": "Amara Okafor", "email": "amara.okafor@example.org", "roles": ["assessor", "system_owner"]},
    {"id": "lena", "name": "Lena Fischer", "email": "lena.fischer@example.org", "roles": ["system_owner"]},
    {"id": "david", "name": "David Chen", "email": "david.chen@example.org", "roles": ["top_management", "approver"]},
    {"id": "sofia", "name": "Sofia Marques", "email": "sofia.marques@example.org", "roles": ["auditor"]},
]

SYSTEMS = [
    {"id": "credit-scoring", "name": "Retail credit scoring model", "owner": "lena",
     "purpose": "Estimates the probability of default of personal-loan applicants to support credit decisions.",
     "lifecycle_stage": "operation-monitoring",
     "deployment_context": "Online and branch loan applications in the EU; credit officers review declines.",
     "affected_stakeholders": ["loan applicants", "credit officers", "regulators"],
     "personal_data_categories": ["income", "credit history", "employment status", "age"], "tier": "high"},
    {"id": "cv-screening", "name": "CV screening ranker", "owner": "amara",
     "purpose": "Ranks job applications by fit to the role profile so recruiters read the strongest first.",
     "lifecycle_stage": "deployment",
     "deployment_context": "Internal recruiting for head-office roles; recruiters see a ranked shortlist.",
     "affected_stakeholders": ["job applicants", "recruiters", "hiring managers"],
     "personal_data_categories": ["CV content", "education", "work history"], "tier": "high"},
    {"id": "support-assistant", "name": "Customer support LLM assistant", "owner": "lena",
     "purpose": "Answers customers' questions about accounts and products in chat, handing over to staff when needed.",
     "lifecycle_stage": "operation-monitoring",
     "deployment_context": "Public web chat and mobile app, English and German, third-party hosted LLM.",
     "affected_stakeholders": ["customers", "support agents", "the general public"],
     "personal_data_categories": ["contact details", "account data in chat"], "tier": "medium"},
]


def _risk(id, title, description, source, objectives, parties, il, ii, existing, planned, treatment, rl, ri,
          owner, due, rationale=""):
    return {"id": id, "title": title, "description": description, "risk_source": source,
            "objectives": objectives, "affected_parties": parties, "inherent_likelihood": il,
            "inherent_impact": ii, "existing_controls": existing, "planned_controls": planned,
            "treatment": treatment, "residual_likelihood": rl, "residual_impact": ri, "owner": owner,
            "due_date": due, "rationale": rationale}


ANSWERS = {
    "credit-scoring": {
        "scope": "Scoring model v4.2 and its use in personal-loan decisions up to EUR 50,000, from data intake to the credit officer's decision.",
        "risks": [
            _risk("R1", "Unfair declines for protected groups",
                  "Proxies for age or nationality in the training data lead to higher decline rates for some groups.",
                  "C.3.4", ["C.2.5"], ["loan applicants"], 4, 5, ["A.7.4"], ["A.5.4", "A.6.2.4"], "mitigate", 2, 4,
                  "tomas", "2027-03-31", "Quarterly disparity tests with thresholds; reviewer override for declines."),
            _risk("R2", "Decisions applicants cannot contest",
                  "Applicants receive a decline without a reason they can understand or challenge.",
                  "C.3.2", ["C.2.11"], ["loan applicants", "regulators"], 3, 4, ["A.8.2"], ["A.8.3"], "mitigate",
                  2, 3, "lena", "2027-02-28", "Reason codes on every decline and an appeal channel."),
            _risk("R3", "Performance drift after rate changes",
                  "Interest-rate moves shift the applicant population and the model's calibration degrades unnoticed.",
                  "C.3.7", ["C.2.8"], ["loan applicants", "the organisation"], 4, 4, ["A.6.2.6"], ["A.6.2.4"],
                  "mitigate", 3, 4, "tomas", "2027-01-31",
                  "Monthly calibration monitoring; retraining trigger. Residual stays High until monitoring is proven."),
            _risk("R4", "Leakage of applicants' financial data",
                  "Feature store extracts with income and credit history are copied to analyst laptops.",
                  "C.3.6", ["C.2.7", "C.2.10"], ["loan applicants"], 3, 4, ["A.7.5"], ["A.4.3"], "mitigate", 1, 4,
                  "lena", "2026-12-31"),
        ],
    },
    "cv-screening": {
        "scope": "The ranker v1.3 as used for head-office vacancies; sourcing and interviews are out of scope.",
        "risks": [
            _risk("R1", "Ranking reproduces historical hiring bias",
                  "Trained on past hires, the ranker favours profiles like those hired before, disadvantaging women and older applicants.",
                  "C.3.4", ["C.2.5"], ["job applicants"], 4, 5, [], ["A.5.4", "A.7.4", "A.6.2.4"], "mitigate", 3, 4,
                  "amara", "2027-01-15", "Debiasing and adverse-impact tests are planned; residual remains above appetite until they run."),
            _risk("R2", "Recruiters rely on the rank without reading CVs",
                  "Automation bias: lower-ranked applicants are never read.",
                  "C.3.3", ["C.2.1"], ["job applicants", "recruiters"], 4, 4, [], ["A.9.2", "A.9.4"], "mitigate", 2, 4,
                  "amara", "2027-02-15", "Recruiters must open a random sample below the cut-off."),
            _risk("R3", "EU AI Act high-risk obligations not met",
                  "Employment screening is an Annex III high-risk use; obligations as deployer may be missed.",
                  "C.3.6", ["C.2.1", "C.2.11"], ["the organisation", "job applicants"], 3, 5, [], ["A.8.5", "A.10.2"],
                  "mitigate", 1, 5, "priya", "2027-03-01"),
        ],
    },
    "support-assistant": {
        "scope": "The assistant in web and app chat, its retrieval index of product pages and the hand-over to agents.",
        "risks": [
            _risk("R1", "Confident wrong answers about fees",
                  "The LLM invents fee amounts or conditions not in the product documents.",
                  "C.3.7", ["C.2.8", "C.2.11"], ["customers"], 4, 3, ["A.6.2.4"], ["A.6.2.6"], "mitigate", 2, 3,
                  "tomas", "2027-01-31", "Answers are grounded in retrieved passages; fee questions hand over to agents."),
            _risk("R2", "Prompt injection exposes other customers' data",
                  "Crafted messages make the assistant reveal account data from the conversation context.",
                  "C.3.4", ["C.2.7", "C.2.10"], ["customers"], 3, 4, ["A.6.2.8"], ["A.6.2.4", "A.10.3"], "mitigate", 1, 4,
                  "tomas", "2026-12-15"),
            _risk("R3", "Customers not told they talk to an AI",
                  "Without a notice customers may think they chat with staff.",
                  "C.3.2", ["C.2.11"], ["customers"], 2, 2, ["A.8.2"], [], "accept", 1, 2, "lena", "2027-06-30",
                  "Notice shown at the start of every chat; accepted as Low."),
            _risk("R4", "Supplier changes the hosted model",
                  "The LLM provider updates the model without notice and behaviour changes.",
                  "C.3.6", ["C.2.6"], ["customers", "support agents"], 3, 3, ["A.10.3"], ["A.10.2"], "share", 2, 3,
                  "priya", "2027-03-31", "Contract requires notice of model changes; regression suite on each change."),
        ],
    },
}


def demo_configuration() -> dict:
    """The demo organisation's configuration."""
    config = default_configuration("Northwind Lending plc")
    config["organisation"]["scope"] = "AI systems used in lending, recruiting and customer service in the EU."
    config["people"] = PEOPLE
    return config


def run_demo(path: str | Path, replace: bool = False, progress=print) -> list[Evidence]:
    """Create the demo workspace at ``path`` and archive a risk assessment and an impact assessment
    (with a generated predictions dataset) for each demo system.

    ``replace`` removes an earlier demo workspace at ``path`` first (never any other folder).
    """
    root = Path(path)
    if root.exists() and any(root.iterdir()):
        if not (replace and (root / MARKER).exists() and (root / CONFIG_FILE).exists()):
            raise WorkspaceError(f"{root.resolve()} is not empty; give a new folder"
                                 + (" (it is not a demo workspace, so it is never replaced)" if replace else ""))
        shutil.rmtree(root)
    workspace = init_workspace(root, config=demo_configuration())
    (root / MARKER).write_text("created by 'workbench demo'\n")
    workspace.add_systems(SYSTEMS)
    examples = root / "examples"
    examples.mkdir()
    (examples / "systems.yaml").write_text(yaml.safe_dump({"systems": SYSTEMS}, sort_keys=False))
    evidence = []
    for system_id, answers in ANSWERS.items():
        answers_file = examples / f"risk-assessment-{system_id}.yaml"
        answers_file.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True))
        progress(f"running the risk assessment of {system_id} ...")
        evidence.append(run_process(workspace, "risk-assessment", system_id, answers_file,
                                    assessor="amara" if system_id != "cv-screening" else "tomas"))
    for system_id, answers in IMPACT_ANSWERS.items():
        write_predictions(root, system_id)
        answers_file = examples / f"impact-assessment-{system_id}.yaml"
        answers_file.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True))
        progress(f"running the impact assessment of {system_id} ...")
        evidence.append(run_process(workspace, "impact-assessment", system_id, answers_file,
                                    assessor="amara" if system_id != "cv-screening" else "tomas"))
    return evidence


def open_demo(path: str | Path) -> Workspace:
    """Open a demo workspace created by :func:`run_demo`."""
    return Workspace(path)

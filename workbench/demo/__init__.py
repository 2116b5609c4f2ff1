"""The demo: a workspace for a fictional lender with three AI systems, their risk assessments and
their impact assessments."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

from workbench.demo.certification import run_certification
from workbench.demo.explainability import run_explainability
from workbench.demo.incidents import run_incidents
from workbench.config import SCHEDULER_PERSON, default_configuration
from workbench.exceptions import WorkspaceError
from workbench.demo.impact_data import ANSWERS as IMPACT_ANSWERS, write_predictions
from workbench.pipeline.run import Evidence, run_process
from workbench.scheduling.notebook import review_notebook
from workbench.signing import holding, load_key, new_key, public_key_line
from workbench.workspace import CONFIG_FILE, Workspace, init_workspace

MARKER = ".workbench-demo"

PEOPLE = [
    {"id": "priya", "name": "Priya Raman", "email": "priya.raman@example.org", "roles": ["aims_manager", "reviewer"]},
    {"id": "tomas", "name": "Tomas Novak", "email": "tomas.novak@example.org", "roles": ["assessor"]},
    {"id": "amara", "name": "Amara Okafor", "email": "amara.okafor@example.org", "roles": ["assessor", "system_owner"]},
    {"id": "lena", "name": "Lena Fischer", "email": "lena.fischer@example.org", "roles": ["system_owner"]},
    {"id": "david", "name": "David Chen", "email": "david.chen@example.org", "roles": ["top_management", "approver"]},
    {"id": "sofia", "name": "Sofia Marques", "email": "sofia.marques@example.org", "roles": ["auditor"]},
    SCHEDULER_PERSON,
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


EXCLUDED = {"A.10.4": "Northwind supplies no AI system or AI service to customers as a product; its AI is used "
                      "in-house and in its own customer service, so no customer-facing AI obligations arise."}
STATUS = {"A.2.2": "implemented", "A.2.3": "implemented", "A.2.4": "planned", "A.3.2": "implemented",
          "A.3.3": "partial", "A.5.2": "implemented", "A.5.3": "implemented", "A.5.4": "partial",
          "A.5.5": "planned", "A.6.2.4": "implemented", "A.6.2.6": "partial", "A.6.2.8": "verified effective",
          "A.7.4": "implemented", "A.7.5": "partial", "A.8.2": "implemented", "A.8.3": "not started",
          "A.10.3": "implemented"}
ADDED_CONTROLS = [{"id": "NW.1", "title": "Model risk committee approval",
                   "intent": "No AI model goes live or changes materially without the model risk committee's approval."}]


def soa_answers(content, risk_runs: dict[str, str]) -> dict:
    """The demo's Statement of Applicability, citing the demo's risk assessments as evidence."""
    cites = {"A.5.4": ["cv-screening", "credit-scoring"], "A.6.2.4": ["credit-scoring", "support-assistant"],
             "A.7.4": ["credit-scoring"], "A.10.3": ["support-assistant"]}
    controls = []
    for control_id in content.control_ids() + [c["id"] for c in ADDED_CONTROLS]:
        if control_id in EXCLUDED:
            controls.append({"control": control_id, "included": False, "justification": EXCLUDED[control_id]})
            continue
        controls.append({"control": control_id, "included": True,
                         "justification": "Needed to treat the risks of the AI risk assessments and to meet "
                                          "the EU AI Act deployer duties.",
                         "status": STATUS.get(control_id, "implemented" if control_id == "NW.1" else "planned"),
                         "owner": "priya", "evidence": [risk_runs[s] for s in cites.get(control_id, [])]})
    return {"added_controls": [dict(c) for c in ADDED_CONTROLS], "controls": controls}


def audit_plan_data(day: date) -> dict:
    """The demo's internal audit, planned for the week of ``day``."""
    return {"id": "ia-risk-2026", "title": "Risk management and operation of high-risk AI",
            "objectives": "Confirm that AI risks are assessed and treated as planned and that the controls the SoA "
                          "includes for the high-tier systems work.",
            "clauses": ["6.1.2", "6.1.3", "9.2"], "controls": ["A.5.4", "A.6.2.4", "A.6.2.6", "A.10.4"],
            "systems": ["credit-scoring", "cv-screening"],
            "criteria": "ISO/IEC 42001:2023 clauses 6.1 and 9.2, the SoA, the AI risk procedure v2.",
            "start_date": day.isoformat(), "end_date": (day + timedelta(days=4)).isoformat(),
            "auditors": ["sofia"]}


def audit_answers(day: date, risk_runs: dict[str, str]) -> dict:
    """The demo audit's results: findings of several grades, citing the risk assessments."""
    def item(item, result, notes="", evidence=(), system="", owner="", due=None):
        return {"item": item, "result": result, "notes": notes, "evidence": [risk_runs[e] for e in evidence],
                "system": system, "action_owner": owner, "action_due": due.isoformat() if due else None}

    return {"audit_id": "ia-risk-2026", "conclusion": "Risk assessment works; treatment and impact assessment lag.",
            "items": [
                item("6.1.2", "conforming", "Every system in scope has a current, scored risk assessment.",
                     ["credit-scoring", "cv-screening"]),
                item("6.1.3", "minor nonconformity",
                     "cv-screening risk R1 has a residual risk above appetite without a recorded acceptance "
                     "by top management.", ["cv-screening"], "cv-screening", "amara", day + timedelta(days=30)),
                item("9.2.1", "conforming", "The programme covers every clause over three years."),
                item("9.2.2", "observation", "Auditor selection is impartial in practice but the criteria are not "
                     "written down."),
                item("A.5.4", "major nonconformity",
                     "No impact assessment on job applicants exists for cv-screening, which is in deployment.",
                     ["cv-screening"], "cv-screening", "amara", day + timedelta(days=75)),
                item("A.6.2.4", "opportunity for improvement",
                     "Validation reports could record the acceptance thresholds next to the results.",
                     ["credit-scoring"], "credit-scoring"),
                item("A.6.2.6", "conforming", "Calibration monitoring runs monthly.", ["credit-scoring"],
                     "credit-scoring"),
                item("A.10.4", "not applicable"),
            ]}


def demo_keys(folder: Path) -> dict[str, Path]:
    """A private key for each demo person in ``folder`` (made if missing): ``{person id: key file}``."""
    keys = {p["id"]: folder.resolve() / p["id"] for p in PEOPLE}
    for path in keys.values():
        if not path.exists():
            new_key(path)
    return keys


def demo_configuration(keys: dict[str, Path]) -> dict:
    """The demo organisation's configuration, pinning the public half of each person's key in ``keys``."""
    config = default_configuration("Northwind Lending plc")
    config["organisation"]["scope"] = "AI systems used in lending, recruiting and customer service in the EU."
    config["people"] = [{**p, "keys": [public_key_line(load_key(keys[p["id"]]))]} for p in PEOPLE]
    return config


def run_demo(path: str | Path, replace: bool = False, progress=print, charts: str = "static",
             keys: Path | None = None) -> list[Evidence]:
    """Create the demo workspace at ``path`` and archive a risk assessment and an impact assessment
    (with a generated predictions dataset) for each demo system.

    ``replace`` removes an earlier demo workspace at ``path`` first (never any other folder). The
    demo acts as each of its people, so it holds their keys: in ``keys`` (default: the folder
    ``<path>-keys`` next to the workspace, made if missing).
    """
    root = Path(path)
    held = demo_keys(keys or root.with_name(root.name + "-keys"))
    with holding(list(held.values())):
        return _run_demo(root, replace, progress, charts, held)


def _run_demo(root: Path, replace: bool, progress, charts: str, keys: dict[str, Path]) -> list[Evidence]:
    if root.exists() and any(root.iterdir()):
        if not (replace and (root / MARKER).exists() and (root / CONFIG_FILE).exists()):
            raise WorkspaceError(f"{root.resolve()} is not empty; give a new folder"
                                 + (" (it is not a demo workspace, so it is never replaced)" if replace else ""))
        shutil.rmtree(root)
    workspace = init_workspace(root, config={**demo_configuration(keys), "evidence_charts": charts})
    (root / MARKER).write_text("created by 'workbench demo'\n")
    review_notebook(workspace)
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
    risk_runs = {e.ledger_entry["system_id"]: e.run_id for e in evidence}
    for system_id, answers in IMPACT_ANSWERS.items():
        write_predictions(root, system_id)
        answers_file = examples / f"impact-assessment-{system_id}.yaml"
        answers_file.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True))
        progress(f"running the impact assessment of {system_id} ...")
        evidence.append(run_process(workspace, "impact-assessment", system_id, answers_file,
                                    assessor="amara" if system_id != "cv-screening" else "tomas"))
    impact_runs = {e.ledger_entry["system_id"]: e.run_id for e in evidence[len(risk_runs):]}
    evidence += _data_governance(workspace, examples, progress)
    soa, audit = _audit_cycle(workspace, examples, risk_runs, progress)
    evidence += [soa, audit]
    evidence += run_certification(workspace, examples, risk_runs,
                                  {"soa": soa.run_id, "audit": audit.run_id, "impact": impact_runs["cv-screening"]},
                                  progress)
    evidence.append(run_explainability(workspace, examples, progress))
    evidence.append(run_incidents(workspace, examples, progress))
    evidence += _system_cards(workspace, examples, progress)
    return evidence


def _system_cards(workspace: Workspace, examples: Path, progress) -> list[Evidence]:
    """A system card of each system, internal and public, from the records made above."""
    from workbench.demo.system_cards import write_answers

    runs = []
    for system_id, answers_file in write_answers(examples).items():
        progress(f"writing the system card of {system_id} ...")
        runs.append(run_process(workspace, "system-card", system_id, answers_file,
                                assessor="amara" if system_id != "cv-screening" else "tomas"))
    return runs


def _data_governance(workspace: Workspace, examples: Path, progress) -> list[Evidence]:
    """The credit-scoring datasets in the register, and the data quality assessment of each."""
    from workbench.demo import data_governance as demo
    from workbench.processes.data_quality.datasets import import_datasets

    entries = examples / "datasets-credit-scoring.yaml"
    entries.write_text(yaml.safe_dump({"datasets": demo.dataset_entries(demo.write_datasets(workspace.root),
                                                                        date.today())}, sort_keys=False))
    import_datasets(workspace, demo.SYSTEM, entries, person="amara")
    runs = []
    for dataset, answers in (("bureau-extract", demo.EXTRACT_ANSWERS), ("training", demo.ANSWERS)):
        answers_file = examples / f"data-quality-{dataset}.yaml"
        answers_file.write_text(yaml.safe_dump(answers, sort_keys=False))
        progress(f"measuring the data quality of the credit-scoring dataset {dataset} ...")
        runs.append(run_process(workspace, "data-quality", demo.SYSTEM, answers_file, assessor="tomas",
                                item_id=dataset))
    return runs


def _audit_cycle(workspace: Workspace, examples: Path, risk_runs: dict[str, str], progress) -> list[Evidence]:
    """The SoA, one internal audit 45 days ago with its findings, and work on the corrective actions."""
    from workbench.processes.internal_audit.assessment import plan_audit
    from workbench.records.nonconformity import update_action

    day = date.today() - timedelta(days=45)
    soa_file = examples / "soa.yaml"
    soa_file.write_text(yaml.safe_dump(soa_answers(workspace.content, risk_runs), sort_keys=False, allow_unicode=True))
    progress("archiving the Statement of Applicability ...")
    soa = run_process(workspace, "soa", "", soa_file, assessor="priya", effective_date=day - timedelta(days=7))
    plan_audit(workspace, audit_plan_data(day), planned_by="priya")
    audit_file = examples / "internal-audit.yaml"
    audit_file.write_text(yaml.safe_dump(audit_answers(day, risk_runs), sort_keys=False, allow_unicode=True))
    progress("running the internal audit ...")
    audit = run_process(workspace, "internal-audit", "", audit_file, assessor="sofia",
                        effective_date=day + timedelta(days=4))
    major = next(a for a in workspace.register.rows("nonconformities") if a["grade"] == "major nonconformity")
    update_action(workspace, major["id"], updated_by="amara", status="in progress",
                  root_cause="The impact assessment procedure was adopted after cv-screening went live.",
                  corrective_action="Assess every system in deployment against the procedure; add the assessment "
                                    "to the go-live checklist.", note="accepted at the closing meeting")
    return [soa, audit]

"""The demo: a workspace for a fictional lender with three AI systems, their risk assessments and
their impact assessments."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

from workbench.demo.certification import run_certification
from workbench.demo.context import run_context
from workbench.demo.explainability import run_explainability
from workbench.demo.fria import run_fria
from workbench.demo.monitoring import run_monitoring
from workbench.demo.incidents import run_incidents
from workbench.demo.lifecycle import run_lifecycle
from workbench.demo.policy import run_policy
from workbench.demo.treatment import run_treatments
from workbench.demo.suppliers import run_suppliers
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
# who owns each Annex A area's controls
OWNERS = {"A.2": "david", "A.3": "priya", "A.4": "priya", "A.5": "amara", "A.6": "lena", "A.7": "tomas",
          "A.8": "lena", "A.9": "amara", "A.10": "priya"}
# the justifications written for the controls that matter most; the others say which risks or duties need them
WHY = {
    "A.2.2": "The board approved the AI policy in 2025; the EU AI Act deployer duties and the lending regulator's "
             "model-risk letter need a written policy.",
    "A.2.3": "The AI policy must agree with the credit-risk, privacy and information-security policies it relies on.",
    "A.3.2": "Three high- and medium-tier systems need named owners, assessors and approvers for each AIMS process.",
    "A.5.2": "Lending and recruiting systems affect applicants' rights; the impact assessment procedure is how "
             "Northwind finds those effects before go-live.",
    "A.5.3": "The EU AI Act expects deployers of high-risk systems to keep their impact assessments; records "
             "also feed the management review.",
    "A.5.4": "cv-screening R1 and credit-scoring R1 treat unfair outcomes for applicants; their treatment needs "
             "the impacts on individuals assessed.",
    "A.6.2.4": "credit-scoring R1 and R3, cv-screening R1 and support-assistant R1 and R2 rely on validation "
               "before each release.",
    "A.6.2.8": "support-assistant R2 (prompt injection) is detected only through the event log of every "
               "conversation turn.",
    "A.7.4": "credit-scoring R1 and cv-screening R1 start from biased or incomplete training data.",
    "A.8.2": "credit-scoring R2 and support-assistant R3: applicants and customers must be told how the AI "
             "affects them.",
    "A.8.3": "credit-scoring R2 plans a channel for outside parties to report adverse effects of declines.",
    "A.10.3": "support-assistant R4: the hosted model's supplier must give notice of model changes.",
    "NW.1": "The lending regulator expects material model changes to be approved by a committee independent "
            "of the developers.",
}
# per-system departures from the organisation-wide decision (6.1.3: applicability can differ by system)
PER_SYSTEM = {"A.7.2": [{"system": "support-assistant", "included": False,
                         "justification": "The support assistant uses the supplier's hosted model as is, answering "
                                          "from retrieved product pages; Northwind builds and improves no model for it, "
                                          "so it handles no data for building or improving systems."}]}


def _justification(control_id: str, title: str, risk_cites: dict[str, list[str]]) -> str:
    if control_id in WHY:
        return WHY[control_id]
    risks = risk_cites.get(control_id)
    if risks:
        return f"{title}: treats {', '.join(risks)} of the AI risk assessments."
    return (f"{title}: part of the baseline Northwind applies to every high-tier system, as the AI "
            f"policy and the EU AI Act deployer duties ask.")


def soa_evidence(control_id: str, risk_runs: dict[str, str], impact_runs: dict[str, str], day: date) -> list[str]:
    """What shows each implemented or verified control works: runs, register entries, a committee record."""
    return {
        "A.2.2": ["doc:ai-policy"], "A.2.3": ["doc:ai-policy"], "A.3.2": ["doc:aims-scope"],
        "A.5.2": ["doc:impact-procedure", impact_runs["credit-scoring"]], "A.5.3": [impact_runs["cv-screening"]],
        "A.6.2.4": [risk_runs["credit-scoring"], risk_runs["support-assistant"]],
        "A.6.2.8": [impact_runs["support-assistant"],
                    f"sample:{(day - timedelta(days=9)).isoformat()}:25 support conversations from September; each "
                    "turn was in the event log with its retrieved pages"],
        "A.7.4": [risk_runs["credit-scoring"]], "A.8.2": ["doc:operations-manual"],
        "A.10.3": [risk_runs["support-assistant"]],
        "NW.1": [f"record:{(day - timedelta(days=20)).isoformat()}:minutes of the model risk committee approving "
                 "credit-scoring v4"],
    }.get(control_id, [])


def soa_answers(content, risk_runs: dict[str, str], impact_runs: dict[str, str], day: date) -> dict:
    """The demo's Statement of Applicability on ``day``: a justification, owner and status per control,
    the evidence of each implemented one, and one per-system departure."""
    risk_cites: dict[str, list[str]] = {}
    for system_id, answers in ANSWERS.items():
        for risk in answers["risks"]:
            for control in risk["existing_controls"] + risk["planned_controls"]:
                risk_cites.setdefault(control, []).append(f"{system_id} {risk['id']}")
    titles = {c.id: c.title for c in content.controls} | {c["id"]: c["title"] for c in ADDED_CONTROLS}
    controls = []
    for control_id, title in titles.items():
        if control_id in EXCLUDED:
            controls.append({"control": control_id, "included": False, "justification": EXCLUDED[control_id]})
            continue
        added = not control_id.startswith("A.")
        area = ".".join(control_id.split(".")[:2])
        controls.append({"control": control_id, "included": True,
                         "justification": _justification(control_id, title, risk_cites),
                         "status": STATUS.get(control_id, "implemented" if added else "planned"),
                         "owner": "david" if added else OWNERS[area],
                         "evidence": soa_evidence(control_id, risk_runs, impact_runs, day),
                         "systems": PER_SYSTEM.get(control_id, [])})
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


def audit_answers(day: date, risk_runs: dict[str, str], impact_run: str) -> dict:
    """The demo audit's results: findings of several grades, citing the risk assessments, the cv-screening
    impact assessment (``impact_run``), register entries, interviews and a sample."""
    def item(item, result, notes="", evidence=(), system="", owner="", due=None):
        return {"item": item, "result": result, "notes": notes,
                "evidence": [risk_runs.get(e, e) for e in evidence],
                "system": system, "action_owner": owner, "action_due": due.isoformat() if due else None}

    def on(days: int) -> str:
        return (day + timedelta(days=days)).isoformat()

    return {"audit_id": "ia-risk-2026", "conclusion": "Risk assessment works; treatment and impact assessment lag.",
            "items": [
                item("6.1.2", "conforming", "Every system in scope has a current, scored risk assessment made "
                     "under the AI risk assessment procedure v2.",
                     ["credit-scoring", "cv-screening", "doc:risk-procedure"]),
                item("6.1.3", "minor nonconformity",
                     "cv-screening risk R1 has a residual risk above appetite without a recorded acceptance "
                     "by top management.", ["cv-screening", f"interview:{on(1)}:Amara Okafor, cv-screening owner, "
                                            "on who accepted the residual risk of R1"],
                     "cv-screening", "amara", day + timedelta(days=30)),
                item("9.2.1", "observation", "The audit programme holds this audit only: the three-year cycle "
                     "from this audit does not yet plan clauses 4, 5, 7, 8 and 10 nor most controls (see the "
                     "coverage section).", [f"interview:{on(0)}:Priya Raman, AIMS manager, on the audit programme "
                                            "for 2026 to 2029"]),
                item("9.2.2", "observation", "Auditor selection is impartial in practice but the criteria are not "
                     "written down.", [f"interview:{on(0)}:Priya Raman on how auditors are chosen"]),
                item("A.5.4", "major nonconformity",
                     "The cv-screening impact assessment rates the impact on applicants' rights very high, yet "
                     "applicants get no notice, cannot contest a ranking and no DPIA was made; the system stays in "
                     "deployment with none of these treated.",
                     [impact_run, f"sample:{on(2)}:20 applications rejected in September; no applicant was told "
                                  "an AI ranked their CV"], "cv-screening", "amara", day + timedelta(days=75)),
                item("A.6.2.4", "opportunity for improvement",
                     "Validation reports could record the acceptance thresholds next to the results.",
                     ["credit-scoring"], "credit-scoring"),
                item("A.6.2.6", "conforming", "Calibration monitoring runs monthly.",
                     ["credit-scoring", f"sample:{on(3)}:the monthly calibration reports of June to September, "
                                        "all four on file and reviewed"], "credit-scoring"),
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
    assessed = date.today() - timedelta(days=60)  # before the SoA and the audit that cite them
    for system_id, answers in ANSWERS.items():
        answers_file = examples / f"risk-assessment-{system_id}.yaml"
        answers_file.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True))
        progress(f"running the risk assessment of {system_id} ...")
        evidence.append(run_process(workspace, "risk-assessment", system_id, answers_file,
                                    assessor="amara" if system_id != "cv-screening" else "tomas",
                                    effective_date=assessed))
    risk_runs = {e.ledger_entry["system_id"]: e.run_id for e in evidence}
    for system_id, answers in IMPACT_ANSWERS.items():
        write_predictions(root, system_id)
        answers_file = examples / f"impact-assessment-{system_id}.yaml"
        answers_file.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True))
        progress(f"running the impact assessment of {system_id} ...")
        evidence.append(run_process(workspace, "impact-assessment", system_id, answers_file,
                                    assessor="amara" if system_id != "cv-screening" else "tomas",
                                    effective_date=assessed))
    impact_runs = {e.ledger_entry["system_id"]: e.run_id for e in evidence[len(risk_runs):]}
    evidence.append(run_fria(workspace, examples, progress, assessed))
    evidence += _data_governance(workspace, examples, progress)
    evidence += run_suppliers(workspace, examples, progress)  # before the SoA, whose evidence flags A.10.4
    soa, audit = _audit_cycle(workspace, examples, risk_runs, impact_runs, progress)
    evidence += [soa, audit]
    evidence.append(run_explainability(workspace, examples, progress))
    evidence += run_monitoring(workspace, examples, progress)
    evidence.append(run_incidents(workspace, examples, progress))
    evidence.append(run_context(workspace, examples, progress))
    run_treatments(workspace, risk_runs, date.today(), progress)
    # the gap analysis, the objectives' measures and the management review read all of the above
    evidence += run_certification(workspace, examples, risk_runs,
                                  {"soa": soa.run_id, "audit": audit.run_id, "impact": impact_runs["cv-screening"]},
                                  progress)
    evidence += _system_cards(workspace, examples, progress)
    evidence += run_lifecycle(workspace, examples, progress)  # after the cards: the versions it adds are not explained
    evidence += run_policy(workspace, examples, progress)  # the RACI and the AI policy, approved and acknowledged
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


def _audit_cycle(workspace: Workspace, examples: Path, risk_runs: dict[str, str], impact_runs: dict[str, str],
                 progress) -> list[Evidence]:
    """The register's policies, the SoA, one internal audit 45 days ago with its findings, work on its
    corrective actions, and a complaint handled to a verified corrective action."""
    from workbench.demo.certification import register_policies
    from workbench.processes.internal_audit.assessment import plan_audit
    from workbench.records.nonconformity import update_action

    today = date.today()
    day = today - timedelta(days=45)
    register_policies(workspace, today)
    soa_file = examples / "soa.yaml"
    soa_file.write_text(yaml.safe_dump(soa_answers(workspace.content, risk_runs, impact_runs, day - timedelta(days=7)),
                                       sort_keys=False, allow_unicode=True))
    progress("archiving the Statement of Applicability ...")
    soa = run_process(workspace, "soa", "", soa_file, assessor="priya", effective_date=day - timedelta(days=7))
    plan_audit(workspace, audit_plan_data(day), planned_by="priya")
    audit_file = examples / "internal-audit.yaml"
    audit_file.write_text(yaml.safe_dump(audit_answers(day, risk_runs, impact_runs["cv-screening"]), sort_keys=False,
                                         allow_unicode=True))
    progress("running the internal audit ...")
    audit = run_process(workspace, "internal-audit", "", audit_file, assessor="sofia",
                        effective_date=day + timedelta(days=4))
    major = next(a for a in workspace.register.rows("nonconformities") if a["grade"] == "major nonconformity")
    update_action(workspace, major["id"], updated_by="amara", status="in progress",
                  root_cause="The impact assessment procedure was adopted after cv-screening went live.",
                  corrective_action="Assess every system in deployment against the procedure; add the assessment "
                                    "to the go-live checklist.", note="accepted at the closing meeting")
    _complaint(workspace, today)
    return [soa, audit]


def _complaint(workspace: Workspace, today: date) -> None:
    """A complaint from an applicant, opened as a nonconformity, done by its owner and verified by another."""
    from workbench.records.nonconformity import open_nonconformity, update_action

    nc_id = open_nonconformity(
        workspace, "complaint", "cv-screening",
        "An applicant rejected for the analyst vacancy was told no recruiter had read their CV, although every "
        "rejection below the cut-off is to be read by a person.",
        f"record:{(today - timedelta(days=3)).isoformat()}:complaint HR-2291 from an applicant, received by email",
        owner="amara", due_date=(today + timedelta(days=14)).isoformat(), opened_by="priya", source_ref="HR-2291")
    update_action(workspace, nc_id, updated_by="amara", status="done",
                  correction="The rejection was withdrawn and a recruiter read the CV; the applicant was invited "
                             "to interview.",
                  consequences="All 37 rejections below the cut-off since the last release were read again; two "
                               "more applicants were invited and every applicant received an apology letter.",
                  root_cause="The release of ranker v1.3 dropped the queue that assigns rejections for reading.",
                  similar="credit-scoring declines use the same review queue; checked, every decline was read.",
                  corrective_action="A release test fails when the review queue is empty; the queue size is on the "
                                    "daily dashboard.",
                  aims_changes="The operations manual now lists the review queue as a control of A.9.4.",
                  note="done within the week")
    update_action(workspace, nc_id, updated_by="priya", status="verified effective",
                  effectiveness_check="Two weeks after the change every rejection below the cut-off had a "
                                      "recruiter's reading recorded.",
                  effectiveness_evidence=[f"sample:{today.isoformat()}:the 41 rejections of the last two weeks, each "
                                          "with a recruiter's reading in the queue log"],
                  note="verified by the AIMS manager")

"""The demo's suppliers and customers: the credit bureau and the cloud ML platform of credit
scoring, the LLM provider of the support assistant, each assessed; the support assistant recorded
as customer-facing and the CV ranker as not. Its flaws for a reviewer to find: the LLM provider is
approved without conditions although its training data's provenance is unknown (rated high), and
the SoA excludes A.10.4 while the support assistant faces customers."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

from workbench.pipeline.run import Evidence, run_process
from workbench.processes.supplier_assessment.customers import set_customer_facing
from workbench.processes.supplier_assessment.suppliers import import_suppliers


def _duties(*pairs: tuple[str, str]) -> list[dict]:
    return [{"duty": duty, "party": party} for party, duty in pairs]


def suppliers(day: date) -> dict[str, list[dict]]:
    """The supplier register's entries of each system, as of ``day``."""
    return {
        "credit-scoring": [
            {"id": "credit-bureau", "name": "Eurocred Bureau Services", "supplies": ["data"], "owner": "tomas",
             "description": "Monthly credit-history extract of applicants (bureau scores, defaults, open credit "
                            "lines), the model's main input besides the application.",
             "contract": "Data supply agreement DSA-2024-07 with its data processing annex",
             "contract_ends": (day + timedelta(days=540)).isoformat(),
             "responsibilities": _duties(("supplier", "accuracy and lawful collection of the bureau records"),
                                         ("organisation", "checking each extract's quality before training"),
                                         ("shared", "answering applicants' requests to correct their records")),
             "obligations": [{"obligation": "Correct a disputed record within 30 days", "clause": "DSA 6.2"},
                             {"obligation": "Notify schema changes 60 days ahead", "clause": "DSA 4.1"}]},
            {"id": "cloud-ml", "name": "Nimbus ML Platform", "supplies": ["service", "tooling"], "owner": "lena",
             "description": "Hosted training pipelines, model registry and the scoring endpoint in an EU region.",
             "contract": "Cloud services agreement CSA-88213 and its EU data residency addendum",
             "responsibilities": _duties(("supplier", "availability and security of the scoring endpoint"),
                                         ("organisation", "training, validating and releasing each model version"),
                                         ("organisation", "monitoring the model's performance and fairness")),
             "obligations": [{"obligation": "Keep data and models in the EU region", "clause": "Addendum 2"},
                             {"obligation": "Report security incidents within 24 hours", "clause": "CSA 11.3"}]},
        ],
        "support-assistant": [
            {"id": "llm-provider", "name": "Parlance AI", "supplies": ["model", "service"], "owner": "lena",
             "description": "The hosted large language model that writes the assistant's answers, called through "
                            "its API with the retrieved product pages.",
             "contract": "Enterprise API terms, order form PA-2291",
             "responsibilities": _duties(("supplier", "training and safety tuning of the model"),
                                         ("organisation", "grounding answers in Northwind's product pages"),
                                         ("shared", "detecting and blocking prompt injection")),
             "obligations": [{"obligation": "Give 30 days' notice of a model change", "clause": "Terms 7.4"},
                             {"obligation": "Do not train on Northwind's prompts or outputs", "clause": "Terms 9.1"}]},
        ],
    }


def _finding(answer: str, note: str = "", evidence: tuple[str, ...] = ()) -> dict:
    return {"answer": answer, "note": note, "evidence": list(evidence)}


def assessments(day: date) -> dict[str, tuple[str, dict]]:
    """Each supplier's assessment answers, as of ``day``: ``{supplier: (system, answers)}``."""
    before = (day - timedelta(days=20)).isoformat()
    return {
        "credit-bureau": ("credit-scoring", {
            "data_provenance": _finding("yes", "Sources are the lenders' monthly reports under the bureau's licence.",
                                        ("dsa", "bureau-audit")),
            "model_provenance": _finding("not applicable", "The bureau supplies records, no model."),
            "change_notice": _finding("yes", "Schema changes 60 days ahead.", ("dsa",)),
            "security": _finding("yes", "ISO/IEC 27001 certified; extracts delivered encrypted.", ("iso27001",)),
            "incident_notice": _finding("yes", "Breaches reported within 48 hours.", ("dsa",)),
            "data_use": _finding("yes", "The bureau receives no Northwind data beyond the enquiry.", ("dsa",)),
            "ai_policy": _finding("partly", "A data ethics policy; no AI policy as such.", ("bureau-audit",)),
            "ai_management": _finding("no", "No AI management system; the bureau builds no AI for Northwind."),
            "evidence": [{"id": "dsa", "description": "Data supply agreement DSA-2024-07", "dated": "2024-07-01"},
                         {"id": "bureau-audit", "description": "Northwind's supplier audit report of the bureau",
                          "dated": before},
                         {"id": "iso27001", "description": "ISO/IEC 27001 certificate, valid to 2027",
                          "dated": "2025-03-14"}],
            "conclusion": "approve", "rationale": "The bureau's data is documented, licensed and protected; the "
                                                  "missing AI policy matters little for a data supplier."}),
        "cloud-ml": ("credit-scoring", {
            "data_provenance": _finding("not applicable", "The platform supplies no data; Northwind brings its own."),
            "model_provenance": _finding("not applicable", "Northwind trains its own model on the platform."),
            "change_notice": _finding("partly", "Platform changes are announced; deprecations only 30 days ahead.",
                                      ("csa",)),
            "security": _finding("yes", "SOC 2 Type II report without exceptions.", ("soc2",)),
            "incident_notice": _finding("yes", "Security incidents within 24 hours.", ("csa",)),
            "data_use": _finding("yes", "Customer data is not used for the provider's models.", ("csa",)),
            "ai_policy": _finding("partly", "A responsible AI statement, no impact assessments shown.", ("rai",)),
            "ai_management": _finding("unknown", "Asked whether an ISO/IEC 42001 certification is planned; no answer "
                                                 "yet."),
            "evidence": [{"id": "csa", "description": "Cloud services agreement CSA-88213", "dated": "2025-01-20"},
                         {"id": "soc2", "description": "SOC 2 Type II report for 2025", "dated": "2026-02-28"},
                         {"id": "rai", "description": "The provider's published responsible AI statement",
                          "dated": before}],
            "conclusion": "approve with conditions",
            "conditions": ["Deprecation notice of 90 days in the next renewal",
                           "The provider's answer on ISO/IEC 42001 before the next assessment"],
            "rationale": "Secure and contractually sound; its notice periods and AI governance need work."}),
        "llm-provider": ("support-assistant", {
            "data_provenance": _finding("unknown", "The provider publishes no account of its training data; asked "
                                                   "twice, it cites trade secrets."),
            "model_provenance": _finding("partly", "A model card with evaluation results, without the safety "
                                                   "tests' details.", ("model-card",)),
            "change_notice": _finding("yes", "30 days' notice of model changes.", ("terms",)),
            "security": _finding("yes", "Penetration test summary and SOC 2 report.", ("soc2-llm",)),
            "incident_notice": _finding("partly", "Incidents are posted on a status page; no direct notice.",
                                        ("terms",)),
            "data_use": _finding("yes", "No training on API prompts or outputs.", ("terms",)),
            "ai_policy": _finding("yes", "Usage policy and published risk assessments.", ("model-card",)),
            "ai_management": _finding("unknown", "No statement on an AI management system."),
            "evidence": [{"id": "terms", "description": "Enterprise API terms and order form PA-2291",
                          "dated": "2025-09-01"},
                         {"id": "model-card", "description": "The provider's model card of the current model",
                          "dated": before},
                         {"id": "soc2-llm", "description": "SOC 2 Type II report for 2025", "dated": "2026-03-31"}],
            "conclusion": "approve",
            "rationale": "The assistant depends on this model and no comparable provider offers German support; "
                         "the contract protects Northwind's data."}),
    }


CUSTOMERS = {
    "support-assistant": {
        "customer_facing": True,
        "customers": "Northwind's retail customers and prospects using the web chat and the mobile app.",
        "obligations": [
            {"obligation": "Tell customers they are chatting with an AI", "source": "law",
             "how_met": "A notice opens every chat (EU AI Act Art. 50); the assistant says so when asked."},
            {"obligation": "Give accurate fee and product information", "source": "commitment",
             "how_met": "Answers are grounded in the product pages; fee questions go to an agent."},
            {"obligation": "Hand over to a person on request", "source": "terms of service",
             "how_met": "The 'talk to a person' button and the word 'agent' hand the chat over."}]},
    "cv-screening": {
        "customer_facing": False,
        "rationale": "Only Northwind's recruiters use the ranking; applicants are not its customers (their "
                     "rights are in the impact assessment)."},
}


def run_suppliers(workspace, examples: Path, progress) -> list[Evidence]:
    """Register the suppliers and the customer records, and assess each supplier."""
    day = date.today() - timedelta(days=60)  # with the risk assessments, before the SoA
    for system_id, entries in suppliers(day).items():
        path = examples / f"suppliers-{system_id}.yaml"
        path.write_text(yaml.safe_dump({"suppliers": entries}, sort_keys=False, allow_unicode=True))
        import_suppliers(workspace, system_id, path, person="priya")
    for system_id, record in CUSTOMERS.items():
        set_customer_facing(workspace, system_id, record, person="priya")
    runs = []
    for supplier_id, (system_id, answers) in assessments(day).items():
        path = examples / f"supplier-assessment-{supplier_id}.yaml"
        path.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True))
        progress(f"assessing the supplier {supplier_id} of {system_id} ...")
        runs.append(run_process(workspace, "supplier-assessment", system_id, path, assessor="amara",
                                item_id=supplier_id, effective_date=day))
    return runs

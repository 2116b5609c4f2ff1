"""The demo's context of the organisation: Northwind's issues, interested parties and AIMS scope, with its
three systems in scope and its AI roles for each; one internal issue (a key-person dependency) that
nothing addresses yet, which the evidence flags. Kept in the register of documented information as the
AIMS scope's current version, so the gap analysis that follows cites it for 4.1 to 4.3."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

AGO = 30  # the context record speaks for a day after the risk assessments it names, before the gap analysis


def _issue(id_, kind, description, effect, addressed_by):
    return {"id": id_, "kind": kind, "description": description, "effect": effect, "addressed_by": addressed_by}


def _requirement(id_, party, requirement, how="", addressed_by=(), reason=""):
    return {"id": id_, "party": party, "requirement": requirement, "addressed": bool(how), "how": how,
            "addressed_by": list(addressed_by), "reason": reason}


ANSWERS = {
    "issues": [
        _issue("E1", "external", "The EU AI Act's obligations for high-risk AI in credit scoring and employment apply "
               "from August 2026.", "Two of the three systems are high-risk: the AIMS must cover the provider's and "
               "the deployer's duties for them, impact assessments included.",
               ["impact-assessment", "risk-assessment", "cv-screening/R3"]),
        _issue("E2", "external", "Interest-rate moves shift who applies for loans.",
               "The credit-scoring model's calibration can drift unnoticed; the AIMS must monitor it.",
               ["credit-scoring/R3", "monitoring"]),
        _issue("E3", "external", "The customer-support assistant runs on a hosted LLM whose supplier can change "
               "the model.", "Behaviour can change without a release of Northwind's own; supplier obligations "
                             "and regression tests are part of the AIMS.", ["support-assistant/R4", "A.10.3"]),
        _issue("I1", "internal", "Lending already runs a model risk committee that approves material model changes.",
               "The AIMS builds on the committee rather than adding a second approval.", ["soa", "A.6.2.5"]),
        _issue("I2", "internal", "A data science team of four; one person alone knows the credit-scoring retraining "
               "pipeline.", "Monitoring and retraining depend on one person's availability.", []),
    ],
    "climate_change": {"relevant": False,
                       "reason": "The three systems run on modest hosted compute and none serves a purpose climate "
                                 "change affects; reconsidered at each management review."},
    "parties": [
        {"id": "lending-regulator", "name": "Financial conduct regulator", "kind": "external"},
        {"id": "market-surveillance", "name": "Market surveillance authority (EU AI Act)", "kind": "external"},
        {"id": "loan-applicants", "name": "Loan applicants", "kind": "external"},
        {"id": "job-applicants", "name": "Job applicants", "kind": "external"},
        {"id": "customers", "name": "Customers using the chat", "kind": "external"},
        {"id": "works-council", "name": "Works council", "kind": "internal"},
        {"id": "board", "name": "Board of directors", "kind": "internal"},
    ],
    "requirements": [
        _requirement("Q1", "lending-regulator", "Material changes to credit models are approved independently of "
                     "their developers.", "The model risk committee approves each release (control NW.1 of the "
                     "SoA); the risk assessment records the change.", ["soa", "A.6.2.5"]),
        _requirement("Q2", "market-surveillance", "Serious incidents of high-risk systems are reported within the "
                     "EU AI Act's deadlines.", "Incident reports run the Art. 73 clock and flag an overdue report.",
                     ["incident-report", "A.8.4"]),
        _requirement("Q3", "loan-applicants", "A reason for a decline they can understand and contest.",
                     "Reason codes on every decline and an appeal channel, treated as credit-scoring risk R2.",
                     ["credit-scoring/R2", "A.8.2"]),
        _requirement("Q4", "job-applicants", "To be told that an AI ranks their application and to have it read by "
                     "a person.", "The impact assessment's required measures and the audit's corrective action: a "
                     "notice to applicants and a reading of every rejection.", ["impact-assessment", "A.8.2"]),
        _requirement("Q5", "customers", "To know they chat with an AI and to reach a person.",
                     "A notice opens every chat and fee questions hand over to staff (support-assistant R3).",
                     ["support-assistant/R3", "A.8.2"]),
        _requirement("Q6", "works-council", "Informed before AI is used to assess staff or applicants at work.",
                     "Consulted before each go-live of a system in recruiting; recorded in the impact assessment.",
                     ["impact-assessment", "A.8.5"]),
        _requirement("Q7", "board", "AI risk and the AIMS's performance reported at least yearly.",
                     "The management review reports risks, objectives and audit results to the board.",
                     ["management-review"]),
        _requirement("Q8", "loan-applicants", "The scoring model's code and weights published.",
                     reason="Publishing them would let applicants game the score and disclose trade secrets; the "
                            "public system card explains what the model depends on instead."),
    ],
    "scope": {
        "statement": "Northwind Lending plc's AI management system covers the AI systems it develops, provides and "
                     "uses in lending, recruiting and customer service in the EU, over their whole life cycle.",
        "boundaries": "Inside: the head office and the EU branches, the data science, lending, HR and customer "
                      "service teams, and the suppliers of AI components as far as their contracts reach. Outside: "
                      "the group's entities beyond the EU and outsourced payroll, which use no AI.",
        "systems": [
            {"system": "credit-scoring", "in_scope": True, "roles": ["developer", "provider", "deployer"]},
            {"system": "cv-screening", "in_scope": True, "roles": ["deployer"]},
            {"system": "support-assistant", "in_scope": True, "roles": ["deployer"]},
        ],
    },
}


def run_context(workspace, examples: Path, progress):
    """Archive the context record, dated after the risk assessments it names, and keep it in the register of
    documented information as the AIMS scope's next version."""
    from workbench.pipeline.run import run_process
    from workbench.records.documented_information import add_document, documents

    today = date.today()
    answers_file = examples / "context.yaml"
    answers_file.write_text(yaml.safe_dump(ANSWERS, sort_keys=False, allow_unicode=True))
    progress("recording the context of the organisation and the AIMS scope ...")
    evidence = run_process(workspace, "context", "", answers_file, assessor="priya",
                           effective_date=today - timedelta(days=AGO))
    earlier = [d["version"] for d in documents(workspace) if d["doc_id"] == "aims-scope"]
    add_document(workspace, {"id": "aims-scope", "title": "Context of the organisation and AIMS scope",
                             "requirement": "aims-scope", "owner": "priya", "version": str(int(earlier[0]) + 1 if earlier else 1),
                             "location": evidence.run_id, "last_review": (today - timedelta(days=AGO)).isoformat(),
                             "next_review": (today + timedelta(days=365 - AGO)).isoformat()}, recorded_by="priya")
    return evidence

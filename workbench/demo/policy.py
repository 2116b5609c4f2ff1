"""The demo's AI policy and the roles and responsibilities of its AI systems: the RACI recorded in the
configuration by the AIMS manager, and version 2 of the policy, which the board approved 400 days ago
(the register of documented information's entry), recorded now and approved by top management.

Its review date passed 35 days ago, as the register's entry and the management review say; and
everyone but Lena has acknowledged it, which the portfolio flags (7.3)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

TEXT = """# Northwind Lending AI policy

Northwind Lending uses AI to decide faster and more fairly on credit, recruiting and customer service.
This policy fits the purpose of Northwind Lending: lending responsibly to households and small firms in the EU.

## Objectives

The AIMS manager sets measurable AI objectives each year within this policy, and top management reviews
progress at every management review.

## Requirements and improvement

- We meet the legal, regulatory and contractual requirements that apply to our AI systems, including the
  EU AI Act and consumer credit law.
- We continually improve the AI management system through audits, monitoring, incidents and reviews.
- Every AI system has a named owner, assessors and approvers; nobody approves their own work.
"""

COMMITMENTS = [
    {"commitment": "purpose", "where": "This policy fits the purpose of Northwind Lending"},
    {"commitment": "objectives-framework", "where": "sets measurable AI objectives each year within this policy"},
    {"commitment": "requirements", "where": "We meet the legal, regulatory and contractual requirements that apply"},
    {"commitment": "continual-improvement", "where": "We continually improve the AI management system"},
]

RESPONSIBILITIES = {
    "credit-scoring": {"owner": "lena", "assessors": ["amara", "tomas"], "approvers": ["david", "priya"],
                       "monitoring": ["tomas"], "incident_contacts": ["lena", "priya"]},
    "cv-screening": {"owner": "amara", "assessors": ["tomas", "amara"], "approvers": ["priya", "david"],
                     "monitoring": ["tomas"], "incident_contacts": ["amara", "priya"]},
    "support-assistant": {"owner": "lena", "assessors": ["amara", "tomas"], "approvers": ["priya", "david"],
                          "monitoring": ["amara"], "incident_contacts": ["lena", "priya"]},
}
ACKNOWLEDGED = ("priya", "tomas", "amara", "david", "sofia")  # Lena has not: the flaw the portfolio flags


APPROVED_DAYS_AGO, REVIEW_DAYS_AGO = 400, 35  # as the register of documented information records it


def answers(today: date) -> dict:
    """Version 2, whose review date has passed."""
    return {"version": "2", "title": "Northwind Lending AI policy", "text": TEXT, "commitments": COMMITMENTS,
            "review_date": (today - timedelta(days=REVIEW_DAYS_AGO)).isoformat()}


def record_responsibilities(workspace) -> None:
    """Add the RACI of each demo system to workbench.yaml and record it, signed by the AIMS manager."""
    from workbench.records.configuration import record_configuration
    from workbench.workspace import CONFIG_FILE

    path = workspace.root / CONFIG_FILE
    config = yaml.safe_load(path.read_text())
    config["responsibilities"] = RESPONSIBILITIES
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    record_configuration(workspace, "owners, assessors, approvers, monitoring and incident contacts per AI system",
                         person="priya")


def run_policy(workspace, examples: Path, progress) -> list:
    """The RACI, the AI policy 2 approved by David, and the acknowledgements."""
    from workbench.pipeline.run import run_process
    from workbench.processes.ai_policy.acknowledgements import acknowledge
    from workbench.records.signoff import sign_off

    progress("recording the roles and responsibilities of each AI system ...")
    record_responsibilities(workspace)
    today = date.today()
    answers_file = examples / "ai-policy.yaml"
    answers_file.write_text(yaml.safe_dump(answers(today), sort_keys=False, allow_unicode=True))
    progress("archiving the AI policy ...")
    evidence = run_process(workspace, "ai-policy", "", answers_file, assessor="priya",
                           effective_date=today - timedelta(days=APPROVED_DAYS_AGO))
    sign_off(workspace, evidence.run_id, "approve", "Approved by the board on behalf of top management", "david")
    for person in ACKNOWLEDGED:
        acknowledge(workspace, person)
    return [evidence]

"""The demo's system cards: what the people responsible for each system state on its card, and which
fields Northwind publishes. The support assistant's card keeps its residual risks internal."""

from __future__ import annotations

from pathlib import Path

import yaml

CONCERN = ("Use the form at https://northwind.example/ai-concerns or call +44 20 7946 0000 (weekdays 9:00-17:00); "
           "the AI governance team answers within 10 working days and may escalate to the data protection officer.")
EVERYTHING = ["purpose", "intended_uses", "prohibited_uses", "users", "affected", "datasets", "performance",
              "fairness", "impact_level", "eu_ai_act", "human_oversight", "limitations", "residual_risks",
              "raise_concern", "what_it_depends_on"]

ANSWERS = {
    "credit-scoring": {
        "intended_uses": ["Estimate the probability of default of personal-loan applications of EUR 1,000 to 50,000",
                          "Prioritise applications for review by a credit officer"],
        "prohibited_uses": ["Deciding a decline without a credit officer's review",
                            "Scoring business loans, mortgages or existing customers' limits",
                            "Marketing or pricing other products"],
        "users": ["Credit officers in branches and the online lending team"],
        "human_oversight": "A credit officer reviews every decline and every score within 5 points of the cut-off, "
                           "and may override the score with a recorded reason; overrides are sampled monthly.",
        "oversight_owner": "lena",
        "limitations": ["Trained on applications from 2019-2024; applicants with a thin credit file score less "
                        "reliably", "Applicants aged 55 and over are under-represented in the training data"],
        "raise_concern": CONCERN,
        "internal_notes": "Model card of the vendor build is in data/credit-scoring/model-card.pdf; override "
                          "sampling is run by the credit risk team.",
        "public": EVERYTHING,
    },
    "cv-screening": {
        "intended_uses": ["Order applications to head-office roles so that recruiters read the closest matches first"],
        "prohibited_uses": ["Rejecting an application without a recruiter reading it",
                            "Screening internal candidates for promotion", "Inferring health, age or family status"],
        "users": ["Recruiters", "Hiring managers, who see the shortlist"],
        "human_oversight": "Recruiters read every application on the shortlist and at least the next ten; the "
                           "ranking is never shown to the applicant or used as a score.",
        "oversight_owner": "amara",
        "limitations": ["Ranks by similarity to past hires, so it can repeat their imbalance (see fairness)",
                        "Reads CVs in English only"],
        "raise_concern": CONCERN,
        "public": EVERYTHING,
    },
    "support-assistant": {
        "intended_uses": ["Answer customers' questions about accounts and products in web and app chat",
                          "Hand the conversation to a support agent on request or when unsure"],
        "prohibited_uses": ["Giving financial advice or deciding on complaints",
                            "Changing account data or making payments"],
        "users": ["Customers of Northwind in the web chat and the mobile app", "Support agents, who take over chats"],
        "human_oversight": "Customers can ask for a person at any time; agents review a daily sample of conversations "
                           "and every conversation a customer rated poorly.",
        "oversight_owner": "lena",
        "limitations": ["May state wrong facts with confidence; it cites the help-centre page it relied on",
                        "Answers in English and German only"],
        "raise_concern": CONCERN,
        "internal_notes": "Supplier incident contact is in the contract register.",
        "public": [f for f in EVERYTHING if f != "residual_risks"],
    },
}


def write_answers(examples: Path) -> dict[str, Path]:
    """Write each system's card answers into ``examples``; return the files by system."""
    files = {}
    for system_id, answers in ANSWERS.items():
        files[system_id] = examples / f"system-card-{system_id}.yaml"
        files[system_id].write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True))
    return files

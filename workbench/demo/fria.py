"""The demo's fundamental rights impact assessment: Northwind owes one for its credit-scoring model
(Annex III point 5(b)). It starts from what the model's impact assessment says and adds what only the
deployer knows. Its flaw: the market surveillance authority has not been notified of the results yet."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

SYSTEM = "credit-scoring"
INSTRUCTIONS = "Instructions for use of the retail credit scoring model v4.2"


def answers(prefilled: dict) -> dict:
    """The deployer's answers: the prefill's citation of the impact assessment, the rest as the credit risk team
    wrote it, starting from the prefill."""
    return {
        **prefilled,
        "processes": [
            {"name": "Personal-loan underwriting",
             "use": "Every personal-loan application of EUR 1,000 to 50,000 is scored on intake; the score and its top "
                    "reason codes go to the credit officer with the application.",
             "intended_purpose": "The score supports, and never replaces, the credit officer's decision, as the "
                                 "instructions for use state (section 2, intended purpose)."},
            {"name": "Affordability review of declined applications",
             "use": "Declined applications with a score within 5 points of the cut-off are queued for a second review.",
             "intended_purpose": "Within the intended purpose: the score prioritises the review, a person decides."},
        ],
        "period_of_use": {"start": "2024-03-01", "end": None,
                          "frequency": "every personal-loan application, online and in branches: about 1,200 a week"},
        "affected": [
            {"id": "loan-applicants", "name": "Personal-loan applicants",
             "description": "Scored on every application; a decline delays or denies credit.", "vulnerable": False,
             "groups": ["sex=female", "sex=male", "age_band=18-34", "age_band=35-54"]},
            {"id": "older-applicants", "name": "Applicants aged 55 and over",
             "description": "Under-represented in the training data; the age band is among the features the "
                            "model relies on.", "vulnerable": True, "groups": ["age_band=55+"]},
            {"id": "thin-file-applicants", "name": "Applicants with a thin credit file",
             "description": "Young applicants and people new to the country; the model is weaker for them.",
             "vulnerable": True, "groups": []},
        ],
        "provider_information": {"document": INSTRUCTIONS, "reference": "DOC-CS-042 in the model risk register",
                                 "received_on": "2026-05-04"},
        "risks": [
            {"id": "H1", "title": "Wrongful declines of older applicants",
             "description": "The age band, or features that stand in for it, lowers scores of applicants aged 55 and "
                            "over beyond what their repayment history justifies.",
             "affected": ["older-applicants"], "rights": ["non-discrimination", "rights-of-the-elderly"],
             "provider_section": "section 6.2, known limitations by age band"},
            {"id": "H2", "title": "Unreliable scores for thin-file applicants",
             "description": "With little credit history the score is less accurate (AUC weaker), so creditworthy "
                            "applicants are declined.", "affected": ["thin-file-applicants"],
             "rights": ["non-discrimination", "consumer-protection"],
             "provider_section": "section 5.3, performance by segment"},
            {"id": "H3", "title": "Over-indebtedness after a wrongful approval",
             "description": "A score that overstates affordability leads to a loan the applicant cannot repay.",
             "affected": ["loan-applicants"], "rights": ["consumer-protection", "human-dignity"],
             "provider_section": ""},
            {"id": "H4", "title": "Declines an applicant cannot understand or contest",
             "description": "A decline without a specific reason leaves the applicant no effective way to "
                            "challenge it.", "affected": ["loan-applicants", "older-applicants"],
             "rights": ["effective-remedy", "consumer-protection"],
             "provider_section": "section 4, interpreting the output and reason codes"},
        ],
        "oversight": [
            {"measure": "A credit officer reviews every decline and every score within 5 points of the cut-off, and "
                        "may override the score with a recorded reason.",
             "instructions": "section 7.1, human review of adverse outcomes", "responsible": "lena"},
            {"measure": "Credit officers are trained yearly on the score's limits and on automation bias; a sample of "
                        "overrides and non-overrides is checked monthly.",
             "instructions": "section 7.3, competence of the people who oversee it", "responsible": "amara"},
        ],
        "measures": [
            {"id": "M1", "risks": ["H1", "H2"],
             "measure": "Monthly disparity monitoring by age band and by credit-file depth; a breach suspends "
                        "automatic prioritisation for the group until the credit risk committee decides.",
             "owner": "tomas"},
            {"id": "M2", "risks": ["H3"],
             "measure": "Affordability check by the credit officer on every approval above EUR 20,000; forbearance "
                        "offered to customers in arrears within the first year.", "owner": "lena"},
            {"id": "M3", "risks": ["H4", "H1"],
             "measure": "Reason codes in plain language on every decline, and an appeal to a credit officer who did "
                        "not make the decision.", "owner": "lena"},
        ],
        "governance": "The credit risk committee (chaired by the Head of Retail Credit) reviews the monitoring monthly "
                      "and may suspend the model; the AIMS manager opens a nonconformity for every materialised risk, "
                      "and serious incidents are reported to the authority under Art. 73.",
        "complaints": "Applicants appeal a decline within 30 days by branch, phone or the online form; a credit "
                      "officer who did not decide answers within 15 working days; unresolved complaints may go to "
                      "the financial ombudsman.",
        "notification": {"notified": False, "notified_on": None, "authority": "", "reference": ""},
        "dpia": "DPIA-2025-014 Retail credit scoring, kept by the data protection officer",
    }


def run_fria(workspace, examples: Path, progress, assessed: date):
    """The FRIA of the credit-scoring model, a week after its impact assessment, not yet notified."""
    from workbench.pipeline.run import run_process
    from workbench.processes.fria.assessment import prefill

    answers_file = examples / f"fundamental-rights-impact-{SYSTEM}.yaml"
    answers_file.write_text(yaml.safe_dump(answers(prefill(workspace, SYSTEM)), sort_keys=False, allow_unicode=True))
    progress(f"running the fundamental rights impact assessment of {SYSTEM} ...")
    return run_process(workspace, "fundamental-rights-impact", SYSTEM, answers_file, assessor="amara",
                       effective_date=assessed + timedelta(days=7))

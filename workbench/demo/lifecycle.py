"""The demo's model lifecycle: the release records of the credit-scoring scorecard. Version 3, in use
through the monitored months, was released before the dataset register existed, so its record cites no
registered training data (flagged). Version 4 (the model the explainability assessment explains) failed
its fairness criterion at first (4.1.0, rejected), was re-weighted and passed (4.2.0, awaiting the
approver's release, its rollout planned), though its requirement of reasons for declines is verified by no
criterion (flagged)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

SYSTEM = "credit-scoring"
LEGACY, CURRENT = "scorecard-v3", "scorecard-v4"  # CURRENT: the model the demo trains and explains
REQUIREMENTS = [
    {"id": "REQ-1", "statement": "Rank personal-loan applicants by their probability of default.",
     "source": "credit risk policy CRP-7"},
    {"id": "REQ-2", "statement": "Approve applicants of each age band at comparable rates.",
     "source": "risk R1 of the AI risk assessment"},
    {"id": "REQ-3", "statement": "Be calibrated well enough that approval cut-offs hold their meaning.",
     "source": "risk R3 of the AI risk assessment"},
]
REASONS = {"id": "REQ-4", "statement": "Give every declined applicant the main reasons for the decline.",
           "source": "risk R2 of the AI risk assessment; EU AI Act Art. 86"}
LOGS = [{"what": "every score with its inputs, the model version and the decision", "where": "the decision "
         "log of the loan origination system", "retention_months": 84},
        {"what": "credit officers' overrides with their reasons", "where": "the case management system",
         "retention_months": 84}]


def _verification(checked: date, parity_ratio: float, method: str) -> dict:
    return {"checked_by": "amara", "checked_on": checked.isoformat(), "method": method,
            "metrics": [{"name": "roc_auc", "value": 0.79}, {"name": "accuracy", "value": 0.74},
                        {"name": "brier", "value": 0.168},
                        {"name": "demographic_parity_ratio_age_band", "value": parity_ratio}],
            "criteria": [{"metric": "roc_auc", "operator": ">=", "threshold": 0.75, "requirement": "REQ-1"},
                         {"metric": "accuracy", "operator": ">=", "threshold": 0.7, "requirement": "REQ-1"},
                         {"metric": "demographic_parity_ratio_age_band", "operator": ">=", "threshold": 0.8,
                          "requirement": "REQ-2"},
                         {"metric": "brier", "operator": "<=", "threshold": 0.2, "requirement": "REQ-3"}]}


def records(today: date) -> list[tuple[str, str, date, dict, tuple[str, str] | None]]:
    """Each release record: (model version, answers file name, effective date, answers, sign-off decision and
    why, or ``None`` while it awaits one)."""
    legacy_checked = today - timedelta(days=250)
    legacy = {
        "version": "3.0.0", "requirements": REQUIREMENTS,
        "design_choices": [{"choice": "Logistic regression scorecard on eight bureau features",
                            "rationale": "Every weight can be read by the credit officers and the regulator."}],
        "training_data": [],
        "verification": {**_verification(legacy_checked, 0.86, "Hold-out validation on 2023 applications by the "
                                                               "model risk team."),
                         "metrics": [{"name": "roc_auc", "value": 0.76}, {"name": "accuracy", "value": 0.71},
                                     {"name": "brier", "value": 0.181},
                                     {"name": "demographic_parity_ratio_age_band", "value": 0.86}]},
        "deployment_plan": "Replaced the manual scorecard in all branches at once, with the model risk committee's "
                           "approval.",
        "deployed_on": (legacy_checked + timedelta(days=10)).isoformat(), "event_logs": LOGS,
    }
    current = {
        "version": "4.1.0", "replaces": LEGACY, "requirements": [*REQUIREMENTS, REASONS],
        "design_choices": [
            {"choice": "Random forest behind one-hot encoding of the age band and median imputation of income",
             "rationale": "Higher discrimination than the v3 scorecard; what it depends on is measured by "
                          "permutation importance (the explainability assessment)."},
            {"choice": "Income kept although 3% of applications lack it, imputed by the median",
             "rationale": "Income is the strongest predictor; dropping those rows would bias the sample."}],
        "training_data": ["training"],
        "verification": _verification(today - timedelta(days=14), 0.74, "Out-of-time hold-out of the last quarter's "
                                                                         "applications, scored by the model risk team."),
        "deployment_plan": "Two weeks in shadow mode beside v3, then all branches; v3 stays ready to switch back.",
        "event_logs": LOGS,
    }
    reweighted = {
        **current, "version": "4.2.0",
        "design_choices": [*current["design_choices"],
                           {"choice": "Training rows re-weighted so each age band has its population share",
                            "rationale": "4.1.0 approved applicants aged 18-34 at 0.74 times the rate of the others."}],
        "verification": _verification(today - timedelta(days=10), 0.83, current["verification"]["method"]),
    }
    return [
        (LEGACY, "model-release-v3.yaml", legacy_checked + timedelta(days=10), legacy,
         ("approve", "Released by the model risk committee on its validation report.")),
        (CURRENT, "model-release-v4.1.yaml", today - timedelta(days=14), current,
         ("reject", "The age-band parity criterion is not met; re-weight and validate again.")),
        (CURRENT, "model-release-v4.2.yaml", today - timedelta(days=9), reweighted, None),
    ]


def run_lifecycle(workspace, examples: Path, progress) -> list:
    """Register version 3, archive the three release records, and sign off the first two as David, the approver."""
    from workbench.pipeline.run import run_process
    from workbench.records.signoff import sign_off

    workspace.add_item(SYSTEM, {"id": LEGACY, "kind": "model", "name": "Scorecard v3 (logistic regression)",
                                "description": "In use since before the dataset register was kept"}, person="amara")
    runs = []
    for model, name, effective, answers, decision in records(date.today()):
        progress(f"archiving the release record of {model} {answers['version']} ...")
        answers_file = examples / name
        answers_file.write_text(yaml.safe_dump(answers, sort_keys=False))
        run = run_process(workspace, "model-release", SYSTEM, answers_file, assessor="tomas", item_id=model,
                          effective_date=effective)
        if decision:
            sign_off(workspace, run.run_id, *decision, person="david")
        runs.append(run)
    return runs

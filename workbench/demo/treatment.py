"""The demo's risk treatments: each tracked from the risk assessments' plans, one verified effective on
evidence, one residual risk above appetite accepted by top management; and two flaws the portfolio
flags: a cv-screening treatment past its due date, and cv-screening's residual risk R1 above appetite
that nobody has accepted (the internal audit's finding on 6.1.3)."""

from __future__ import annotations

from datetime import date, timedelta

from workbench.processes.risk_assessment.treatment import accept_risk, update_treatment


def run_treatments(workspace, risk_runs: dict[str, str], today: date, progress) -> None:
    """Update the treatments of the demo risks of ``risk_runs`` (system -> risk assessment run id)."""
    credit, cv, support = (risk_runs[s] for s in ("credit-scoring", "cv-screening", "support-assistant"))
    progress("tracking the risk treatments ...")
    update_treatment(workspace, f"{credit}#R4", updated_by="lena", status="in progress",
                     note="extracts to laptops stopped pending the secure analysis workspace")
    update_treatment(workspace, f"{credit}#R4", updated_by="lena", status="done", controls=["A.4.3", "A.7.5"],
                     implementation="Analysts work in the secure analysis workspace; the feature store no longer "
                                    "allows extracts, and laptops were checked for copies.",
                     note="done ahead of its due date")
    update_treatment(workspace, f"{credit}#R4", updated_by="priya", status="verified effective",
                     effectiveness_check="Thirty days after the change the data loss prevention log showed no "
                                         "extract of income or credit history leaving the feature store.",
                     effectiveness_evidence=[f"sample:{(today - timedelta(days=2)).isoformat()}:the data loss "
                                             "prevention log of the last 30 days, no extract of feature store data"],
                     note="verified by the AIMS manager")
    update_treatment(workspace, f"{credit}#R1", updated_by="tomas", status="in progress",
                     note="quarterly disparity tests run; reviewer override being built")
    update_treatment(workspace, f"{credit}#R3", updated_by="tomas", status="in progress",
                     note="calibration monitoring runs monthly; retraining trigger not yet automated")
    accept_risk(workspace, f"{credit}#R3", person="david",
                reason="Calibration drift stays High until six months of monitoring prove the retraining trigger; "
                       "credit officers review every decline meanwhile, so the residual risk is accepted to 2027-03.")
    update_treatment(workspace, f"{cv}#R1", updated_by="amara", status="in progress",
                     note="adverse-impact tests designed; debiasing not started")
    update_treatment(workspace, f"{cv}#R2", updated_by="amara", status="in progress",
                     due_date=(today - timedelta(days=5)).isoformat(),
                     note="sampling below the cut-off promised for the autumn vacancies")
    update_treatment(workspace, f"{support}#R2", updated_by="tomas", status="done", controls=["A.6.2.4", "A.10.3"],
                     implementation="Injection test suite in every release; the supplier filters account data out "
                                    "of the model's context.")

"""The AI risk assessment (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3): risks of one AI system, rated
before and after treatment against the workspace's risk criteria, each risk's treatment tracked to a
verified effect, and the acceptance of each residual risk above appetite."""

from workbench.processes import Process
from workbench.processes.risk_assessment.assessment import (RiskAssessmentAnswers, acceptance, assess_in, check,
                                                            headline, portfolio_charts, register_rows)
from workbench.processes.risk_assessment.settings import RiskCriteria
from workbench.processes.risk_assessment.tables import RiskAcceptanceRow, RiskRow, RiskTreatmentRow
from workbench.processes.risk_assessment.treatment import (acceptance_refusal, acceptance_rows, portfolio_flags,
                                                          treatment_rows)
from workbench.records.acts import Act
from workbench.records.nonconformity import effectiveness_rule

PROCESS = Process(
    name="risk-assessment",
    code="ra",
    title="AI risk assessment",
    clauses=("6.1.2", "6.1.3", "8.2", "8.3"),
    package=__name__,
    answers=RiskAssessmentAnswers,
    assess=assess_in,
    check=check,
    report=f"{__name__}.report",
    form=f"{__name__}.form:RiskAssessmentForm",
    index=register_rows,
    tables=(RiskRow, RiskTreatmentRow, RiskAcceptanceRow),
    records={"treatment-update": treatment_rows, "risk-acceptance": acceptance_rows},
    acts={"treatment-update": Act("updated_by", (), "updating a risk treatment", effectiveness_rule("treatment")),
          "risk-acceptance": Act("person", (), "accepting a residual risk above appetite", acceptance_refusal)},
    settings=("risk_criteria", RiskCriteria),
    commands=f"{__name__}.cli:treatment",
    periodic=True,
    acceptance=acceptance,
    headline=headline,
    portfolio=portfolio_charts,
    flags=portfolio_flags,
)

"""The AI system impact assessment (ISO/IEC 42001 6.1.4, 8.4, Annex A.5): a scored questionnaire on
the system's impact on people and society, with fairness measured on its predictions."""

from workbench.processes import Process
from workbench.processes.impact_assessment.assessment import (ImpactAssessmentAnswers, assess, breaches, headline,
                                                              portfolio_charts, register_rows)
from workbench.processes.impact_assessment.fairness import reads
from workbench.processes.impact_assessment.settings import ImpactCriteria
from workbench.processes.impact_assessment.tables import ImpactAssessmentRow

PROCESS = Process(
    name="impact-assessment",
    code="ia",
    title="AI system impact assessment",
    clauses=("6.1.4", "8.4"),
    package=__name__,
    answers=ImpactAssessmentAnswers,
    assess=assess,
    report=f"{__name__}.report",
    form=f"{__name__}.form:ImpactAssessmentForm",
    index=register_rows,
    tables=(ImpactAssessmentRow,),
    settings=("impact_criteria", ImpactCriteria),
    periodic=True,
    breaches=breaches,
    headline=headline,
    portfolio=portfolio_charts,
    reads=reads,
)

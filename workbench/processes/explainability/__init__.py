"""Explainability (ISO/IEC 42001 A.5.4, A.6.2.7, A.8.2): which features a model version's decisions
depend on, measured overall and within each group of each sensitive attribute, and the top features
that stand in for a sensitive attribute, proposed as risks."""

from workbench.processes import Process
from workbench.processes.explainability.assessment import (KIND, ExplainabilityAnswers, assess, breaches, check,
                                                           headline, reads, register_rows)
from workbench.processes.explainability.tables import ExplainabilityRow

PROCESS = Process(
    name="explainability",
    code="xai",
    title="Explainability assessment",
    clauses=("A.5.4", "A.6.2.7", "A.7.4", "A.8.2"),
    package=__name__,
    answers=ExplainabilityAnswers,
    assess=assess,
    report=f"{__name__}.report",
    subject="item",
    item_kind=KIND,
    index=register_rows,
    tables=(ExplainabilityRow,),
    breaches=breaches,
    check=check,
    reads=reads,
    headline=headline,
)

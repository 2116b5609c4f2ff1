"""AI objectives and the monitoring plan (ISO/IEC 42001 6.2, 9.1): the objectives with owners,
targets, due dates, measures and actions; the plan of measures; and the measurements of each
period, taken from the register and the workbench's runs or recorded by a person."""

from workbench.processes import Process
from workbench.processes.objectives.assessment import (assess, check, headline, portfolio_flags, register_rows,
                                                       review_measures)
from workbench.processes.objectives.measurements import KIND, NAME, measurement_refusal, measurement_rows
from workbench.processes.objectives.plan import ObjectivesAnswers
from workbench.processes.objectives.sources import MEASURES
from workbench.processes.objectives.tables import MeasurementRow, MeasureRow, ObjectiveRow
from workbench.records.acts import Act

PROCESS = Process(
    name=NAME,
    code="obj",
    title="AI objectives and monitoring plan",
    clauses=("6.2", "9.1"),
    package=__name__,
    answers=ObjectivesAnswers,
    assess=assess,
    check=check,
    report=f"{__name__}.report",
    subject="organisation",
    role="aims_manager",
    index=register_rows,
    tables=(ObjectiveRow, MeasureRow, MeasurementRow),
    records={KIND: measurement_rows},
    acts={KIND: Act("recorded_by", (), "recording a measurement", measurement_refusal)},
    commands=f"{__name__}.cli:measure",
    headline=headline,
    flags=portfolio_flags,
    on_review=review_measures,
    measures=MEASURES,
)

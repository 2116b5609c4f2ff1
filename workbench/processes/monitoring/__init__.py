"""Monitoring of an AI system in production (ISO/IEC 42001 9.1, A.6.2.6): each period's prediction
log measured for performance, fairness per group and drift against a reference dataset, charted
beside the earlier periods."""

from workbench.processes import Process
from workbench.processes.monitoring.answers import MonitoringAnswers
from workbench.processes.monitoring.assessment import assess, breaches, check, headline, register_rows
from workbench.processes.monitoring.log import reads
from workbench.processes.monitoring.tables import MonitoringRow

PROCESS = Process(
    name="monitoring",
    code="mon",
    title="Monitoring in production",
    clauses=("9.1", "A.6.2.6"),
    package=__name__,
    answers=MonitoringAnswers,
    assess=assess,
    report=f"{__name__}.report",
    index=register_rows,
    tables=(MonitoringRow,),
    periodic=True,
    breaches=breaches,
    check=check,
    headline=headline,
    reads=reads,
)

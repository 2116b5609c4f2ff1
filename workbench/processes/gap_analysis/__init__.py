"""The gap analysis (ISO/IEC 42001 clauses 4 to 10 and Annex A): maturity ratings citing evidence,
readiness for certification, and an implementation plan."""

from workbench.processes import Process
from workbench.records.documented_information import reads
from workbench.processes.gap_analysis.assessment import NAME, GapAnalysisAnswers, assess, check, headline, register_rows
from workbench.processes.gap_analysis.settings import Readiness
from workbench.processes.gap_analysis.tables import GapActionRow

PROCESS = Process(
    name=NAME,
    code="gap",
    title="Gap analysis and implementation plan",
    clauses=("4", "5", "6", "7", "8", "9", "10"),
    package=__name__,
    answers=GapAnalysisAnswers,
    assess=assess,
    report=f"{__name__}.report",
    form=f"{__name__}.form:GapAnalysisForm",
    subject="organisation",
    role="aims_manager",
    index=register_rows,
    tables=(GapActionRow,),
    settings=("readiness", Readiness),
    check=check,
    reads=reads,
    headline=headline,
)

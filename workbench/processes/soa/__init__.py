"""The Statement of Applicability (ISO/IEC 42001 6.1.3 d): every Annex A control, included or
excluded with a justification, its implementation status, and the risks it treats."""

from workbench.processes import Process
from workbench.processes.soa.assessment import NAME, SoAAnswers, assess, check, headline, register_rows
from workbench.processes.soa.consistency import soa_flags
from workbench.processes.soa.tables import SoAControlRow

PROCESS = Process(
    name=NAME,
    code="soa",
    title="Statement of Applicability",
    clauses=("6.1.3",),
    package=__name__,
    answers=SoAAnswers,
    assess=assess,
    report=f"{__name__}.report",
    form=f"{__name__}.form:SoAForm",
    subject="organisation",
    role="aims_manager",
    index=register_rows,
    tables=(SoAControlRow,),
    check=check,
    headline=headline,
    flags=soa_flags,
)

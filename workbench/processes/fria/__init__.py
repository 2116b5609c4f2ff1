"""The fundamental rights impact assessment (EU AI Act Art. 27; ISO/IEC 42001 A.5.4, A.5.5): the deployer's
assessment of one AI system before first use, built on the system's impact assessment."""

from workbench.processes import Process
from workbench.processes.fria.answers import FriaAnswers
from workbench.processes.fria.assessment import INPUTS, NAME, assess, check, headline, portfolio_flags, register_rows
from workbench.processes.fria.tables import FundamentalRightsRow

PROCESS = Process(
    name=NAME,
    code="fria",
    title="Fundamental rights impact assessment",
    clauses=("A.5.4", "A.5.5", "8.4"),
    package=__name__,
    answers=FriaAnswers,
    assess=assess,
    report=f"{__name__}.report",
    form=f"{__name__}.form:FriaForm",
    commands=f"{__name__}.cli:fria",
    index=register_rows,
    tables=(FundamentalRightsRow,),
    check=check,
    headline=headline,
    flags=portfolio_flags,
    inputs=INPUTS,
)

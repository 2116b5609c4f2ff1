"""System cards for interested parties (ISO/IEC 42001 A.8.2, A.6.2.7, A.8.5): an internal card of each
AI system assembled from the register and its latest records, and a public card, archived beside it,
that holds only the fields the organisation marks public."""

from workbench.processes import Process
from workbench.processes.system_card.assessment import NAME, SystemCardAnswers, assess, check, headline, register_rows
from workbench.processes.system_card.facts import INPUTS
from workbench.processes.system_card.public import FILE, render
from workbench.processes.system_card.tables import SystemCardRow

PROCESS = Process(
    name=NAME,
    code="card",
    title="AI system card",
    clauses=("A.8.2", "A.6.2.7", "A.8.5"),
    package=__name__,
    answers=SystemCardAnswers,
    assess=assess,
    report=f"{__name__}.report",
    index=register_rows,
    tables=(SystemCardRow,),
    periodic=True,
    check=check,
    headline=headline,
    attachments={FILE: render},
    inputs=INPUTS,
)

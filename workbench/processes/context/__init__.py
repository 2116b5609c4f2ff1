"""The context of the organisation (ISO/IEC 42001 4.1, 4.2, 4.3): the issues relevant to AI, the
interested parties and their requirements, the AIMS scope with the AI systems in and out of it and the
organisation's AI roles for each (:func:`ai_roles`)."""

from workbench.processes import Process
from workbench.processes.context.assessment import (NAME, ContextAnswers, ai_roles, assess, check, headline,
                                                    portfolio_flags, register_rows, review_section)
from workbench.processes.context.tables import ContextIssueRow, PartyRequirementRow, ScopedSystemRow

__all__ = ["PROCESS", "ai_roles"]

PROCESS = Process(
    name=NAME,
    code="ctx",
    title="Context of the organisation and AIMS scope",
    clauses=("4.1", "4.2", "4.3"),
    package=__name__,
    answers=ContextAnswers,
    assess=assess,
    report=f"{__name__}.report",
    form=f"{__name__}.form:ContextForm",
    subject="organisation",
    role="aims_manager",
    index=register_rows,
    tables=(ContextIssueRow, PartyRequirementRow, ScopedSystemRow),
    check=check,
    headline=headline,
    flags=portfolio_flags,
    review_section=review_section,
)

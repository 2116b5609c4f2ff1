"""The AI policy (ISO/IEC 42001 5.2, 5.3, 7.3, A.2.2, A.2.4): each version's text and the commitments it
makes, approved by top management with a sign-off, reviewed by its date, and acknowledged by every person
of the configuration; with the roles and responsibilities per AI system in force."""

from workbench.processes import Process
from workbench.processes.ai_policy.acknowledgements import (KIND, acknowledgement_refusal, acknowledgement_rows,
                                                            portfolio_flags)
from workbench.processes.ai_policy.assessment import NAME, acceptance, assess, check, headline, register_rows
from workbench.processes.ai_policy.policy import PolicyAnswers
from workbench.processes.ai_policy.tables import AcknowledgementRow, PolicyRow
from workbench.records.acts import Act

PROCESS = Process(
    name=NAME,
    code="pol",
    title="AI policy",
    clauses=("5.2", "5.3", "7.3", "A.2.2", "A.2.4", "A.3.2"),
    package=__name__,
    answers=PolicyAnswers,
    assess=assess,
    report=f"{__name__}.report",
    subject="organisation",
    role="aims_manager",
    index=register_rows,
    tables=(PolicyRow, AcknowledgementRow),
    records={KIND: acknowledgement_rows},
    acts={KIND: Act("person", (), "acknowledging the AI policy", acknowledgement_refusal)},
    commands=f"{__name__}.cli:policy",
    headline=headline,
    acceptance=acceptance,
    check=check,
    flags=portfolio_flags,
)

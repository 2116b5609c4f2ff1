"""The internal audit (ISO/IEC 42001 9.2, 10.2): an audit programme, a checklist generated from an
audit's scope, graded findings citing archived evidence, and the nonconformities they open."""

from workbench.processes import Process
from workbench.processes.internal_audit.assessment import (AuditAnswers, archived, assess, check, headline,
                                                           plan_refusal, plan_rows)
from workbench.processes.internal_audit.tables import AuditRow
from workbench.records.acts import Act

PROCESS = Process(
    name="internal-audit",
    code="audit",
    title="Internal audit",
    clauses=("9.2", "10.2"),
    package=__name__,
    answers=AuditAnswers,
    assess=assess,
    report=f"{__name__}.report",
    form=f"{__name__}.form:AuditForm",
    subject="organisation",
    role="auditor",
    tables=(AuditRow,),
    records={"audit-plan": plan_rows},
    acts={"audit-plan": Act("planned_by", (), "planning an audit", plan_refusal)},
    commands=f"{__name__}.cli:audit",
    check=check,
    archived=archived,
    headline=headline,
)

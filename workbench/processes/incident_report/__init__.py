"""Incidents and concerns (ISO/IEC 42001 A.3.3, A.8.4, A.8.5, 10.2; EU AI Act Art. 73): concerns
anyone raises, anonymously if they wish; the incident register with its append-only timeline and
regulatory clocks; and the incident report, one incident's timeline archived as evidence."""

from workbench.processes import Process
from workbench.processes.incident_report.assessment import (IncidentReportAnswers, archived, assess, breaches,
                                                            check, headline, register_rows)
from workbench.processes.incident_report.concerns import (KIND as CONCERN, MANAGER, REVEAL_KIND, concern_rows,
                                                          reveal_rows)
from workbench.processes.incident_report.incidents import (KIND, SECTION, UPDATE_KIND, incident_rows, open_incidents,
                                                           portfolio_flags, review_section, update_rows)
from workbench.processes.incident_report.settings import IncidentSettings
from workbench.processes.incident_report.tables import (ConcernRevealRow, ConcernRow, IncidentReportRow, IncidentRow,
                                                        IncidentUpdateRow)
from workbench.records.acts import REGISTRARS, Act

PROCESS = Process(
    name="incident-report",
    code="inc",
    title="Incident report",
    clauses=("A.3.3", "A.8.4", "A.8.5", "10.2"),
    package=__name__,
    answers=IncidentReportAnswers,
    assess=assess,
    report=f"{__name__}.report",
    subject="item",
    item_kind=KIND,
    role="aims_manager",
    index=register_rows,
    tables=(IncidentRow, IncidentUpdateRow, ConcernRow, ConcernRevealRow, IncidentReportRow),
    records={KIND: incident_rows, UPDATE_KIND: update_rows, CONCERN: concern_rows, REVEAL_KIND: reveal_rows},
    acts={KIND: Act("recorded_by", REGISTRARS, "recording an incident"),
          UPDATE_KIND: Act("updated_by", REGISTRARS, "updating an incident"),
          CONCERN: Act("raised_by", (), "raising a concern"),
          REVEAL_KIND: Act("person", (MANAGER,), "seeing who raised an anonymous concern")},
    settings=(SECTION, IncidentSettings),
    commands=f"{__name__}.cli:incident {__name__}.cli:concern",
    breaches=breaches,
    check=check,
    archived=archived,
    headline=headline,
    flags=portfolio_flags,
    measures={"open-incidents": ("Open incidents", "count", open_incidents)},
    review_section=review_section,
)

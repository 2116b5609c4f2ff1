"""Suppliers and customers (ISO/IEC 42001 A.10.2 to A.10.4): the supplier register of each AI
system, each system's obligations towards its customers, and the supplier assessment of one
registered supplier, re-run by the periodic review on the system's cadence."""

from workbench.processes import Process
from workbench.processes.supplier_assessment.assessment import (SupplierAssessmentAnswers, assess, breaches, check,
                                                                headline, register_rows)
from workbench.processes.supplier_assessment.customers import KIND as CUSTOMERS, customer_rows
from workbench.processes.supplier_assessment.flags import NAME, portfolio_flags
from workbench.processes.supplier_assessment.suppliers import KIND, supplier_rows
from workbench.processes.supplier_assessment.tables import CustomerObligationsRow, SupplierAssessmentRow, SupplierRow
from workbench.records.acts import REGISTRARS, Act

PROCESS = Process(
    name=NAME,
    code="sup",
    title="Supplier assessment",
    clauses=("A.10.2", "A.10.3", "A.10.4"),
    package=__name__,
    answers=SupplierAssessmentAnswers,
    assess=assess,
    report=f"{__name__}.report",
    subject="item",
    item_kind=KIND,
    index=register_rows,
    tables=(SupplierRow, CustomerObligationsRow, SupplierAssessmentRow),
    records={KIND: supplier_rows, CUSTOMERS: customer_rows},
    acts={KIND: Act("recorded_by", REGISTRARS, "registering a supplier"),
          CUSTOMERS: Act("recorded_by", REGISTRARS, "recording what a system owes its customers")},
    commands=f"{__name__}.cli:supplier {__name__}.cli:customer",
    periodic=True,
    breaches=breaches,
    check=check,
    headline=headline,
    flags=portfolio_flags,
)

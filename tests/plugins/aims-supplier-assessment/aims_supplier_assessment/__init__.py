"""Supplier assessment (ISO/IEC 42001 Annex A.10.3): does what one supplier delivers to an AI system
fit the organisation's approach to responsible AI? An AIMS process in a package of its own."""

from workbench.processes import Process

from aims_supplier_assessment.assessment import SupplierAnswers, assess, breaches, headline, register_rows
from aims_supplier_assessment.tables import SupplierAssessmentRow

PROCESS = Process(
    name="supplier-assessment",
    code="sup",
    title="Supplier assessment",
    clauses=("A.10.3",),
    package=__name__,
    answers=SupplierAnswers,
    assess=assess,
    report=f"{__name__}.report",
    subject="item",
    item_kind="supplier",
    index=register_rows,
    tables=(SupplierAssessmentRow,),
    periodic=True,
    breaches=breaches,
    headline=headline,
)

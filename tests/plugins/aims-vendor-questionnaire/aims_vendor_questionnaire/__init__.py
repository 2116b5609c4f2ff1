"""Vendor questionnaire (ISO/IEC 42001 Annex A.10.3): a short questionnaire on whether what one supplier
delivers to an AI system fits the organisation's approach to responsible AI. An AIMS process in a
package of its own."""

from workbench.processes import Process

from aims_vendor_questionnaire.assessment import VendorAnswers, assess, breaches, headline, register_rows
from aims_vendor_questionnaire.tables import VendorQuestionnaireRow

PROCESS = Process(
    name="vendor-questionnaire",
    code="vq",
    title="Vendor questionnaire",
    clauses=("A.10.3",),
    package=__name__,
    answers=VendorAnswers,
    assess=assess,
    report=f"{__name__}.report",
    subject="item",
    item_kind="supplier",
    index=register_rows,
    tables=(VendorQuestionnaireRow,),
    periodic=True,
    breaches=breaches,
    headline=headline,
)

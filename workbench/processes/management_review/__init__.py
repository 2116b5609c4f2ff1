"""The management review (ISO/IEC 42001 9.3): the inputs assembled from the register, and top
management's decisions as actions with owners and due dates."""

from workbench.processes import Process
from workbench.records.documented_information import reads
from workbench.processes.management_review.assessment import (NAME, ManagementReviewAnswers, assess, check, headline,
                                                              register_rows)
from workbench.processes.management_review.tables import ReviewActionRow

PROCESS = Process(
    name=NAME,
    code="mr",
    title="Management review",
    clauses=("9.3",),
    package=__name__,
    answers=ManagementReviewAnswers,
    assess=assess,
    report=f"{__name__}.report",
    form=f"{__name__}.form:ManagementReviewForm",
    subject="organisation",
    role="top_management",
    index=register_rows,
    tables=(ReviewActionRow,),
    check=check,
    reads=reads,
    headline=headline,
)

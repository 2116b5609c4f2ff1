"""Lifecycle records of model versions (ISO/IEC 42001 A.6.2.2 to A.6.2.5, A.6.2.8): each version's
requirements, design choices, training data, verification and validation against acceptance criteria,
deployment and event logs; its release is the approval of the record, by the configured role, refused
while a criterion is not met. A deployment records the system's ``new-model-version`` event."""

from workbench.processes import Process
from workbench.processes.model_release.assessment import (KIND, ModelReleaseAnswers, acceptance, approval, archived,
                                                          assess, check, headline, register_rows)
from workbench.processes.model_release.settings import SECTION, ReleaseSettings
from workbench.processes.model_release.tables import ModelReleaseRow

PROCESS = Process(
    name="model-release",
    code="rel",
    title="Model release record",
    clauses=("A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5", "A.6.2.8"),
    package=__name__,
    answers=ModelReleaseAnswers,
    assess=assess,
    report=f"{__name__}.report",
    subject="item",
    item_kind=KIND,
    index=register_rows,
    tables=(ModelReleaseRow,),
    settings=(SECTION, ReleaseSettings),
    commands=f"{__name__}.cli:model",
    acceptance=acceptance,
    approval=approval,
    check=check,
    archived=archived,
    headline=headline,
)

"""Data governance (ISO/IEC 42001 A.7): the dataset register of each AI system, and the data
quality assessment of one dataset, measured in its file rather than declared (A.7.4)."""

from workbench.processes import Process
from workbench.processes.data_quality.assessment import (DataQualityAnswers, assess, breaches, check, headline,
                                                         register_rows)
from workbench.processes.data_quality.datasets import KIND, dataset_rows, portfolio_flags, reads
from workbench.processes.data_quality.tables import DataQualityRow, DatasetRow
from workbench.records.acts import REGISTRARS, Act

PROCESS = Process(
    name="data-quality",
    code="dq",
    title="Data quality assessment",
    clauses=("A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6"),
    package=__name__,
    answers=DataQualityAnswers,
    assess=assess,
    report=f"{__name__}.report",
    subject="item",
    item_kind=KIND,
    index=register_rows,
    tables=(DatasetRow, DataQualityRow),
    records={KIND: dataset_rows},
    acts={KIND: Act("recorded_by", REGISTRARS, "registering a dataset")},
    commands=f"{__name__}.cli:dataset",
    periodic=True,
    breaches=breaches,
    check=check,
    reads=reads,
    headline=headline,
    flags=portfolio_flags,
)

"""The data quality assessment of one registered dataset: what it measures, the checks on the
request before anything runs, the results, the breaches and the risks they propose."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel

from workbench.exceptions import InputError
from workbench.processes.data_quality.datasets import current, dataset_file, external, lineage
from workbench.processes.data_quality.quality import Measurement, QualityChecks, measure, read_frame
from workbench.processes.risk_assessment.assessment import Risk

CONTROLS = ("A.7.4",)


class DataQualityAnswers(QualityChecks):
    """The checks an assessor declares for one dataset, each with its threshold."""


class DataQualityResults(BaseModel):
    """What was measured in the dataset's file, against the register's record of it."""

    dataset: dict
    lineage: list[dict]
    sha256: str
    registered_sha256: str
    measurement: Measurement
    proposed_risks: list[Risk]


def columns_of(path) -> tuple[list[str], bool]:
    """A file's column names, and whether it holds a row, read without loading it (the Parquet
    metadata, a CSV's first row)."""
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        return list(meta.schema.names), meta.num_rows > 0
    first = pd.read_csv(path, nrows=1)
    return list(first.columns), len(first) > 0


def check(workspace, request) -> None:
    """Before anything runs: the dataset is registered, its file is inside the workspace and holds
    rows and every column the checks name."""
    row = current(workspace, request.system.id, request.item.id)
    if external(row["location"]):
        raise InputError.single("item", request.item.id, f"is held at {row['location']}, outside the workspace: "
                                "put a copy inside the workspace and register that location to measure it")
    path = dataset_file(workspace, "location", row["location"])
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise InputError.single("location", row["location"], "must be a .csv or .parquet file to be measured")
    try:
        names, has_rows = columns_of(path)
    except Exception as err:  # a parser error of any kind: report the file, not a traceback
        raise InputError.single("location", row["location"], f"cannot be read: {err}") from None
    if not has_rows or not names:
        raise InputError.single("location", row["location"], "holds no rows: nothing to measure")
    for field, column in request.answers.named_columns():
        if column not in names:
            raise InputError.single(field, column, f"is not a column of {row['location']}; its columns: "
                                    f"{', '.join(map(str, names[:30]))}")


def assess(answers: DataQualityAnswers, workspace, request) -> DataQualityResults:
    """Load the dataset's current file, measure every check and propose a risk per breach."""
    from workbench.pipeline.archive import sha256_file

    row = current(workspace, request.system.id, request.item.id)
    path = dataset_file(workspace, "location", row["location"])
    measured = measure(read_frame(path), answers)
    return DataQualityResults(
        dataset=row, lineage=lineage(workspace, request.system.id, request.item.id), sha256=sha256_file(path),
        registered_sha256=row["sha256"], measurement=measured,
        proposed_risks=proposed_risks(measured, row, workspace))


def proposed_risks(measured: Measurement, dataset: dict, workspace) -> list[Risk]:
    """Each breach as a risk for the system's risk assessment, citing A.7.4."""
    config = workspace.config
    owner = dataset["owner"] or (config.people_with("aims_manager") or config.people)[0].id
    risks = []
    for n, f in enumerate(measured.breaches, start=1):
        side = "below the lowest allowed" if f.bound == "min" else "above the highest allowed"
        privacy = f.measure.startswith("direct identifiers")
        risks.append(Risk.model_validate({
            "id": f"D{n}", "title": f"Data quality: {f.measure} of {f.subject} beyond its threshold"[:200],
            "description": (f"Measured in dataset {dataset['dataset_id']} ({dataset['location']}, {measured.rows} "
                            f"rows): {f.measure} of {f.subject} is {f.value:g}, {side} {f.threshold:g} "
                            f"({f.failing} failing).")[:5000],
            "risk_source": "C.3.4", "objectives": ["C.2.7" if privacy else "C.2.3"],
            "affected_parties": ["people the system's outputs concern"],
            "inherent_likelihood": 3, "inherent_impact": 4, "existing_controls": [],
            "planned_controls": list(CONTROLS), "treatment": "mitigate",
            "residual_likelihood": 3, "residual_impact": 4, "owner": owner,
            "due_date": (date.today() + timedelta(days=90)).isoformat(),
            "rationale": "Proposed by the data quality assessment from a measured breach; rate and treat it in "
                         "the system's risk assessment.",
        }, context=workspace.validation_context()))
    return risks


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per data quality assessment: the size measured and the breaches found."""
    m = results["measurement"]
    return {"data_quality": [{"dataset_version": results["dataset"]["seq"], "rows": m["rows"],
                              "figures": len(m["figures"]), "breaches": sum(f["breach"] for f in m["figures"]),
                              "sha256": results["sha256"]}]}


def breaches(results: dict) -> list[str]:
    """Each figure beyond its threshold, as a periodic review's nonconformity states it."""
    return [f"data quality breach in {results['dataset']['dataset_id']}: {f['measure']} of {f['subject']} is "
            f"{f['value']:g}, {'below the lowest allowed' if f['bound'] == 'min' else 'above the highest allowed'} "
            f"{f['threshold']:g}" for f in results["measurement"]["figures"] if f["breach"]]


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    m = results["measurement"]
    count = sum(f["breach"] for f in m["figures"])
    return f"{m['rows']:,} rows, {len(m['figures'])} figures; " + (f"{count} breach(es)" if count else "no breach")

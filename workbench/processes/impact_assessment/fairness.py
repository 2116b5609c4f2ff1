"""Measured fairness: a predictions dataset, per-group metrics and disparities with fairlearn,
compared with the thresholds in the workspace configuration."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from workbench.processes.impact_assessment.settings import FairnessThresholds
from workbench.validate import Strict

SUFFIXES = (".csv", ".parquet")
COLUMN = r"^[^\x00-\x1f]{1,100}$"
METRIC_TITLES = {
    "demographic_parity_difference": "Demographic parity difference",
    "demographic_parity_ratio": "Demographic parity ratio",
    "equalized_odds_difference": "Equalized odds difference",
}


class FairnessSpec(Strict):
    """Where the predictions are and which columns hold what."""

    predictions: str = Field(min_length=1, max_length=500,
                             description="CSV or Parquet file, relative to the workspace folder")
    sensitive_features: list[str] = Field(min_length=1, max_length=10,
                                          description="columns holding the sensitive attributes, e.g. sex")
    label: str = Field(pattern=COLUMN, description="column of true labels, 0 or 1")
    prediction: str = Field(pattern=COLUMN, description="column of predicted labels, 0 or 1")
    score: str = Field(default="", max_length=100, description="optional column of model scores")


class GroupMetrics(BaseModel):
    """The metrics of one group of one sensitive attribute."""

    group: str
    count: int
    selection_rate: float
    true_positive_rate: float
    false_positive_rate: float
    accuracy: float
    mean_score: float | None = None


class Disparity(BaseModel):
    """One disparity between the groups of an attribute, against its threshold."""

    metric: str
    title: str
    value: float
    threshold: float
    bound: Literal["min", "max"]
    breach: bool


class AttributeFairness(BaseModel):
    """Per-group metrics and disparities for one sensitive attribute."""

    attribute: str
    groups: list[GroupMetrics]
    disparities: list[Disparity]


class FairnessResults(BaseModel):
    """Everything measured on a predictions dataset."""

    dataset: str
    sha256: str
    rows: int
    label: str
    prediction: str
    score: str
    attributes: list[AttributeFairness]

    @property
    def breaches(self) -> list[tuple[str, Disparity]]:
        """Every (attribute, disparity) beyond its threshold."""
        return [(a.attribute, d) for a in self.attributes for d in a.disparities if d.breach]


def dataset_path(workspace, relative: str) -> Path:
    """The dataset file named by ``relative``, refusing absolute paths and paths outside the workspace."""
    if Path(relative).is_absolute():
        raise ValueError(f"predictions {relative!r} must be a path relative to the workspace, "
                         "e.g. data/credit-scoring/predictions.csv")
    try:
        path = workspace.inside(workspace.root / relative)
    except ValueError:
        raise ValueError(f"predictions {relative!r} must stay inside the workspace") from None
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"predictions {relative!r} must be a .csv or .parquet file")
    if not path.is_file():
        raise ValueError(f"predictions {relative!r}: no such file in the workspace")
    return path


def reads(workspace, request) -> list[str]:
    """The predictions file a run measures, if its answers name one (``Process.reads``)."""
    spec = request.answers.fairness
    return [spec.predictions] if spec is not None else []


def load_predictions(workspace, spec: FairnessSpec):
    """Read and check the dataset: named columns present, no empty group, binary labels.

    Raises
    ------
    ValueError
        Naming the column and the value that is wrong.
    """
    import pandas as pd

    path = dataset_path(workspace, spec.predictions)
    try:
        frame = pd.read_csv(path) if path.suffix.lower() == ".csv" else pd.read_parquet(path)
    except Exception as err:  # a parser error of any kind: report the file, not a traceback
        raise ValueError(f"predictions {spec.predictions!r} cannot be read: {err}") from None
    if frame.empty:
        raise ValueError(f"predictions {spec.predictions!r} has no rows")
    wanted = [*spec.sensitive_features, spec.label, spec.prediction] + ([spec.score] if spec.score else [])
    for column in wanted:
        if column not in frame.columns:
            raise ValueError(f"column {column!r} is missing from {spec.predictions}; "
                             f"columns: {', '.join(map(str, frame.columns))}")
    for column in spec.sensitive_features:
        values = frame[column]
        blank = values.isna() | (values.astype(str).str.strip() == "")
        if blank.any():
            row = int(blank.idxmax()) + 2
            raise ValueError(f"column {column!r} has an empty group: no value on line {row} of {spec.predictions}")
    for column in (spec.label, spec.prediction):
        frame[column] = _binary(frame[column], column)
    if spec.score and not pd.api.types.is_numeric_dtype(frame[spec.score]):
        bad = next(v for v in frame[spec.score] if not _is_number(v))
        raise ValueError(f"column {spec.score!r} must hold numeric scores; found {bad!r}")
    for column in spec.sensitive_features:
        for group, rows in frame.groupby(frame[column].astype(str)):
            for label, what in ((1, "positive"), (0, "negative")):
                if not (rows[spec.label] == label).any():
                    raise ValueError(f"column {column!r} group {group!r} has no {what} true labels "
                                     f"({spec.label}); its {'true' if label else 'false'} positive rate "
                                     "is undefined")
    return frame


def _binary(values, column: str):
    mapping = {0: 0, 1: 1, "0": 0, "1": 1, "false": 0, "true": 1}  # 0 == False == 0.0, 1 == True == 1.0
    for value in values:
        key = value.strip().lower() if isinstance(value, str) else value
        if key not in mapping:
            raise ValueError(f"column {column!r} must hold binary labels 0 or 1; found {value!r}")
    return values.map(lambda v: mapping[v.strip().lower() if isinstance(v, str) else v]).astype(int)


def _is_number(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def measure(frame, spec: FairnessSpec, thresholds: FairnessThresholds, dataset_sha256: str = "") -> FairnessResults:
    """Per-group metrics and disparities for each sensitive attribute, with fairlearn."""
    from fairlearn.metrics import (MetricFrame, count, demographic_parity_difference, demographic_parity_ratio,
                                   equalized_odds_difference, false_positive_rate, selection_rate,
                                   true_positive_rate)
    from sklearn.metrics import accuracy_score

    y_true, y_pred = frame[spec.label], frame[spec.prediction]
    attributes = []
    for column in spec.sensitive_features:
        groups = frame[column].astype(str)
        metrics = MetricFrame(
            metrics={"count": count, "selection_rate": selection_rate, "true_positive_rate": true_positive_rate,
                     "false_positive_rate": false_positive_rate, "accuracy": accuracy_score},
            y_true=y_true, y_pred=y_pred, sensitive_features=groups)
        scores = frame[spec.score].astype(float).groupby(groups).mean() if spec.score else None
        rows = [GroupMetrics(group=str(g), count=int(r["count"]), selection_rate=float(r["selection_rate"]),
                             true_positive_rate=float(r["true_positive_rate"]),
                             false_positive_rate=float(r["false_positive_rate"]), accuracy=float(r["accuracy"]),
                             mean_score=float(scores[g]) if scores is not None else None)
                for g, r in metrics.by_group.iterrows()]
        values = {
            "demographic_parity_difference": demographic_parity_difference(y_true, y_pred, sensitive_features=groups),
            "demographic_parity_ratio": demographic_parity_ratio(y_true, y_pred, sensitive_features=groups),
            "equalized_odds_difference": equalized_odds_difference(y_true, y_pred, sensitive_features=groups),
        }
        attributes.append(AttributeFairness(attribute=column, groups=rows,
                                            disparities=[disparity(m, float(v), thresholds) for m, v in values.items()]))
    return FairnessResults(dataset=spec.predictions, sha256=dataset_sha256, rows=len(frame), label=spec.label,
                           prediction=spec.prediction, score=spec.score, attributes=attributes)


def disparity(metric: str, value: float, thresholds: FairnessThresholds) -> Disparity:
    """A disparity against its threshold: a ratio below its minimum, a difference above its maximum."""
    if metric == "demographic_parity_ratio":
        limit = thresholds.demographic_parity_ratio_min
        return Disparity(metric=metric, title=METRIC_TITLES[metric], value=value, threshold=limit, bound="min",
                         breach=value < limit)
    limit = getattr(thresholds, f"{metric}_max")
    return Disparity(metric=metric, title=METRIC_TITLES[metric], value=value, threshold=limit, bound="max",
                     breach=value > limit)


def assess_fairness(workspace, spec: FairnessSpec, thresholds: FairnessThresholds) -> FairnessResults:
    """Load the dataset named by ``spec`` in ``workspace`` and measure it."""
    frame = load_predictions(workspace, spec)
    digest = hashlib.sha256(dataset_path(workspace, spec.predictions).read_bytes()).hexdigest()
    return measure(frame, spec, thresholds, digest)

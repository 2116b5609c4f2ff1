"""What a monitoring run of an AI system in production is told: the period's prediction log, the
reference dataset, which column holds what, the metrics to measure and every threshold."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from workbench.processes.impact_assessment.settings import FairnessThresholds
from workbench.processes.monitoring.measure import METRICS
from workbench.validate import Slug, Strict

COLUMN = r"^[^\x00-\x1f]{1,100}$"


class Columns(Strict):
    """Which column of the prediction log holds what."""

    timestamp: str = Field(pattern=COLUMN, description="when the prediction was made (ISO 8601; UTC if no zone)")
    prediction: str = Field(pattern=COLUMN, description="the predicted label, 0 or 1")
    score: str = Field(default="", max_length=100, description="the model's score, a number (optional)")
    label: str = Field(default="", max_length=100,
                       description="the true label, 0 or 1, where known (an empty cell: not known yet)")
    features: list[str] = Field(min_length=1, max_length=200,
                                description="the input features whose drift is measured")
    sensitive_features: list[str] = Field(default_factory=list, max_length=10,
                                          description="columns of sensitive attributes, for fairness per group")

    @model_validator(mode="after")
    def _distinct(self) -> "Columns":
        for field in ("features", "sensitive_features"):
            names = getattr(self, field)
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{field}: {', '.join(repeated)} named twice")
        roles = {"timestamp": self.timestamp, "prediction": self.prediction, "score": self.score, "label": self.label}
        taken = {}
        for role, name in roles.items():
            if name and name in taken:
                raise ValueError(f"{role}: column {name!r} is already the {taken[name]} column")
            taken[name] = role
        for name in self.features + self.sensitive_features:
            if name in taken:
                raise ValueError(f"column {name!r} is the {taken[name]} column, not an input or sensitive attribute")
        return self


class Reference(Strict):
    """The dataset drift is measured against: one of the system's registered datasets, or a file."""

    dataset: Slug | Literal[""] = Field(default="", description="id of a dataset of the system's dataset register")
    path: str = Field(default="", max_length=500, description="or a CSV or Parquet file, relative to the workspace")

    @model_validator(mode="after")
    def _one(self) -> "Reference":
        if bool(self.dataset) == bool(self.path):
            raise ValueError("give either dataset (a registered dataset's id) or path (a file in the workspace)")
        return self


class MetricThreshold(Strict):
    """A performance metric and its threshold: a minimum, or a maximum for a loss (brier, log_loss)."""

    metric: Literal[tuple(METRICS)] = Field(description="a metric of scikit-learn: " + ", ".join(METRICS))
    threshold: float = Field(ge=0, le=100, description="lowest acceptable value (highest, for brier and log_loss)")


class DriftThresholds(Strict):
    """When a column counts as drifting: the PSI's warning and breach levels and the test's p-value."""

    psi_warn: float = Field(default=0.1, gt=0, le=10, description="PSI at which a column is flagged (warning)")
    psi_breach: float = Field(default=0.25, gt=0, le=10, description="PSI at which a column drifts (breach), "
                              "provided the two-sample test agrees")
    p_value: float = Field(default=0.01, gt=0, lt=1, description="the two-sample test finds a difference when its "
                           "p-value is below this")
    bins: int = Field(default=10, ge=2, le=100, description="quantile bins of a numeric column's reference values")

    @model_validator(mode="after")
    def _order(self) -> "DriftThresholds":
        if self.psi_warn > self.psi_breach:
            raise ValueError(f"psi_warn {self.psi_warn:g} is above psi_breach {self.psi_breach:g}")
        return self


class MonitoringAnswers(Strict):
    """One monitoring run of an AI system in production (ISO/IEC 42001 9.1, A.6.2.6)."""

    model_config = ConfigDict(json_schema_extra={"title": "Production monitoring answers"})

    prediction_log: str = Field(min_length=1, max_length=500,
                                description="the period's prediction log, a CSV or Parquet file relative to the "
                                            "workspace; {period} stands for the run's period, e.g. 2026-11")
    period_start: date | None = Field(default=None, description="first day of the period monitored; "
                                      "empty: the first day of the run's period")
    period_end: date | None = Field(default=None, description="last day of the period monitored; "
                                    "empty: the last day of the run's period")
    reference: Reference
    columns: Columns
    performance: list[MetricThreshold] = Field(default_factory=list, max_length=len(METRICS))
    drift: DriftThresholds = Field(default_factory=DriftThresholds)
    fairness: FairnessThresholds | None = Field(default=None, description="limits of the disparities; empty: the "
                                                "workspace's impact_criteria.fairness")
    history: int = Field(default=12, ge=1, le=60, description="how many periods the history charts show")

    @model_validator(mode="after")
    def _coherent(self) -> "MonitoringAnswers":
        if (self.period_start is None) != (self.period_end is None):
            raise ValueError("period_start and period_end: give both, or neither for the run's period")
        if self.period_start and self.period_start > self.period_end:
            raise ValueError(f"period_start {self.period_start} is after period_end {self.period_end}")
        metrics = [m.metric for m in self.performance]
        for i, m in enumerate(self.performance):
            if metrics.count(m.metric) > 1:
                raise ValueError(f"performance[{i}].metric: {m.metric} is named twice")
            if METRICS[m.metric][1] == "score" and not self.columns.score:
                raise ValueError(f"performance[{i}].metric: {m.metric} reads scores; name the score column "
                                 "(columns.score)")
        if (self.performance or self.columns.sensitive_features) and not self.columns.label:
            raise ValueError("columns.label: performance and fairness are measured on the true labels; "
                             "name the label column")
        return self

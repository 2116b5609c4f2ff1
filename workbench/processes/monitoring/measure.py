"""Performance and fairness measured on the labelled rows of a prediction log.

Performance metrics come from scikit-learn (:data:`METRICS`). Fairness per group gives the same
figures as the impact assessment's fairlearn ``MetricFrame`` (:func:`workbench.processes.
impact_assessment.fairness.measure`), computed with one pass of counts per group: fairlearn takes
over a minute on a million rows, the counts a fraction of a second (the tests check both agree).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from workbench.processes.impact_assessment.fairness import (AttributeFairness, FairnessResults, GroupMetrics,
                                                            disparity)
from workbench.processes.impact_assessment.settings import FairnessThresholds

# name -> (scikit-learn function, what it reads, bound): a score metric reads the score column; a loss
# is better low, so its threshold is a maximum
METRICS: dict[str, tuple[str, Literal["prediction", "score"], Literal["min", "max"]]] = {
    "accuracy": ("accuracy_score", "prediction", "min"),
    "balanced_accuracy": ("balanced_accuracy_score", "prediction", "min"),
    "precision": ("precision_score", "prediction", "min"),
    "recall": ("recall_score", "prediction", "min"),
    "f1": ("f1_score", "prediction", "min"),
    "roc_auc": ("roc_auc_score", "score", "min"),
    "average_precision": ("average_precision_score", "score", "min"),
    "brier": ("brier_score_loss", "score", "max"),
    "log_loss": ("log_loss", "score", "max"),
}
METRIC_TITLES = {"accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy", "precision": "Precision",
                 "recall": "Recall", "f1": "F1 score", "roc_auc": "ROC AUC", "average_precision": "Average precision",
                 "brier": "Brier score", "log_loss": "Log loss"}


def performance(metric: str, label: np.ndarray, prediction: np.ndarray, score: np.ndarray | None) -> float | None:
    """One metric of :data:`METRICS` with scikit-learn; ``None`` when it is undefined (one class only)."""
    import sklearn.metrics

    name, reads, _bound = METRICS[metric]
    if len(np.unique(label)) < 2 and metric in ("roc_auc", "average_precision", "log_loss", "balanced_accuracy"):
        return None
    function = getattr(sklearn.metrics, name)
    if metric == "log_loss":
        return float(function(label, score, labels=[0, 1]))
    if metric in ("precision", "recall", "f1"):
        return float(function(label, prediction, zero_division=0))
    return float(function(label, score if reads == "score" else prediction))


def group_fairness(frame, sensitive_features: list[str], label: str, prediction: str, score: str,
                   thresholds: FairnessThresholds, dataset: str, sha256: str = "") -> FairnessResults:
    """Per-group selection rate, true and false positive rates, accuracy and mean score, and the
    disparities fairlearn defines: demographic parity difference (largest minus smallest selection
    rate) and ratio (smallest over largest), equalized odds difference (the larger of the largest
    gaps in true and in false positive rate)."""
    import pandas as pd

    y = frame[label].to_numpy(dtype=np.int64)
    p = frame[prediction].to_numpy(dtype=np.int64)
    s = frame[score].to_numpy(dtype=float) if score else None
    attributes = []
    for column in sensitive_features:
        codes, names = pd.factorize(frame[column].astype(str), sort=True)
        k = len(names)

        def count(weights=None):
            return np.bincount(codes, weights=weights, minlength=k)

        rows, positives = count(), count(y)
        chosen, hits, false_alarms = count(p), count(p * y), count(p * (1 - y))
        correct = count((p == y).astype(np.int64))
        selection = chosen / rows
        tpr = np.divide(hits, positives, out=np.zeros(k), where=positives > 0)
        negatives = rows - positives
        fpr = np.divide(false_alarms, negatives, out=np.zeros(k), where=negatives > 0)
        mean_score = count(s) / rows if s is not None else None
        groups = [GroupMetrics(group=str(names[i]), count=int(rows[i]), selection_rate=float(selection[i]),
                               true_positive_rate=float(tpr[i]), false_positive_rate=float(fpr[i]),
                               accuracy=float(correct[i] / rows[i]),
                               mean_score=float(mean_score[i]) if mean_score is not None else None)
                  for i in range(k)]
        ratio = float(selection.min() / selection.max()) if selection.max() > 0 else 1.0
        values = {"demographic_parity_difference": float(selection.max() - selection.min()),
                  "demographic_parity_ratio": ratio,
                  "equalized_odds_difference": float(max(tpr.max() - tpr.min(), fpr.max() - fpr.min()))}
        attributes.append(AttributeFairness(attribute=column, groups=groups,
                                            disparities=[disparity(m, v, thresholds) for m, v in values.items()]))
    return FairnessResults(dataset=dataset, sha256=sha256, rows=len(frame), label=label, prediction=prediction,
                           score=score, attributes=attributes)

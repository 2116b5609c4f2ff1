"""Drift of one column between a reference dataset and a period's prediction log: the population
stability index (PSI) and a two-sample test from scipy.stats.

The PSI compares the share of rows in each bin::

    PSI = sum over bins i of (a_i - e_i) * ln(a_i / e_i)

where ``e_i`` is the reference's share of rows in bin ``i`` and ``a_i`` the log's. A share of 0 is
replaced by ``EPSILON`` (the shares are not renormalised), so an empty bin adds a large but finite
term. A numeric column has quantile bins of the reference: the edges are the distinct reference
quantiles at 1/B, 2/B, ..., (B-1)/B, bin 1 holds values up to the first edge, bin i values above
edge i-1 and up to edge i, the last bin values above the last edge. A categorical column has a bin
per value seen on either side (beyond ``MAX_CATEGORIES``, the rarest values over both sides share one
bin). Missing values are a bin of their own when either side has any.

The test: a numeric column's two samples are compared with ``scipy.stats.ks_2samp`` (missing values
left out), a categorical column's counts with ``scipy.stats.chi2_contingency`` on the 2 x k table.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel

EPSILON = 1e-4
MISSING = "(missing)"
OTHER = "(other values)"
MAX_CATEGORIES = 30  # beyond this, the rarest values share one bin: the evidence stays readable
Status = Literal["stable", "warning", "drift"]


class Bin(BaseModel):
    """One bin: its label and the share of rows in it on each side."""

    label: str
    reference: float
    current: float


class Drift(BaseModel):
    """The drift of one column against the reference, against the thresholds."""

    column: str
    role: Literal["feature", "score"]
    kind: Literal["numeric", "categorical"]
    reference_rows: int
    current_rows: int
    bins: list[Bin]
    psi: float
    test: str
    statistic: float
    p_value: float
    status: Status


def psi(reference_shares, current_shares, epsilon: float = EPSILON) -> float:
    """The population stability index of two arrays of bin shares (see the module's formula)."""
    e = np.maximum(np.asarray(reference_shares, dtype=float), epsilon)
    a = np.maximum(np.asarray(current_shares, dtype=float), epsilon)
    return float(np.sum((a - e) * np.log(a / e)))


def quantile_edges(reference: np.ndarray, bins: int) -> np.ndarray:
    """The distinct quantiles of the reference (missing values left out) that bound ``bins`` bins."""
    values = reference[~np.isnan(reference)]
    if not len(values):
        return np.array([])
    return np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1]))


def numeric_counts(values: np.ndarray, edges: np.ndarray, with_missing: bool) -> np.ndarray:
    """Rows per bin (values up to and including each edge fall below it), then missing rows if asked."""
    missing = np.isnan(values)
    counts = np.bincount(np.searchsorted(edges, values[~missing], side="left"), minlength=len(edges) + 1)
    return np.append(counts, missing.sum()) if with_missing else counts


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _labels(edges: np.ndarray) -> list[str]:
    if not len(edges):
        return ["all values"]
    return ([f"≤ {_number(edges[0])}"] + [f"{_number(lo)} to {_number(hi)}" for lo, hi in zip(edges[:-1], edges[1:])]
            + [f"> {_number(edges[-1])}"])


def status_of(value: float, p_value: float, psi_warn: float, psi_breach: float, alpha: float) -> Status:
    """``drift`` when the PSI reaches the breach threshold and the test finds the samples differ
    (p below ``alpha``); ``warning`` when the PSI reaches the warning threshold; else ``stable``."""
    if value >= psi_breach and p_value < alpha:
        return "drift"
    return "warning" if value >= psi_warn else "stable"


def numeric_drift(column: str, role: str, reference: np.ndarray, current: np.ndarray, bins: int,
                  psi_warn: float, psi_breach: float, alpha: float) -> Drift:
    """PSI over the reference's quantile bins and the Kolmogorov-Smirnov two-sample test."""
    from scipy.stats import ks_2samp

    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    edges = quantile_edges(reference, bins)
    with_missing = bool(np.isnan(reference).any() or np.isnan(current).any())
    ref_counts = numeric_counts(reference, edges, with_missing)
    cur_counts = numeric_counts(current, edges, with_missing)
    e, a = ref_counts / len(reference), cur_counts / len(current)
    value = psi(e, a)
    left, right = reference[~np.isnan(reference)], current[~np.isnan(current)]
    if len(left) and len(right):
        test = ks_2samp(left, right)
        statistic, p_value = float(test.statistic), float(test.pvalue)
    else:
        statistic, p_value = 0.0, 1.0
    labels = _labels(edges) + ([MISSING] if with_missing else [])
    return Drift(column=column, role=role, kind="numeric", reference_rows=len(reference), current_rows=len(current),
                 bins=[Bin(label=lb, reference=float(x), current=float(y)) for lb, x, y in zip(labels, e, a)],
                 psi=value, test="Kolmogorov-Smirnov two-sample (scipy.stats.ks_2samp)", statistic=statistic,
                 p_value=p_value, status=status_of(value, p_value, psi_warn, psi_breach, alpha))


def categorical_drift(column: str, role: str, reference, current, psi_warn: float, psi_breach: float,
                      alpha: float) -> Drift:
    """PSI over the values seen on either side (missing values a bin of their own) and the
    chi-square test of the 2 x k contingency table of counts."""
    import pandas as pd
    from scipy.stats import chi2_contingency

    ref_counts = pd.Series(reference).fillna(MISSING).astype(str).value_counts()
    cur_counts = pd.Series(current).fillna(MISSING).astype(str).value_counts()
    labels = list(ref_counts.index) + sorted(set(cur_counts.index) - set(ref_counts.index))
    if len(labels) > MAX_CATEGORIES:
        kept = list(ref_counts.add(cur_counts, fill_value=0).sort_values(ascending=False, kind="stable")
                    .index[:MAX_CATEGORIES - 1])
        rest = [v for v in labels if v not in set(kept)]
        ref_counts, cur_counts = (pd.concat([counts[counts.index.isin(kept)],
                                             pd.Series({OTHER: counts.reindex(rest).sum()})])
                                  for counts in (ref_counts, cur_counts))
        labels = [v for v in labels if v in set(kept)] + [OTHER]
    table = np.array([[ref_counts.get(v, 0) for v in labels], [cur_counts.get(v, 0) for v in labels]])
    e, a = table[0] / table[0].sum(), table[1] / table[1].sum()
    value = psi(e, a)
    if len(labels) > 1:
        test = chi2_contingency(table)
        statistic, p_value = float(test.statistic), float(test.pvalue)
    else:
        statistic, p_value = 0.0, 1.0
    return Drift(column=column, role=role, kind="categorical", reference_rows=int(table[0].sum()),
                 current_rows=int(table[1].sum()),
                 bins=[Bin(label=lb, reference=float(x), current=float(y)) for lb, x, y in zip(labels, e, a)],
                 psi=value, test="chi-square contingency (scipy.stats.chi2_contingency)", statistic=statistic,
                 p_value=p_value, status=status_of(value, p_value, psi_warn, psi_breach, alpha))

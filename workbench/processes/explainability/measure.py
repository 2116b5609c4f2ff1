"""Measured explainability: which features a model's decisions depend on, overall and within each
group of each sensitive attribute, and which of the top features stand in for a sensitive attribute.

With a scikit-learn model saved by skops, the importance of a feature is scikit-learn's
permutation importance: how much the model's score drops when the feature's values are shuffled
(seeded, repeated). Without a model, the importance is the mean absolute per-prediction attribution
(for example SHAP values) that the team's own pipeline exported. A feature is a proxy when it is a
sensitive attribute, or is associated with one at or above a threshold: Cramér's V for a
categorical feature, the correlation ratio (eta) for a numeric one, both from 0 (none) to 1.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from workbench.exceptions import InputError

# beyond the types skops trusts itself (scikit-learn's estimators, numpy arrays, builtins), the types
# the common tree models need; anything else in a file is refused, never loaded
ALLOWED_TYPES = ("numpy.dtype", "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
                 "sklearn.tree._tree.Tree")
MAX_GROUPS = 20
MISSING = "(missing)"
CRAMER, ETA, ITSELF = "Cramér's V", "correlation ratio (eta)", "is the sensitive attribute"


class Importance(BaseModel):
    """How much the model depends on one feature."""

    feature: str
    mean: float
    std: float | None = None  # across the permutation's repeats; none for attributions


class GroupImportance(BaseModel):
    """The importances measured on the rows of one group of one sensitive attribute."""

    attribute: str
    group: str
    rows: int
    importances: list[Importance]


class Association(BaseModel):
    """How strongly a feature goes with a sensitive attribute."""

    feature: str
    attribute: str
    measure: str
    value: float


class Proxy(BaseModel):
    """A top feature that is, or stands in for, a sensitive attribute."""

    feature: str
    rank: int
    attribute: str
    measure: str
    value: float


def load_model(path: Path, field: str, shown: str):
    """The fitted scikit-learn model in a skops file, refusing anything else before it is loaded.

    Raises
    ------
    InputError
        Naming ``field``: not a skops file (a pickle is never unpickled), types that are not on the
        allow-list (named), or an object that is not a fitted scikit-learn model.
    """
    import skops.io as sio
    from sklearn.base import BaseEstimator
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if path.suffix.lower() != ".skops":
        raise InputError.single(field, shown, "must be a .skops file, a model saved with skops.io.dump "
                                              "(a pickle is never loaded)")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as err:  # not a zip, no schema, a broken file: report it, never fall back to pickle
        raise InputError.single(field, shown, f"is not a skops file ({type(err).__name__}: {err}); save the model "
                                              "with skops.io.dump (a pickle is never loaded)") from None
    refused = sorted(set(untrusted) - set(ALLOWED_TYPES))
    if refused:
        raise InputError.single(field, shown, f"holds types that are not on the allow-list: {', '.join(refused)}; "
                                f"allowed beyond skops' own trusted types: {', '.join(ALLOWED_TYPES)}")
    try:
        model = sio.load(path, trusted=untrusted)
    except Exception as err:
        raise InputError.single(field, shown, f"cannot be loaded ({type(err).__name__}: {err})") from None
    if not (isinstance(model, BaseEstimator) and hasattr(model, "predict")):
        raise InputError.single(field, shown, f"holds a {type(model).__name__}, not a scikit-learn model")
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise InputError.single(field, shown, "holds a model that was never fitted") from None
    return model


def describe_model(model) -> str:
    """A model's kind in a few words: its class, and each step of a pipeline."""
    steps = getattr(model, "steps", None)
    if steps:
        return "pipeline: " + " → ".join(type(step).__name__ for _, step in steps)
    return type(model).__name__


def scoring_of(model) -> str:
    """What ``model.score`` measures, which permutation importance uses."""
    from sklearn.base import is_classifier, is_regressor

    return "accuracy" if is_classifier(model) else "R²" if is_regressor(model) else "the model's own score"


def groups_of(values):
    """A sensitive attribute's values as group names (text), an empty cell as its own group."""
    return values.astype(object).where(values.notna(), MISSING).astype(str)


def ranked(features: list[str], means, stds=None) -> list[Importance]:
    """Importances, the largest first (ties in the features' order)."""
    found = [Importance(feature=f, mean=float(means[i]), std=None if stds is None else float(stds[i]))
             for i, f in enumerate(features)]
    return sorted(found, key=lambda i: -i.mean)


def sample_rows(frame, max_rows: int, seed: int):
    """The rows permutation importance uses: all of them, or ``max_rows`` sampled with ``seed``."""
    return frame if len(frame) <= max_rows else frame.sample(n=max_rows, random_state=seed)


def permutation(model, frame, features: list[str], label: str, attributes: list[str], repeats: int,
                seed: int) -> tuple[float, list[Importance], list[GroupImportance]]:
    """The model's score, and scikit-learn's permutation importance (seeded) on all rows and on each group's."""
    from sklearn.inspection import permutation_importance

    def importances(rows) -> list[Importance]:
        found = permutation_importance(model, rows[features], rows[label], n_repeats=repeats, random_state=seed)
        return ranked(features, found.importances_mean, found.importances_std)

    groups = [GroupImportance(attribute=a, group=g, rows=len(rows), importances=importances(rows))
              for a in attributes for g, rows in frame.groupby(groups_of(frame[a]), sort=True)]
    return float(model.score(frame[features], frame[label])), importances(frame), groups


def attribution(attributions, frame, features: list[str],
                attributes: list[str]) -> tuple[list[Importance], list[GroupImportance]]:
    """The mean absolute attribution of each feature, on all rows and on each group's."""
    magnitude = attributions[features].abs()

    def importances(rows) -> list[Importance]:
        means = rows.mean()
        return ranked(features, [means[f] for f in features])

    groups = [GroupImportance(attribute=a, group=g, rows=len(index), importances=importances(magnitude.loc[index]))
              for a in attributes for g, index in frame.groupby(groups_of(frame[a]), sort=True).groups.items()]
    return importances(magnitude), groups


def association(feature, attribute) -> tuple[str, float]:
    """How strongly a feature goes with a sensitive attribute, from 0 to 1, over the rows where both
    are filled: the correlation ratio (eta) of a numeric feature, else Cramér's V."""
    import numpy as np
    import pandas as pd
    from scipy.stats.contingency import association as contingency_association

    filled = feature.notna() & attribute.notna()
    x, groups = feature[filled], attribute[filled].astype(str)
    if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
        x = x.astype(float)
        total = float(((x - x.mean()) ** 2).sum())
        stats = x.groupby(groups).agg(["count", "mean"])
        between = float((stats["count"] * (stats["mean"] - x.mean()) ** 2).sum())
        return ETA, float(np.sqrt(between / total)) if total > 0 else 0.0
    table = pd.crosstab(groups, x.astype(str))
    if min(table.shape) < 2:
        return CRAMER, 0.0
    return CRAMER, float(contingency_association(table.to_numpy(), method="cramer"))


def associations(frame, features: list[str], attributes: list[str]) -> list[Association]:
    """Every feature that is not itself a sensitive attribute against every sensitive attribute."""
    found = []
    for f in features:
        for a in attributes:
            if f != a:
                measure, value = association(frame[f], frame[a])
                found.append(Association(feature=f, attribute=a, measure=measure, value=round(value, 6)))
    return found


def proxies(overall: list[Importance], found: list[Association], attributes: list[str], top: int,
            threshold: float) -> list[Proxy]:
    """The top features (those the model depends on at all, at most ``top``) that are a sensitive
    attribute or are associated with one at or above ``threshold``."""
    flagged = []
    for rank, imp in enumerate([i for i in overall if i.mean > 0][:top], start=1):
        if imp.feature in attributes:
            flagged.append(Proxy(feature=imp.feature, rank=rank, attribute=imp.feature, measure=ITSELF, value=1.0))
        flagged += [Proxy(feature=imp.feature, rank=rank, attribute=a.attribute, measure=a.measure, value=a.value)
                    for a in found if a.feature == imp.feature and a.value >= threshold]
    return flagged

"""The explainability assessment of one model version: its answers, the inputs checked before
anything runs, the results, the proxy risks they propose, and the top features in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from workbench.exceptions import InputError
from workbench.processes.data_quality.datasets import dataset_file, datasets, external
from workbench.processes.data_quality.quality import read_frame
from workbench.processes.explainability.measure import (ITSELF, MAX_GROUPS, Association,
                                                        GroupImportance, Importance, Proxy, associations, attribution,
                                                        describe_model, load_model, permutation, proxies,
                                                        sample_rows, scoring_of)
from workbench.processes.risk_assessment.assessment import Risk
from workbench.validate import Slug, Strict

KIND = "model"
CONTROLS = ("A.5.4", "A.7.4")
SUFFIXES = (".csv", ".parquet")
Column = Annotated[str, Field(pattern=r"^[^\x00-\x1f]{1,100}$")]


class ExplainabilityAnswers(Strict):
    """What explains one model version: the model (or the attributions its pipeline exported), the
    dataset it is evaluated on, its columns, and the thresholds."""

    model: str = Field(default="", max_length=500, description="the model saved with skops.io.dump (.skops), "
                       "relative to the workspace")
    attributions: str = Field(default="", max_length=500, description="without a model: a CSV or Parquet file of "
                              "per-prediction attributions (e.g. SHAP values), one column per feature and one row "
                              "per row of the dataset, relative to the workspace")
    dataset: Slug = Field(description="id of the system's registered dataset the model is evaluated on")
    label: str = Field(default="", max_length=100, description="the dataset's column of true labels (with a model)")
    features: list[Column] = Field(min_length=1, max_length=200, description="the columns the model takes")
    sensitive_attributes: list[Column] = Field(min_length=1, max_length=10,
                                               description="columns holding the sensitive attributes, e.g. sex")
    association_threshold: float = Field(default=0.3, gt=0, le=1, description="Cramér's V (categorical feature) "
                                         "or correlation ratio (numeric feature) from which a feature is a proxy")
    top_features: int = Field(default=3, ge=1, le=20, description="how many of the top features are checked "
                              "for proxies")
    repeats: int = Field(default=5, ge=1, le=50, description="times each feature is shuffled (with a model)")
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="seed of the shuffles and of the row sample")
    max_rows: int = Field(default=2000, ge=10, le=100_000, description="at most this many rows of the dataset, "
                          "sampled with the seed, are used to shuffle (with a model)")

    @model_validator(mode="after")
    def _one_source(self) -> "ExplainabilityAnswers":
        if bool(self.model) == bool(self.attributions):
            raise ValueError("model: give either a model file or an attributions file, not both nor neither")
        if self.model and not self.label:
            raise ValueError("label: a model is scored against the dataset's true labels; name their column")
        if len(set(self.features)) < len(self.features):
            raise ValueError("features: a feature is named twice")
        return self


class ExplainabilityResults(BaseModel):
    """What the model depends on, overall and per group, and the top features that are proxies."""

    method: Literal["permutation", "attributions"]
    source: str
    source_sha256: str
    model: str
    scoring: str
    score: float | None
    dataset: dict
    dataset_sha256: str
    dataset_rows: int
    rows: int
    repeats: int
    seed: int
    features: list[Importance]
    groups: list[GroupImportance]
    associations: list[Association]
    threshold: float
    top: int
    proxies: list[Proxy]
    proposed_risks: list[Risk]


@dataclass
class Inputs:
    """The checked inputs of a run: the dataset's register row and rows, and the model or attributions."""

    dataset: dict
    dataset_path: Path
    frame: Any
    source: Path
    model: Any = None
    attributions: Any = None


def workspace_file(workspace, field: str, location: str, suffixes: tuple[str, ...]) -> Path:
    """A file inside the workspace (no '..', no link out of it) with one of ``suffixes``."""
    path = dataset_file(workspace, field, location)
    if path.suffix.lower() not in suffixes:
        raise InputError.single(field, location, f"must be a {' or '.join(suffixes)} file")
    return path


def read_rows(path: Path, field: str, shown: str):
    """A CSV or Parquet file's rows, refusing one that cannot be read or holds none."""
    try:
        frame = read_frame(path)
    except Exception as err:  # a parser error of any kind: report the file, not a traceback
        raise InputError.single(field, shown, f"cannot be read: {err}") from None
    if frame.empty:
        raise InputError.single(field, shown, "holds no rows: nothing to explain")
    return frame


def reads(workspace, request) -> list[str]:
    """The dataset, and the model or attributions file, a run reads (``Process.reads``)."""
    a: ExplainabilityAnswers = request.answers
    found = [d["location"] for d in datasets(workspace, request.system.id)
             if d["dataset_id"] == a.dataset and not external(d["location"])]
    return found + [name for name in (a.model, a.attributions) if name]


def inputs(workspace, request) -> Inputs:
    """Load and check everything a run reads; raise ``InputError`` naming the field at fault."""
    a: ExplainabilityAnswers = request.answers
    found = [d for d in datasets(workspace, request.system.id) if d["dataset_id"] == a.dataset]
    if not found:
        known = ", ".join(d["dataset_id"] for d in datasets(workspace, request.system.id)) or "none yet"
        raise InputError.single("dataset", a.dataset, f"is not a registered dataset of {request.system.id}; "
                                f"registered: {known}")
    row = found[0]
    if external(row["location"]):
        raise InputError.single("dataset", a.dataset, f"is held at {row['location']}, outside the workspace: register "
                                "a copy inside the workspace to evaluate the model on it")
    path = workspace_file(workspace, "dataset", row["location"], SUFFIXES)
    frame = read_rows(path, "dataset", row["location"])
    named = ([(f"features[{i}]", f) for i, f in enumerate(a.features)]
             + [(f"sensitive_attributes[{i}]", s) for i, s in enumerate(a.sensitive_attributes)]
             + ([("label", a.label)] if a.model else []))
    for field, column in named:
        if column not in frame.columns:
            raise InputError.single(field, column, f"is not a column of {row['location']}; its columns: "
                                    f"{', '.join(map(str, list(frame.columns)[:30]))}")
    for i, s in enumerate(a.sensitive_attributes):
        if frame[s].nunique(dropna=False) > MAX_GROUPS:
            raise InputError.single(f"sensitive_attributes[{i}]", s, f"has {frame[s].nunique(dropna=False)} distinct "
                                    f"values; group them into at most {MAX_GROUPS} (age bands, not ages)")
    if a.model:
        source = workspace_file(workspace, "model", a.model, (".skops",))
        model = load_model(source, "model", a.model)
        _fits(model, frame, a)
        return Inputs(row, path, frame, source, model=model)
    source = workspace_file(workspace, "attributions", a.attributions, SUFFIXES)
    attributions = read_rows(source, "attributions", a.attributions)
    missing = [f for f in a.features if f not in attributions.columns]
    extra = [str(c) for c in attributions.columns if c not in a.features]
    if missing or extra:
        raise InputError.single("attributions", a.attributions, "must hold one column per feature and no other: "
                                + "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                                          extra and f"not a feature: {', '.join(extra[:30])}"])))
    if len(attributions) != len(frame):
        raise InputError.single("attributions", a.attributions, f"has {len(attributions)} rows, the dataset "
                                f"{row['location']} {len(frame)}: one row of attributions per row of the dataset")
    for f in a.features:
        if not _numeric(attributions[f]) or attributions[f].isna().any():
            raise InputError.single("attributions", a.attributions, f"column {f!r} must hold a number on every row")
    return Inputs(row, path, frame, source, attributions=attributions)


def _numeric(values) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _fits(model, frame, a: ExplainabilityAnswers) -> None:
    """The model takes the features named and scores the dataset's labels: tried on a few rows."""
    expected = getattr(model, "feature_names_in_", None)
    if expected is not None and set(expected) != set(a.features):
        raise InputError.single("features", ", ".join(a.features), "are not the features the model was fitted on: "
                                f"{', '.join(map(str, expected))}")
    if frame[a.label].isna().any():
        raise InputError.single("label", a.label, f"has {int(frame[a.label].isna().sum())} empty cells; every row "
                                "scored needs its true label")
    try:
        model.score(frame[_order(model, a)].head(50), frame[a.label].head(50))
    except Exception as err:  # whatever the model raises on these columns: say so before anything runs
        raise InputError.single("model", a.model, f"cannot score the dataset's rows ({type(err).__name__}: "
                                f"{str(err)[:300]})") from None


def _order(model, a: ExplainabilityAnswers) -> list[str]:
    """The features in the order the model was fitted on them (else as the answers list them)."""
    expected = getattr(model, "feature_names_in_", None)
    return [str(f) for f in expected] if expected is not None else list(a.features)


def check(workspace, request) -> None:
    """Before anything runs: the dataset, the model or attributions and every column named are usable."""
    inputs(workspace, request)


def assess(answers: ExplainabilityAnswers, workspace, request) -> ExplainabilityResults:
    """Measure the importance of each feature, overall and per group, and flag the top features that are proxies."""
    from workbench.pipeline.archive import sha256_file

    got = inputs(workspace, request)
    if got.model is not None:
        rows = sample_rows(got.frame, answers.max_rows, answers.seed)
        score, overall, groups = permutation(got.model, rows, _order(got.model, answers), answers.label,
                                             answers.sensitive_attributes, answers.repeats, answers.seed)
        method, used = "permutation", len(rows)
    else:
        overall, groups = attribution(got.attributions, got.frame, answers.features, answers.sensitive_attributes)
        method, used, score = "attributions", len(got.frame), None
    found = associations(got.frame, answers.features, answers.sensitive_attributes)
    flagged = proxies(overall, found, answers.sensitive_attributes, answers.top_features,
                      answers.association_threshold)
    return ExplainabilityResults(
        method=method, source=answers.model or answers.attributions, source_sha256=sha256_file(got.source),
        model=describe_model(got.model) if got.model is not None else "",
        scoring=scoring_of(got.model) if got.model is not None else "", score=score, dataset=got.dataset,
        dataset_sha256=sha256_file(got.dataset_path), dataset_rows=len(got.frame), rows=used,
        repeats=answers.repeats, seed=answers.seed, features=overall, groups=groups, associations=found,
        threshold=answers.association_threshold, top=answers.top_features, proxies=flagged,
        proposed_risks=proposed_risks(flagged, answers.association_threshold, request.system.owner, workspace))


def reason(proxy: Proxy | dict, threshold: float | None = None) -> str:
    """Why a feature is a proxy, in words."""
    p = proxy if isinstance(proxy, dict) else proxy.model_dump()
    if p["measure"] == ITSELF:
        return f"is the sensitive attribute {p['attribute']} itself"
    limit = f", at or above the threshold {threshold:g}" if threshold is not None else ""
    return f"goes with {p['attribute']} ({p['measure']} {p['value']:.2f}{limit})"


def proposed_risks(flagged: list[Proxy], threshold: float, owner: str, workspace) -> list[Risk]:
    """Each proxy among the top features as a risk for the system's risk assessment, citing A.5.4 and A.7.4."""
    return [Risk.model_validate({
        "id": f"X{n}", "title": f"Proxy: top feature {p.feature} {reason(p)}"[:200],
        "description": (f"The model depends on {p.feature} (rank {p.rank} of its features), which {reason(p, threshold)}"
                        ": its decisions may differ between groups of that attribute through this feature.")[:5000],
        "risk_source": "C.3.4", "objectives": ["C.2.5", "C.2.11"],
        "affected_parties": ["people the system's outputs concern"],
        "inherent_likelihood": 3, "inherent_impact": 4, "existing_controls": [], "planned_controls": list(CONTROLS),
        "treatment": "mitigate", "residual_likelihood": 3, "residual_impact": 4, "owner": owner,
        "due_date": (date.today() + timedelta(days=90)).isoformat(),
        "rationale": "Proposed by the explainability assessment from a measured importance and association; rate "
                     "and treat it in the system's risk assessment and its impact assessment.",
    }, context=workspace.validation_context()) for n, p in enumerate(flagged, start=1)]


ORDINALS = ("most", "second most", "third most")


def top_features_in_words(results: dict, count: int = 3) -> list[str]:
    """The top features of an archived explainability result, one sentence each, for a reader who is
    not a specialist (a system card).

    Parameters
    ----------
    results : dict
        The ``results`` of an explainability run's ``results.json``.
    count : int
        At most this many features, the most important first; a feature the model does not depend on
        (importance 0 or below) is left out.
    """
    sentences = []
    for n, f in enumerate([f for f in results["features"] if f["mean"] > 0][:count], start=1):
        rank = ORDINALS[n - 1] if n <= len(ORDINALS) else f"{n}th most"
        if results["method"] == "permutation":
            how = (f"when its values are shuffled between the rows, the model's {results['scoring']} falls "
                   f"by {f['mean']:.3f} (from {results['score']:.3f})")
        else:
            how = f"on average it moves a prediction by {f['mean']:.3g} (its mean absolute attribution)"
        flags = [p for p in results["proxies"] if p["feature"] == f["feature"]]
        caution = "".join(" Caution: it is a sensitive attribute, used directly." if p["measure"] == ITSELF else
                          f" Caution: it goes closely with {p['attribute']}, so it may stand in for it." for p in flags)
        sentences.append(f"{f['feature']} matters {rank} to the model's decisions: {how}.{caution}")
    return sentences


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per explainability assessment: how it was measured, the top feature, the proxies."""
    top = next((f["feature"] for f in results["features"] if f["mean"] > 0), "")
    return {"explainability": [{"method": results["method"], "rows": results["rows"], "top_feature": top,
                                "proxies": len(results["proxies"]), "source_sha256": results["source_sha256"]}]}


def breaches(results: dict) -> list[str]:
    """Each proxy among the top features, as a periodic review's nonconformity states it."""
    return [f"proxy among the top features: {p['feature']} {reason(p, results['threshold'])}"
            for p in results["proxies"]]


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel."""
    top = [f["feature"] for f in results["features"] if f["mean"] > 0][:results["top"]]
    count = len({p["feature"] for p in results["proxies"]})
    return (f"top features: {', '.join(top) or 'none'}; "
            + (f"{count} proxy feature(s) flagged" if count else "no proxy among them"))

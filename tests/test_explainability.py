"""Explainability: permutation importance equal to scikit-learn's own on the same seed, the association
measures worked out by hand, proxies among the top features, and every bad input refused before
anything runs (a pickle renamed .skops, a skops file holding a type off the allow-list, a link out of
the workspace, attributions whose columns do not match, a file with no rows); then real runs."""

from __future__ import annotations

import json
import os
import pickle
import sys

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from workbench.exceptions import InputError
from workbench.pipeline.request import build_request
from workbench.processes.data_quality.datasets import add_dataset
from workbench.processes.explainability.assessment import top_features_in_words
from workbench.processes.explainability.measure import (CRAMER, ETA, ITSELF, Association, Importance, association,
                                                        attribution, permutation, proxies)

FEATURES = ["region", "income", "noise"]


def applicants(rows: int = 300, seed: int = 3) -> pd.DataFrame:
    """Income decides the label; region goes with sex (a proxy); noise decides nothing."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], rows)
    region = np.where(rng.random(rows) < 0.85, np.where(sex == "female", "north", "south"), "east")
    income = rng.normal(40, 10, rows)
    label = (income + np.where(region == "north", 6, 0) + rng.normal(0, 4, rows) > 43).astype(int)
    return pd.DataFrame({"region": region, "income": income, "noise": rng.normal(size=rows), "sex": sex,
                         "label": label})


def fitted(frame: pd.DataFrame):
    model = make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["region"]),
                                                  remainder="passthrough"),
                          RandomForestClassifier(n_estimators=15, max_depth=4, random_state=1))
    return model.fit(frame[FEATURES], frame["label"])


def test_permutation_importance_equals_scikit_learns_own_on_the_same_seed():
    frame = applicants()
    model = fitted(frame)
    score, overall, groups = permutation(model, frame, FEATURES, "label", ["sex"], repeats=4, seed=11)
    own = permutation_importance(model, frame[FEATURES], frame["label"], n_repeats=4, random_state=11)
    assert {i.feature: (i.mean, i.std) for i in overall} == {
        f: (own.importances_mean[n], own.importances_std[n]) for n, f in enumerate(FEATURES)}
    assert score == model.score(frame[FEATURES], frame["label"])
    assert [i.feature for i in overall][0] == "income"
    female = frame[frame["sex"] == "female"]
    theirs = permutation_importance(model, female[FEATURES], female["label"], n_repeats=4, random_state=11)
    group = next(g for g in groups if (g.attribute, g.group) == ("sex", "female"))
    assert group.rows == len(female)
    assert {i.feature: i.mean for i in group.importances} == dict(zip(FEATURES, theirs.importances_mean))
    other_seed = permutation(model, frame, FEATURES, "label", [], repeats=4, seed=12)[1]
    assert {i.feature: i.mean for i in other_seed} != {i.feature: i.mean for i in overall}


def test_attributions_are_summarised_as_mean_absolute_values_overall_and_per_group():
    frame = pd.DataFrame({"a": [1, 2, 3, 4], "b": [0, 0, 0, 0], "sex": ["F", "F", "M", None]})
    shap = pd.DataFrame({"a": [0.2, -0.4, 0.1, 0.1], "b": [-1.0, 1.0, 0.0, 0.0]})
    overall, groups = attribution(shap, frame, ["a", "b"], ["sex"])
    assert [(i.feature, round(i.mean, 6)) for i in overall] == [("b", 0.5), ("a", 0.2)]  # |-1|+1+0+0 / 4
    by_group = {g.group: {i.feature: round(i.mean, 6) for i in g.importances} for g in groups}
    assert by_group == {"F": {"a": 0.3, "b": 1.0}, "M": {"a": 0.1, "b": 0.0}, "(missing)": {"a": 0.1, "b": 0.0}}
    assert [g.rows for g in groups] == [1, 2, 1]  # "(missing)" sorts first


def test_association_measures_worked_out_by_hand():
    # 2 x 2 table [[3, 1], [1, 3]]: every expected count 2, chi-squared 4 * 1/2 = 2, V = sqrt(2 / (8 * 1)) = 0.5
    sex = pd.Series(list("FFFFMMMM"))
    assert association(pd.Series(list("xxxyxyyy")), sex) == (CRAMER, pytest.approx(0.5))
    assert association(pd.Series(list("xxxxyyyy")), sex) == (CRAMER, pytest.approx(1.0))
    assert association(pd.Series(list("xxxxxxxx")), sex) == (CRAMER, 0.0)
    # group means 1.5 and 3.5 around 2.5: between 2 + 2 = 4, total 2.25 + 0.25 + 0.25 + 2.25 = 5, eta = sqrt(0.8)
    measure, value = association(pd.Series([1.0, 2.0, 3.0, 4.0, None]), pd.Series(["a", "a", "b", "b", "b"]))
    assert (measure, value) == (ETA, pytest.approx(0.8 ** 0.5))


def test_only_top_features_that_are_or_go_with_a_sensitive_attribute_are_proxies():
    overall = [Importance(feature=f, mean=m) for f, m in
               (("income", 0.2), ("sex", 0.1), ("postcode", 0.05), ("tenure", 0.01), ("colour", 0.0))]
    found = [Association(feature="postcode", attribute="sex", measure=CRAMER, value=0.3),
             Association(feature="income", attribute="sex", measure=ETA, value=0.29),
             Association(feature="tenure", attribute="sex", measure=ETA, value=0.9),  # strong, but not a top feature
             Association(feature="colour", attribute="sex", measure=CRAMER, value=0.9)]
    flagged = proxies(overall, found, ["sex"], top=3, threshold=0.3)
    assert [(p.feature, p.rank, p.measure) for p in flagged] == [("sex", 2, ITSELF), ("postcode", 3, CRAMER)]
    assert proxies(overall, found, ["sex"], top=10, threshold=0.3)[-1].feature == "tenure"  # colour: importance 0


def test_the_top_features_in_plain_words():
    results = {"method": "permutation", "scoring": "accuracy", "score": 0.8, "top": 3,
               "features": [{"feature": "income", "mean": 0.1}, {"feature": "postcode", "mean": 0.02},
                            {"feature": "sex", "mean": 0.01}, {"feature": "noise", "mean": -0.01}],
               "proxies": [{"feature": "postcode", "rank": 2, "attribute": "sex", "measure": CRAMER, "value": 0.4},
                           {"feature": "sex", "rank": 3, "attribute": "sex", "measure": ITSELF, "value": 1.0}]}
    words = top_features_in_words(results, count=5)
    assert len(words) == 3  # noise: shuffling it does not lower the score
    assert words[0] == ("income matters most to the model's decisions: when its values are shuffled between the rows, "
                        "the model's accuracy falls by 0.100 (from 0.800).")
    assert words[1].endswith("Caution: it goes closely with sex, so it may stand in for it.")
    assert words[2].startswith("sex matters third most") and "a sensitive attribute, used directly" in words[2]
    shap = {**results, "method": "attributions", "proxies": []}
    assert "on average it moves a prediction by 0.1 (its mean absolute attribution)" in top_features_in_words(shap)[0]


# before anything runs: every bad input names its field, nothing is archived


def dataset_entry(**changes) -> dict:
    return {"id": "holdout", "name": "Hold-out set", "role": "test", "source": "internal", "licence": "internal",
            "retention": "5 years", "owner": "amara", "location": "data/holdout.csv", **changes}


@pytest.fixture
def model_ws(workspace):
    """A workspace with a registered hold-out set, a model version and its skops file."""
    frame = applicants()
    (workspace.root / "data").mkdir()
    (workspace.root / "models").mkdir()
    frame.to_csv(workspace.root / "data" / "holdout.csv", index=False)
    add_dataset(workspace, "credit-scoring", dataset_entry(), person="amara")
    sio.dump(fitted(frame), workspace.root / "models" / "v1.skops")
    workspace.add_item("credit-scoring", {"id": "v1", "kind": "model", "name": "Model v1"}, person="amara")
    return workspace


ANSWERS = {"model": "models/v1.skops", "dataset": "holdout", "label": "label", "features": FEATURES,
           "sensitive_attributes": ["sex"], "repeats": 3, "seed": 5}


def refused(ws, answers: dict) -> tuple[str, str]:
    ledger = (ws.evidence_dir / "ledger.jsonl").read_text()
    with pytest.raises(InputError) as caught:
        build_request(ws, "explainability", "credit-scoring", answers, assessor="tomas", item_id="v1")
    assert ws.register.evidence_list() == [] and (ws.evidence_dir / "ledger.jsonl").read_text() == ledger
    return caught.value.problems[0].field, caught.value.problems[0].message


def test_a_pickle_renamed_skops_is_never_unpickled(model_ws):
    marker = model_ws.root / "pwned"
    (model_ws.root / "models" / "evil.skops").write_bytes(pickle.dumps(Exploit(str(marker))))
    field, message = refused(model_ws, {**ANSWERS, "model": "models/evil.skops"})
    assert field == "model" and "is not a skops file" in message and "a pickle is never loaded" in message
    assert not marker.exists()
    (model_ws.root / "models" / "v1.pkl").write_bytes(pickle.dumps(fitted(applicants())))
    assert refused(model_ws, {**ANSWERS, "model": "models/v1.pkl"}) == ("model", "must be a .skops file")


class Exploit:
    """What a hostile pickle does on loading: run a command (here, write a file)."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_skops_file_holding_a_type_off_the_allow_list_is_refused_and_never_built(model_ws, tmp_path, monkeypatch):
    marker = tmp_path / "constructed"
    (tmp_path / "hostile_model.py").write_text(
        "from pathlib import Path\nfrom sklearn.base import BaseEstimator\n"
        "class Hostile(BaseEstimator):\n"
        f"    def __setstate__(self, state):\n        Path({str(marker)!r}).write_text('built')\n"
        "        self.__dict__.update(state)\n"
        "    def predict(self, X):\n        return X\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from hostile_model import Hostile

    sio.dump(Hostile(), model_ws.root / "models" / "hostile.skops")
    field, message = refused(model_ws, {**ANSWERS, "model": "models/hostile.skops"})
    assert field == "model" and "not on the allow-list: hostile_model.Hostile" in message
    assert not marker.exists()
    sys.modules.pop("hostile_model")
    sio.dump({"weights": [1, 2]}, model_ws.root / "models" / "dict.skops")  # trusted types, but no model
    assert refused(model_ws, {**ANSWERS, "model": "models/dict.skops"}) == (
        "model", "holds a dict, not a scikit-learn model")


def test_files_outside_the_workspace_or_through_a_link_out_of_it_are_refused(model_ws, tmp_path):
    outside = tmp_path / "outside.skops"
    sio.dump(fitted(applicants()), outside)
    os.symlink(outside, model_ws.root / "models" / "link.skops")
    pd.DataFrame({f: [0.1] * 300 for f in FEATURES}).to_csv(tmp_path / "shap.csv", index=False)
    os.symlink(tmp_path / "shap.csv", model_ws.root / "data" / "link.csv")
    attempts = [({**ANSWERS, "model": where}, "model") for where in ("models/link.skops", "../outside.skops",
                                                                      str(outside))]
    attempts += [(shap_answers(attributions=where), "attributions") for where in ("data/link.csv", "../shap.csv")]
    for answers, expected in attempts:
        field, message = refused(model_ws, answers)
        assert field == expected and ("must stay inside the workspace" in message
                                      or "relative to the workspace" in message), (answers, message)
    # a registered dataset whose file was swapped for a link out of the workspace afterwards
    applicants().to_csv(tmp_path / "holdout.csv", index=False)
    (model_ws.root / "data" / "holdout.csv").unlink()
    os.symlink(tmp_path / "holdout.csv", model_ws.root / "data" / "holdout.csv")
    field, message = refused(model_ws, ANSWERS)
    assert field == "dataset" and "must stay inside the workspace" in message


@pytest.mark.parametrize("changes, field, message", [
    ({"features": ["region", "income", "colour"]}, "features[2]", "is not a column of data/holdout.csv"),
    ({"sensitive_attributes": ["age"]}, "sensitive_attributes[0]", "is not a column"),
    ({"label": "outcome"}, "label", "is not a column"),
    ({"features": ["region", "income"]}, "features", "are not the features the model was fitted on"),
    ({"sensitive_attributes": ["noise"]}, "sensitive_attributes[0]", "distinct values; group them"),
    ({"dataset": "training"}, "dataset", "is not a registered dataset of credit-scoring; registered: holdout"),
    ({"attributions": "data/shap.csv"}, "(answers)", "either a model file or an attributions file"),
    ({"label": ""}, "(answers)", "label: a model is scored against the dataset's true labels"),
])
def test_bad_answers_name_the_field_before_anything_runs(model_ws, changes, field, message):
    found = refused(model_ws, {**ANSWERS, **changes})
    assert found[0] == field and message in found[1], found


def test_a_label_the_model_cannot_score_is_refused(model_ws):
    frame = applicants().assign(label=lambda f: np.where(f["label"] == 1, "good", "bad"))
    frame.to_csv(model_ws.root / "data" / "holdout.csv", index=False)
    field, message = refused(model_ws, ANSWERS)
    assert field == "model" and "cannot score the dataset's rows" in message


def shap_answers(**changes) -> dict:
    return {"attributions": "data/shap.csv", "dataset": "holdout", "features": FEATURES,
            "sensitive_attributes": ["sex"], **changes}


@pytest.mark.parametrize("attributions, message", [
    (pd.DataFrame({"region": [0.1], "income": [0.2], "colour": [0.3]}),
     "one column per feature and no other: missing noise; not a feature: colour"),
    (pd.DataFrame({"region": [0.1], "income": [0.2], "noise": [0.3]}), "has 1 rows, the dataset data/holdout.csv 300"),
    (pd.DataFrame({f: ["high"] * 300 for f in FEATURES}), "column 'region' must hold a number on every row"),
    (pd.DataFrame(columns=FEATURES), "holds no rows"),
])
def test_attributions_must_match_the_features_and_the_rows(model_ws, attributions, message):
    attributions.to_csv(model_ws.root / "data" / "shap.csv", index=False)
    field, found = refused(model_ws, shap_answers())
    assert field == "attributions" and message in found, found


def test_a_dataset_with_no_rows_is_refused(model_ws):
    (model_ws.root / "data" / "empty.csv").write_text(",".join([*FEATURES, "sex", "label"]) + "\n")
    add_dataset(model_ws, "credit-scoring", dataset_entry(id="empty", location="data/empty.csv"), person="amara")
    assert refused(model_ws, {**ANSWERS, "dataset": "empty"}) == ("dataset", "holds no rows: nothing to explain")


# for real: a kernel runs the template, the evidence is archived


@pytest.mark.kernel
def test_a_run_measures_the_model_flags_its_proxy_and_archives_the_evidence(model_ws):
    from evidence_checks import pictures
    from test_evidence_html import load
    from workbench.pipeline.run import run_process

    hostile = applicants().assign(sex=lambda f: f["sex"].replace("male", "<script>alert(1)</script>"))
    hostile.to_csv(model_ws.root / "data" / "holdout.csv", index=False)
    evidence = run_process(model_ws, "explainability", "credit-scoring", {**ANSWERS, "max_rows": 200},
                           assessor="tomas", item_id="v1")
    results = json.loads((evidence.html.parent / "results.json").read_text())["results"]
    rows = hostile.sample(n=200, random_state=5)
    model = sio.load(model_ws.root / "models" / "v1.skops", trusted=sio.get_untrusted_types(
        file=model_ws.root / "models" / "v1.skops"))
    own = permutation_importance(model, rows[FEATURES], rows["label"], n_repeats=3, random_state=5)
    assert {f["feature"]: f["mean"] for f in results["features"]} == dict(zip(FEATURES, own.importances_mean))
    assert (results["rows"], results["dataset_rows"], results["method"]) == (200, 300, "permutation")
    assert [(p["feature"], p["attribute"], p["measure"]) for p in results["proxies"]] == [("region", "sex", CRAMER)]
    assert all(r["planned_controls"] == ["A.5.4", "A.7.4"] for r in results["proposed_risks"])
    page = load(evidence.html)
    assert len(pictures(page.soup)) == 2  # overall, and by sex
    html = evidence.html.read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    row = model_ws.register.rows("explainability")[0]
    assert (row["item_id"], row["method"], row["top_feature"], row["proxies"]) == ("v1", "permutation", "income", 1)


@pytest.mark.kernel
def test_a_run_summarises_the_teams_attributions(model_ws):
    from workbench.pipeline.run import run_process

    rng = np.random.default_rng(0)
    shap = pd.DataFrame({"region": rng.normal(0, 0.1, 300), "income": rng.normal(0, 1, 300),
                         "noise": rng.normal(0, 0.01, 300)})
    shap.to_csv(model_ws.root / "data" / "shap.csv", index=False)
    evidence = run_process(model_ws, "explainability", "credit-scoring", shap_answers(), assessor="tomas",
                           item_id="v1")
    results = json.loads((evidence.html.parent / "results.json").read_text())["results"]
    assert results["method"] == "attributions" and results["score"] is None
    assert [f["feature"] for f in results["features"]] == ["income", "region", "noise"]
    assert results["features"][0]["mean"] == pytest.approx(shap["income"].abs().mean())
    assert "mean absolute attribution" in evidence.html.read_text()

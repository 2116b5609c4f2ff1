"""Measured fairness: numbers against a table worked by hand and against fairlearn's MetricFrame,
and each bad dataset refused with the column and the value."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate

from keys import nothing_archived
from workbench.processes.impact_assessment.settings import FairnessThresholds
from workbench.exceptions import InputError
from workbench.processes.impact_assessment.fairness import FairnessSpec, assess_fairness, load_predictions, measure
from workbench.processes.impact_assessment.assessment import assess
from workbench.demo.impact_data import ANSWERS, predictions, write_predictions
from workbench.pipeline.request import build_request

# 10 people. Group a: 6 rows, group b: 4 rows.
#   a: labels 1 1 1 0 0 0, predictions 1 1 0 1 0 0 -> selection 3/6 = 0.5, TPR 2/3, FPR 1/3, accuracy 4/6
#   b: labels 1 1 0 0,     predictions 1 0 0 0     -> selection 1/4 = 0.25, TPR 1/2, FPR 0, accuracy 3/4
# demographic parity difference 0.5 - 0.25 = 0.25, ratio 0.25 / 0.5 = 0.5;
# equalized odds difference max(|2/3 - 1/2|, |1/3 - 0|) = 1/3
HAND = pd.DataFrame({
    "group": ["a"] * 6 + ["b"] * 4,
    "y": [1, 1, 1, 0, 0, 0, 1, 1, 0, 0],
    "p": [1, 1, 0, 1, 0, 0, 1, 0, 0, 0],
    "s": [0.9, 0.8, 0.4, 0.7, 0.2, 0.1, 0.6, 0.3, 0.2, 0.1],
})
SPEC = {"predictions": "data/hand.csv", "sensitive_features": ["group"], "label": "y", "prediction": "p", "score": "s"}


@pytest.fixture
def hand(workspace):
    (workspace.root / "data").mkdir()
    HAND.to_csv(workspace.root / "data" / "hand.csv", index=False)
    return workspace


def test_metrics_match_the_table_worked_by_hand(hand):
    result = assess_fairness(hand, FairnessSpec(**SPEC), FairnessThresholds())
    a, b = result.attributes[0].groups
    assert (a.group, a.count, b.group, b.count) == ("a", 6, "b", 4)
    assert a.selection_rate == pytest.approx(0.5) and b.selection_rate == pytest.approx(0.25)
    assert a.true_positive_rate == pytest.approx(2 / 3) and b.true_positive_rate == pytest.approx(0.5)
    assert a.false_positive_rate == pytest.approx(1 / 3) and b.false_positive_rate == pytest.approx(0.0)
    assert a.accuracy == pytest.approx(4 / 6) and b.accuracy == pytest.approx(0.75)
    assert a.mean_score == pytest.approx(3.1 / 6) and b.mean_score == pytest.approx(0.3)
    values = {d.metric: d for d in result.attributes[0].disparities}
    assert values["demographic_parity_difference"].value == pytest.approx(0.25)
    assert values["demographic_parity_ratio"].value == pytest.approx(0.5)
    assert values["equalized_odds_difference"].value == pytest.approx(1 / 3)
    assert all(d.breach for d in values.values())
    assert result.rows == 10 and len(result.sha256) == 64


def test_thresholds_decide_each_breach(hand):
    loose = FairnessThresholds(demographic_parity_ratio_min=0.5, demographic_parity_difference_max=0.3,
                               equalized_odds_difference_max=0.3)
    result = assess_fairness(hand, FairnessSpec(**SPEC), loose)
    breach = {d.metric: d.breach for d in result.attributes[0].disparities}
    # ratio 0.5 is not below 0.5; difference 0.25 is not above 0.3; 1/3 is above 0.3
    assert breach == {"demographic_parity_ratio": False, "demographic_parity_difference": False,
                      "equalized_odds_difference": True}


def test_demo_numbers_match_fairlearn_metricframe():
    frame = predictions("cv-screening")
    spec = FairnessSpec(predictions="x.csv", sensitive_features=["sex", "age_band"], label="label",
                        prediction="prediction")
    result = measure(frame, spec, FairnessThresholds())
    for attribute in result.attributes:
        mf = MetricFrame(metrics={"sr": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
                         y_true=frame["label"], y_pred=frame["prediction"],
                         sensitive_features=frame[attribute.attribute])
        for g in attribute.groups:
            assert g.selection_rate == pytest.approx(mf.by_group.loc[g.group, "sr"])
            assert g.true_positive_rate == pytest.approx(mf.by_group.loc[g.group, "tpr"])
            assert g.false_positive_rate == pytest.approx(mf.by_group.loc[g.group, "fpr"])
            assert g.count == int((frame[attribute.attribute] == g.group).sum())
        d = {x.metric: x.value for x in attribute.disparities}
        assert d["demographic_parity_difference"] == pytest.approx(mf.difference()["sr"])
        assert d["demographic_parity_ratio"] == pytest.approx(mf.ratio()["sr"])
        assert d["equalized_odds_difference"] == pytest.approx(max(mf.difference()["tpr"], mf.difference()["fpr"]))


def test_demo_datasets_are_deterministic_and_only_cv_screening_breaches(workspace):
    for system_id in ANSWERS:
        write_predictions(workspace.root, system_id)
        first = (workspace.root / f"data/{system_id}/predictions.csv").read_bytes()
        write_predictions(workspace.root, system_id)
        assert (workspace.root / f"data/{system_id}/predictions.csv").read_bytes() == first
        spec = FairnessSpec(**ANSWERS[system_id]["fairness"])
        breaches = assess_fairness(workspace, spec, workspace.config.impact_criteria.fairness).breaches
        assert [(a, d.metric) for a, d in breaches] == ([
            ("sex", "demographic_parity_difference"), ("sex", "demographic_parity_ratio"),
            ("sex", "equalized_odds_difference")] if system_id == "cv-screening" else [])


def test_each_breach_becomes_a_proposed_risk_citing_a54_and_a74(workspace):
    write_predictions(workspace.root, "cv-screening")
    request = build_request(workspace, "impact-assessment", "cv-screening", ANSWERS["cv-screening"], assessor="tomas")
    results = assess(request.answers, workspace)
    assert [r.id for r in results.proposed_risks] == ["F1", "F2", "F3"]
    for risk in results.proposed_risks:
        assert risk.planned_controls == ["A.5.4", "A.7.4"] and risk.objectives == ["C.2.5"]
        assert risk.affected_parties == ["people in group female (sex)"]
        assert risk.owner == "priya"
    assert "0.439, below the minimum 0.8" in results.proposed_risks[1].description


def test_parquet_gives_the_same_numbers(hand):
    HAND.to_parquet(hand.root / "data" / "hand.parquet", index=False)
    csv = assess_fairness(hand, FairnessSpec(**SPEC), FairnessThresholds())
    parquet = assess_fairness(hand, FairnessSpec(**{**SPEC, "predictions": "data/hand.parquet"}), FairnessThresholds())
    assert csv.attributes == parquet.attributes


def test_text_labels_true_false_are_read_as_binary(hand):
    HAND.assign(y=HAND["y"].map({1: "true", 0: "false"})).to_csv(hand.root / "data" / "hand.csv", index=False)
    result = assess_fairness(hand, FairnessSpec(**SPEC), FairnessThresholds())
    assert result.attributes[0].groups[0].true_positive_rate == pytest.approx(2 / 3)


# bad datasets: refused before anything runs, naming the column and the value --------------------


def refused(workspace, frame: pd.DataFrame | None = None, **spec) -> str:
    if frame is not None:
        frame.to_csv(workspace.root / "data" / "hand.csv", index=False)
    answers = copy.deepcopy(ANSWERS["credit-scoring"])
    answers["fairness"] = {**SPEC, **spec}
    with pytest.raises(InputError) as err:
        build_request(workspace, "impact-assessment", "credit-scoring", answers, assessor="amara")
    problem = err.value.problems[0]
    assert problem.field.startswith("fairness")
    assert nothing_archived(workspace)
    return problem.message


def test_missing_column(hand):
    message = refused(hand, label="outcome")
    assert "column 'outcome' is missing from data/hand.csv; columns: group, y, p, s" in message


def test_empty_group(hand):
    frame = HAND.copy()
    frame.loc[3, "group"] = None
    assert "column 'group' has an empty group: no value on line 5" in refused(hand, frame)


def test_group_without_positive_labels(hand):
    frame = HAND.copy()
    frame.loc[6:7, "y"] = 0
    assert "column 'group' group 'b' has no positive true labels" in refused(hand, frame)


@pytest.mark.parametrize("column, value", [("y", 2), ("p", "maybe")])
def test_labels_that_are_not_binary(hand, column, value):
    frame = HAND.copy().astype({column: object})
    frame.loc[4, column] = value
    assert f"column {column!r} must hold binary labels 0 or 1; found {value!r}" in refused(hand, frame)


def test_non_numeric_score(hand):
    frame = HAND.copy().astype({"s": object})
    frame.loc[0, "s"] = "high"
    assert "column 's' must hold numeric scores; found 'high'" in refused(hand, frame)


@pytest.mark.parametrize("path, message", [
    ("/etc/passwd", "must be a path relative to the workspace"),
    ("../outside.csv", "must stay inside the workspace"),
    ("data/hand.txt", "must be a .csv or .parquet file"),
    ("data/none.csv", "no such file in the workspace"),
])
def test_paths_outside_or_unknown(hand, path, message):
    (hand.root.parent / "outside.csv").write_text(HAND.to_csv(index=False))
    (hand.root / "data" / "hand.txt").write_text("x")
    assert message in refused(hand, predictions=path)


def test_symlink_out_of_the_workspace_is_refused(hand):
    (hand.root.parent / "outside.csv").write_text(HAND.to_csv(index=False))
    (hand.root / "data" / "link.csv").symlink_to(hand.root.parent / "outside.csv")
    assert "must stay inside the workspace" in refused(hand, predictions="data/link.csv")


def test_empty_dataset(hand):
    (hand.root / "data" / "hand.csv").write_text("group,y,p,s\n")
    assert "has no rows" in refused(hand)


def test_load_predictions_returns_integer_labels(hand):
    frame = load_predictions(hand, FairnessSpec(**SPEC))
    assert frame["y"].tolist() == HAND["y"].tolist() and str(frame["y"].dtype).startswith("int")

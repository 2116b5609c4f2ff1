"""Production monitoring: PSI and the two-sample tests against hand computations and scipy, the
grouped fairness against fairlearn, bad logs refused before anything is written, and real-kernel
runs whose evidence charts each period beside the earlier ones and whose breaches a periodic review
turns into nonconformities."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, ks_2samp

from keys import nothing_archived
from workbench.demo.monitoring import ANSWERS as DEMO_ANSWERS, month_log, scored
from workbench.exceptions import InputError
from workbench.pipeline.request import build_request
from workbench.pipeline.run import run_process
from workbench.processes.impact_assessment.fairness import FairnessSpec, measure
from workbench.processes.impact_assessment.settings import FairnessThresholds
from workbench.processes.monitoring.answers import MonitoringAnswers
from workbench.processes.monitoring.assessment import breaches, headline
from workbench.processes.monitoring.drift import EPSILON, categorical_drift, numeric_drift, psi
from workbench.processes.monitoring.log import period_bounds
from workbench.processes.monitoring.measure import group_fairness, performance

SYSTEM = "credit-scoring"


# the measures, by hand and against scipy and fairlearn

def test_psi_matches_the_formula_worked_by_hand():
    # (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.25 ln 2 + 0.25 ln 1.5
    assert psi([0.5, 0.5], [0.25, 0.75]) == pytest.approx(0.25 * math.log(2) + 0.25 * math.log(1.5), abs=1e-12)
    assert psi([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]) == 0.0
    # an empty bin counts as EPSILON, not 0: (0.1 - 1e-4) ln(0.1 / 1e-4) + (0.4 - 0.5) ln(0.4 / 0.5)
    assert psi([0.5, 0.5, 0.0], [0.5, 0.4, 0.1]) == pytest.approx(
        (0.1 - EPSILON) * math.log(0.1 / EPSILON) + (0.4 - 0.5) * math.log(0.8), abs=1e-12)


def test_numeric_drift_uses_the_reference_quantile_bins_and_scipy_ks():
    reference = np.arange(1, 11, dtype=float)  # median 5.5: two bins of five
    current = np.array([1, 2, 8, 9, 10, 11, 12, 13], dtype=float)  # 2 of 8 up to 5.5, 6 of 8 above
    d = numeric_drift("x", "feature", reference, current, bins=2, psi_warn=0.1, psi_breach=0.25, alpha=0.05)
    assert [(b.label, b.reference, b.current) for b in d.bins] == [("≤ 5.5", 0.5, 0.25), ("> 5.5", 0.5, 0.75)]
    assert d.psi == pytest.approx(0.25 * math.log(2) + 0.25 * math.log(1.5), abs=1e-12)
    expected = ks_2samp(reference, current)
    assert (d.statistic, d.p_value) == (pytest.approx(expected.statistic), pytest.approx(expected.pvalue))
    # PSI 0.27 reaches the breach level but the test does not find the samples differ: a warning, not drift
    assert d.p_value > 0.05 and d.status == "warning"


def test_a_value_on_an_edge_falls_in_the_bin_below_and_missing_values_get_a_bin():
    reference = np.array([1, 2, 3, 4, np.nan])
    current = np.array([2.5, 2.5, 2.5, np.nan, np.nan])  # 2.5 is the median edge of [1, 2, 3, 4]
    d = numeric_drift("x", "feature", reference, current, bins=2, psi_warn=0.1, psi_breach=0.25, alpha=0.01)
    assert [b.label for b in d.bins] == ["≤ 2.5", "> 2.5", "(missing)"]
    assert [b.reference for b in d.bins] == [0.4, 0.4, 0.2] and [b.current for b in d.bins] == [0.6, 0.0, 0.4]
    assert d.psi == pytest.approx(psi([0.4, 0.4, 0.2], [0.6, 0.0, 0.4]))
    assert d.statistic == pytest.approx(ks_2samp([1, 2, 3, 4], [2.5, 2.5, 2.5]).statistic)


def test_categorical_drift_covers_new_values_and_uses_scipy_chi_square():
    reference = ["a"] * 6 + ["b"] * 4
    current = ["a"] * 3 + ["b"] * 5 + ["c"] * 2  # c is new: its reference share counts as EPSILON
    d = categorical_drift("x", "feature", pd.Series(reference), pd.Series(current), 0.1, 0.25, 0.01)
    assert [b.label for b in d.bins] == ["a", "b", "c"]
    by_hand = (0.3 - 0.6) * math.log(0.3 / 0.6) + (0.5 - 0.4) * math.log(0.5 / 0.4) + (0.2 - EPSILON) * math.log(
        0.2 / EPSILON)
    assert d.psi == pytest.approx(by_hand, abs=1e-12)
    expected = chi2_contingency([[6, 4, 0], [3, 5, 2]])
    assert (d.statistic, d.p_value) == (pytest.approx(expected.statistic), pytest.approx(expected.pvalue))
    assert d.status == "warning"  # PSI above 0.25, but ten rows a side prove nothing at 0.01


def test_a_large_shift_on_many_rows_is_drift_and_the_same_distribution_is_stable():
    rng = np.random.default_rng(3)
    reference = rng.normal(0, 1, 20_000)
    same = numeric_drift("x", "feature", reference, rng.normal(0, 1, 20_000), 10, 0.1, 0.25, 0.01)
    moved = numeric_drift("x", "feature", reference, rng.normal(1, 1, 20_000), 10, 0.1, 0.25, 0.01)
    assert same.status == "stable" and same.psi < 0.01
    assert moved.status == "drift" and moved.psi > 0.25 and moved.p_value < 1e-10


def test_grouped_fairness_equals_fairlearn():
    rng = np.random.default_rng(11)
    n = 600
    frame = pd.DataFrame({"sex": rng.choice(["female", "male"], n), "band": rng.choice(["a", "b", "c"], n),
                          "label": rng.integers(0, 2, n), "prediction": rng.integers(0, 2, n),
                          "score": rng.random(n).round(3)})
    thresholds = FairnessThresholds()
    spec = FairnessSpec(predictions="log.csv", sensitive_features=["sex", "band"], label="label",
                        prediction="prediction", score="score")
    expected = measure(frame, spec, thresholds).model_dump()
    found = group_fairness(frame, ["sex", "band"], "label", "prediction", "score", thresholds, "log.csv").model_dump()
    assert found.keys() == expected.keys()
    for a, b in zip(found["attributes"], expected["attributes"]):
        assert [g["group"] for g in a["groups"]] == [g["group"] for g in b["groups"]]
        for ga, gb in zip(a["groups"], b["groups"]):
            assert ga == {k: pytest.approx(v, abs=1e-12) if isinstance(v, float) else v for k, v in gb.items()}
        for da, db in zip(a["disparities"], b["disparities"]):
            assert (da["metric"], da["breach"]) == (db["metric"], db["breach"])
            assert da["value"] == pytest.approx(db["value"], abs=1e-12)


def test_performance_metrics_are_scikit_learn_s():
    from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, roc_auc_score

    label = np.array([0, 0, 1, 1, 1, 0])
    prediction = np.array([0, 1, 1, 1, 0, 0])
    score = np.array([0.1, 0.6, 0.8, 0.7, 0.4, 0.2])
    assert performance("accuracy", label, prediction, score) == accuracy_score(label, prediction) == 4 / 6
    assert performance("f1", label, prediction, score) == f1_score(label, prediction)
    assert performance("roc_auc", label, prediction, score) == roc_auc_score(label, score)
    assert performance("brier", label, prediction, score) == brier_score_loss(label, score)
    assert performance("roc_auc", np.array([1, 1]), np.array([1, 0]), np.array([0.2, 0.9])) is None


def test_period_bounds():
    assert period_bounds("2026-11") == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("2026-H1") == (date(2026, 1, 1), date(2026, 6, 30))
    assert period_bounds("2026") == (date(2026, 1, 1), date(2026, 12, 31))


# answers

def answers(**changes) -> dict:
    data = json.loads(json.dumps(DEMO_ANSWERS))
    data["reference"] = {"path": "data/reference.csv"}
    data.update(changes)
    return data


@pytest.mark.parametrize("change, message", [
    ({"drift": {"psi_warn": 0.3, "psi_breach": 0.2}}, "psi_warn 0.3 is above psi_breach 0.2"),
    ({"period_start": "2026-05-01"}, "give both, or neither"),
    ({"period_start": "2026-05-31", "period_end": "2026-05-01"}, "is after period_end"),
    ({"reference": {"dataset": "training", "path": "x.csv"}}, "give either dataset"),
    ({"performance": [{"metric": "gini", "threshold": 0.5}]}, "gini"),
    ({"performance": [{"metric": "accuracy", "threshold": 0.5}, {"metric": "accuracy", "threshold": 0.6}]},
     "accuracy is named twice"),
])
def test_incoherent_answers_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        MonitoringAnswers.model_validate(answers(**change))


def test_a_score_metric_needs_the_score_column_and_roles_are_distinct():
    data = answers()
    data["columns"] = {**data["columns"], "score": ""}
    with pytest.raises(ValueError, match="roc_auc reads scores"):
        MonitoringAnswers.model_validate(data)
    data = answers()
    data["columns"] = {**data["columns"], "features": ["income", "score"]}
    with pytest.raises(ValueError, match="'score' is the score column"):
        MonitoringAnswers.model_validate(data)


# bad logs: a clear error naming the field, and nothing written

@pytest.fixture
def monitored(workspace):
    """The test workspace with the scored reference and the demo's first month written as 2026-05."""
    from workbench.demo.data_governance import applications

    root = workspace.root
    (root / "data").mkdir()
    scored(applications()).drop(columns=["note"]).to_csv(root / "data/reference.csv", index=False)
    (root / "logs" / SYSTEM).mkdir(parents=True)
    month_log(date(2026, 5, 1), 0).to_csv(root / f"logs/{SYSTEM}/2026-05.csv", index=False)
    return workspace


def request(workspace, data: dict, period: str = "2026-05"):
    return build_request(workspace, "monitoring", SYSTEM, data, period=period, assessor="tomas",
                         effective_date="2026-05-31")


def write_log(workspace, frame, name: str = "bad.csv") -> str:
    frame.to_csv(workspace.root / "logs" / SYSTEM / name, index=False)
    return f"logs/{SYSTEM}/{name}"


def refused(workspace, data: dict, field: str, *words: str, period: str = "2026-05") -> None:
    with pytest.raises(InputError) as err:
        request(workspace, data, period)
    assert err.value.problems[0].field == field, str(err.value)
    for word in words:
        assert word in str(err.value), str(err.value)
    assert nothing_archived(workspace)


def test_a_good_request_passes_its_checks(monitored):
    assert request(monitored, answers()).answers.prediction_log == f"logs/{SYSTEM}/{{period}}.csv"


def test_a_log_missing_a_column_is_refused_naming_the_field(monitored):
    log = month_log(date(2026, 5, 1), 0).drop(columns=["income"])
    refused(monitored, answers(prediction_log=write_log(monitored, log)), "columns.features[1]", "income",
            "is not a column of")
    refused(monitored, answers(prediction_log=write_log(monitored, month_log(date(2026, 5, 1), 0).drop(
        columns=["repaid"]))), "columns.label", "repaid")


def test_rows_outside_the_period_are_refused_with_their_count_and_the_first(monitored):
    log = month_log(date(2026, 5, 1), 0)
    log.loc[[7, 9, 20], "timestamp"] = ["2026-06-01T00:00:00Z", "2026-04-30T23:59:59Z", "2027-01-01T00:00:00Z"]
    refused(monitored, answers(prediction_log=write_log(monitored, log)), "prediction_log",
            "3 of 3,000 rows have a timestamp outside the period 2026-05-01 to 2026-05-31", "line 9",
            "2026-06-01T00:00:00+00:00")
    # a run for June reads the May log (the {period} placeholder names the June file, which is missing)
    refused(monitored, answers(), "prediction_log", "logs/credit-scoring/2026-06.csv", "no such file",
            period="2026-06")
    # the answers' own period wins over the run's
    refused(monitored, answers(period_start="2026-05-02", period_end="2026-05-31"), "prediction_log",
            "outside the period 2026-05-02 to 2026-05-31")


@pytest.mark.parametrize("column, row, value, field, words", [
    ("timestamp", 4, "yesterday", "columns.timestamp", ("line 6", "'yesterday'", "ISO 8601")),
    ("repaid", 2, 2, "columns.label", ("0 or 1", "line 4")),
    ("approved", 3, "", "columns.prediction", ("must hold 0 or 1", "line 5")),
    ("score", 5, "high", "columns.score", ("must hold numbers", "'high'")),
    ("income", 8, "unknown", "columns.features[1]", ("must hold numbers", "line 10", "'unknown'")),
    ("sex", 1, "", "columns.sensitive_features[0]", ("empty group", "line 3")),
])
def test_a_bad_value_is_refused_naming_field_row_and_value(monitored, column, row, value, field, words):
    log = month_log(date(2026, 5, 1), 0)
    log[column] = log[column].astype(object)
    log.loc[row, column] = value
    refused(monitored, answers(prediction_log=write_log(monitored, log)), field, *words)


def test_a_group_without_positive_labels_is_refused(monitored):
    log = month_log(date(2026, 5, 1), 0)
    log.loc[log["age_band"] == "55+", "repaid"] = 0
    refused(monitored, answers(prediction_log=write_log(monitored, log)), "columns.sensitive_features[1]",
            "group '55+' has no positive true labels")


@pytest.mark.parametrize("path, words", [
    ("../outside.csv", ("must stay inside the workspace",)),
    ("/etc/passwd", ("must be a path relative to the workspace",)),
    ("logs/credit-scoring/2026-05.txt", ("must be a .csv or .parquet file",)),
])
def test_path_tricks_are_refused(monitored, path, words):
    refused(monitored, answers(prediction_log=path), "prediction_log", *words)


def test_a_link_out_of_the_workspace_and_a_bad_reference_are_refused(monitored, tmp_path):
    outside = tmp_path / "outside.csv"
    month_log(date(2026, 5, 1), 0).to_csv(outside, index=False)
    (monitored.root / "logs" / "link.csv").symlink_to(outside)
    refused(monitored, answers(prediction_log="logs/link.csv"), "prediction_log", "must stay inside the workspace")
    refused(monitored, answers(reference={"dataset": "training"}), "item", "is not a registered dataset")
    pd.read_csv(monitored.root / "data/reference.csv").drop(columns=["term_months"]).to_csv(
        monitored.root / "data/narrow.csv", index=False)
    refused(monitored, answers(reference={"path": "data/narrow.csv"}), "columns.features[3]", "term_months",
            "the reference data/narrow.csv")


def test_an_empty_or_unreadable_log_is_refused(monitored):
    empty = monitored.root / "logs" / SYSTEM / "empty.csv"
    empty.write_text("timestamp,approved\n")
    refused(monitored, answers(prediction_log=f"logs/{SYSTEM}/empty.csv"), "prediction_log", "holds no rows")
    broken = monitored.root / "logs" / SYSTEM / "broken.parquet"
    broken.write_bytes(b"not parquet")
    refused(monitored, answers(prediction_log=f"logs/{SYSTEM}/broken.parquet"), "prediction_log", "cannot be read")


def test_parquet_logs_and_time_zones_are_read(monitored):
    log = month_log(date(2026, 5, 1), 0)
    log["timestamp"] = pd.to_datetime(log["timestamp"]).dt.tz_convert("Europe/Berlin")  # 2026-05-01 02:00 local ...
    log.to_parquet(monitored.root / "logs" / SYSTEM / "2026-05.parquet")
    data = answers(prediction_log=f"logs/{SYSTEM}/{{period}}.parquet")
    req = request(monitored, data)
    results = req.process.results(req, monitored)
    assert results.rows == 3000 and results.labelled_rows == int(log["repaid"].notna().sum())
    naive = log.assign(timestamp=pd.to_datetime(log["timestamp"]).dt.tz_localize(None))  # local times: some in June
    naive.to_parquet(monitored.root / "logs" / SYSTEM / "naive.parquet")
    refused(monitored, answers(prediction_log=f"logs/{SYSTEM}/naive.parquet"), "prediction_log",
            "outside the period")


# real kernels: runs, history, breaches, the periodic review

@pytest.mark.kernel
def test_runs_chart_each_period_beside_the_earlier_ones_and_breaches_open_nonconformities(monitored):
    from workbench.scheduling.executor import LocalExecutor
    from workbench.scheduling.review import plan_review, run_review

    root = monitored.root
    for index, first in enumerate((date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1))):
        # June is the demo's fifth month: drift and a fairness drop; July its first again
        month_log(first, (0, 4, 1)[index]).to_csv(root / f"logs/{SYSTEM}/{first:%Y-%m}.csv", index=False)
    data = answers()
    runs = [run_process(monitored, "monitoring", SYSTEM, data, period=p, assessor="tomas", effective_date=e)
            for p, e in (("2026-05", "2026-05-31"), ("2026-06", "2026-06-30"))]
    first, second = (json.loads(r.results.read_text())["results"] for r in runs)
    assert breaches(first) == [] and headline(first).endswith("no breach")
    found = breaches(second)
    assert any("PSI of loan_amount" in b for b in found) and any("by age_band" in b for b in found)
    assert [p["run_id"] for p in second["history"]] == [runs[0].run_id, "this period"]
    assert second["history"][0]["values"] == {f["key"]: f["value"] for f in first["figures"]}
    assert len(second["proposed_risks"]) == len(found)
    assert all(isinstance(f["value"], float) for f in second["figures"])
    [row] = monitored.register.rows("monitoring", run_id=runs[1].run_id)
    assert row["breaches"] == len(found) and row["max_psi"] == max(d["psi"] for d in second["drift"])

    html = runs[1].html.read_text()
    assert "History" in html and runs[0].run_id in html and "2026-05" in html
    assert "PSI of each column by period" in html and "Share of rows per bin of loan_amount" in html

    # the periodic review re-measures July with the same answers and opens a nonconformity per breach
    jobs, known = plan_review(monitored, "all", SYSTEM, period="2026-06", force=True, today=date(2026, 7, 5))
    assert [j.process for j in jobs] == ["monitoring"]
    summary = run_review(monitored, jobs, known, LocalExecutor(1), progress=False, today=date(2026, 7, 5))
    [outcome] = [o for o in summary.outcomes if o.process == "monitoring"]
    assert outcome.status == "recalculated" and outcome.breaches == found
    assert len(outcome.nonconformities) == len(found)
    opened = monitored.register.rows("nonconformities", source="review")
    assert {n["id"] for n in opened} == set(outcome.nonconformities)
    assert all("monitoring for 2026-06: monitoring breach" in n["description"] for n in opened)
    recalculated = json.loads(Path(outcome.evidence).with_name("results.json").read_text())["results"]
    # two records of June now: the history shows May once, and never June beside itself
    assert [p["period"] for p in recalculated["history"]] == ["2026-05", "2026-06"]

    later = run_process(monitored, "monitoring", SYSTEM, data, period="2026-07", assessor="tomas",
                        effective_date="2026-07-31")
    history = json.loads(later.results.read_text())["results"]["history"]
    assert [p["period"] for p in history] == ["2026-05", "2026-06", "2026-07"]
    assert history[1]["run_id"] == outcome.run_id  # of two records of a period, the latest (none is approved)


def test_many_categories_share_one_bin_beyond_the_limit():
    from workbench.processes.monitoring.drift import MAX_CATEGORIES, OTHER

    reference = pd.Series([f"id{i}" for i in range(100)] + ["common"] * 100)
    current = pd.Series([f"id{i}" for i in range(50, 150)] + ["common"] * 100)
    d = categorical_drift("x", "feature", reference, current, 0.1, 0.25, 0.01)
    assert len(d.bins) == MAX_CATEGORIES and d.bins[-1].label == OTHER and d.bins[0].label == "common"
    assert sum(b.reference for b in d.bins) == pytest.approx(1) and sum(b.current for b in d.bins) == pytest.approx(1)
    assert d.psi == pytest.approx(psi([b.reference for b in d.bins], [b.current for b in d.bins]))


def test_brier_and_log_loss_need_probabilities(monitored):
    log = month_log(date(2026, 5, 1), 0)
    log.loc[12, "score"] = 1.5
    path = write_log(monitored, log)
    refused(monitored, answers(prediction_log=path, performance=[{"metric": "brier", "threshold": 0.3}]),
            "columns.score", "probabilities from 0 to 1 for brier", "line 14", "1.5")
    assert request(monitored, answers(prediction_log=path))  # roc_auc ranks scores of any scale


def test_charts_keep_hostile_names_as_text_and_draw_thresholds():
    from workbench.processes.monitoring.charts import bins_chart, history_chart

    hostile = "<script>alert(1)</script>"
    d = categorical_drift(hostile, "feature", pd.Series([hostile, "a"] * 50), pd.Series(["a"] * 100), 0.1, 0.25, 0.01)
    history = history_chart("PSI", ["2026-05", "2026-06"], {hostile: [0.01, None]}, [("breach", 0.25)], "PSI")
    for chart in (bins_chart(d), history):
        assert "<script>" not in str(chart.svg) and "&lt;script&gt;" in str(chart.svg)
    assert "2026-06 not measured" in str(history.svg) and "breach 0.25" in str(history.svg)
    assert history.figure["layout"]["shapes"][0]["y0"] == 0.25


def test_a_registered_dataset_is_a_reference_and_its_hash_is_checked(monitored):
    from workbench.processes.data_quality.datasets import add_dataset

    add_dataset(monitored, SYSTEM, {
        "id": "scored-training", "name": "Scored training set", "role": "reference", "source": "internal",
        "licence": "internal", "retention": "while in production", "owner": "amara",
        "location": "data/reference.csv"}, person="amara")
    req = request(monitored, answers(reference={"dataset": "scored-training"}))
    results = req.process.results(req, monitored)
    ref = results.reference
    assert (ref.source, ref.dataset_id, ref.location, ref.rows) == ("dataset", "scored-training", "data/reference.csv",
                                                                    4000)
    assert ref.sha256 == ref.registered_sha256
    assert [d.column for d in results.drift] == ["age_band", "income", "loan_amount", "term_months", "score"]
    assert [d.role for d in results.drift][-1] == "score" and all(d.status == "stable" for d in results.drift)

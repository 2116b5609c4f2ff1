"""Risk criteria (scales, bands, appetite, matrix) and the scoring of a whole risk assessment."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from workbench.config import default_configuration
from workbench.processes.risk_assessment.settings import RiskCriteria
from workbench.processes.risk_assessment.assessment import RiskAssessmentAnswers, assess

BANDS = ["Low", "Medium", "High", "Critical"]


def _criteria_data() -> dict:
    return copy.deepcopy(default_configuration("Test org")["risk_criteria"])


@pytest.fixture
def criteria() -> RiskCriteria:
    return RiskCriteria.model_validate(_criteria_data())


def _bands_holding(criteria: RiskCriteria, score: int) -> list[str]:
    return [b.name for b in criteria.bands if b.min <= score <= b.max]


# Product method (the default)

def test_level_4_by_5_is_20_critical_with_its_calculation(criteria):
    level = criteria.level(4, 5)
    assert (level.likelihood, level.impact, level.score, level.band) == (4, 5, 20, "Critical")
    assert level.calculation == "4 × 5 = 20 → Critical"


def test_default_bands_in_order(criteria):
    assert criteria.band_names() == BANDS
    assert [(b.min, b.max) for b in criteria.bands] == [(1, 4), (5, 9), (10, 16), (17, 25)]


@pytest.mark.parametrize("score", range(1, 26))
def test_every_score_1_to_25_is_in_exactly_one_band(criteria, score):
    assert len(_bands_holding(criteria, score)) == 1


@pytest.mark.parametrize("likelihood", range(1, 6))
@pytest.mark.parametrize("impact", range(1, 6))
def test_every_product_is_scored_into_its_band(criteria, likelihood, impact):
    level = criteria.level(likelihood, impact)
    assert level.score == likelihood * impact
    assert [level.band] == _bands_holding(criteria, likelihood * impact)


@pytest.mark.parametrize("likelihood, impact, score, band", [
    (2, 2, 4, "Low"), (1, 5, 5, "Medium"),
    (3, 3, 9, "Medium"), (2, 5, 10, "High"),
    (4, 4, 16, "High"), (4, 5, 20, "Critical"),
])
def test_band_boundaries_by_level(criteria, likelihood, impact, score, band):
    level = criteria.level(likelihood, impact)
    assert (level.score, level.band) == (score, band)


@pytest.mark.parametrize("score, band", [(4, "Low"), (5, "Medium"), (9, "Medium"), (10, "High"),
                                         (16, "High"), (17, "Critical")])
def test_band_boundaries_by_score(criteria, score, band):
    # 17 is no product of two levels, so the 16/17 boundary is checked on the bands themselves.
    assert _bands_holding(criteria, score) == [band]


@pytest.mark.parametrize("band, above", [("Low", False), ("Medium", False), ("High", True), ("Critical", True)])
def test_above_appetite_with_appetite_medium(criteria, band, above):
    assert criteria.appetite == "Medium"
    assert criteria.above_appetite(band) is above


# Matrix method

def _matrix_data() -> dict:
    data = _criteria_data()
    data["method"] = "matrix"
    # Rows are likelihood 1..5, columns impact 1..5; deliberately not what the product would give.
    data["matrix"] = [
        ["Low", "Low", "Medium", "High", "High"],
        ["Low", "Medium", "Medium", "High", "Critical"],
        ["Medium", "Medium", "High", "High", "Critical"],
        ["Medium", "High", "High", "Critical", "Critical"],
        ["High", "High", "Critical", "Critical", "Critical"],
    ]
    return data


def test_matrix_method_reads_the_band_from_the_matrix():
    criteria = RiskCriteria.model_validate(_matrix_data())
    level = criteria.level(1, 5)  # product 5 would be Medium
    assert (level.score, level.band) == (5, "High")
    assert level.calculation == "matrix row L1, column I5 → High (L × I = 5)"


def test_matrix_method_rows_are_likelihood_and_columns_impact():
    criteria = RiskCriteria.model_validate(_matrix_data())
    assert criteria.level(5, 1).band == "High"
    assert criteria.level(1, 4).band == "High"
    assert criteria.level(4, 1).band == "Medium"


@pytest.mark.parametrize("likelihood", range(1, 6))
@pytest.mark.parametrize("impact", range(1, 6))
def test_matrix_method_every_cell(likelihood, impact):
    data = _matrix_data()
    criteria = RiskCriteria.model_validate(data)
    assert criteria.level(likelihood, impact).band == data["matrix"][likelihood - 1][impact - 1]


# Bad criteria

def _invalid(edit) -> str:
    data = _criteria_data()
    edit(data)
    with pytest.raises(ValidationError) as err:
        RiskCriteria.model_validate(data)
    return str(err.value)


def test_gap_between_bands_is_refused():
    def gap(d):
        d["bands"][1]["min"] = 6  # Low ends at 4, Medium starts at 6

    assert "without gaps" in _invalid(gap)


def test_overlapping_bands_are_refused():
    def overlap(d):
        d["bands"][1]["min"] = 4

    assert "band 'Medium' starts at 4, expected 5" in _invalid(overlap)


def test_bands_that_stop_before_25_are_refused():
    def short(d):
        d["bands"][3]["max"] = 24

    assert "must end at 25" in _invalid(short)


def test_appetite_that_is_not_a_band_is_refused():
    def appetite(d):
        d["appetite"] = "Moderate"

    assert "appetite 'Moderate' is not a band" in _invalid(appetite)


def test_matrix_with_an_unknown_band_is_refused():
    data = _matrix_data()
    data["matrix"][2][2] = "Severe"
    with pytest.raises(ValidationError, match=r"matrix names unknown bands \['Severe'\]"):
        RiskCriteria.model_validate(data)


def test_matrix_method_without_a_5_by_5_matrix_is_refused():
    data = _matrix_data()
    data["matrix"] = data["matrix"][:4]
    with pytest.raises(ValidationError, match="5 x 5 matrix"):
        RiskCriteria.model_validate(data)


def test_scale_out_of_order_is_refused():
    def swap(d):
        d["likelihood"][3]["level"], d["likelihood"][4]["level"] = 5, 4

    assert "likelihood must list levels 1, 2, 3, 4, 5 in order" in _invalid(swap)


def test_scale_with_a_level_above_5_is_refused():
    def six(d):
        d["impact"][4]["level"] = 6

    assert "impact.4.level" in _invalid(six)


def test_scale_with_four_levels_is_refused():
    def four(d):
        d["likelihood"].pop()

    assert "likelihood" in _invalid(four)


# A whole assessment: the demo's credit-scoring answers, rated by hand
#   R1 inherent 4x5=20 Critical, residual 2x4=8  Medium
#   R2 inherent 3x4=12 High,     residual 2x3=6  Medium
#   R3 inherent 4x4=16 High,     residual 3x4=12 High   -> above appetite (Medium)
#   R4 inherent 3x4=12 High,     residual 1x4=4  Low

def test_assess_demo_answers_counts_by_band(answers, criteria):
    results = assess(RiskAssessmentAnswers.model_validate(answers), criteria)
    assert results.inherent_by_band == {"Low": 0, "Medium": 0, "High": 3, "Critical": 1}
    assert results.residual_by_band == {"Low": 1, "Medium": 2, "High": 1, "Critical": 0}


def test_assess_demo_answers_above_appetite(answers, criteria):
    results = assess(RiskAssessmentAnswers.model_validate(answers), criteria)
    assert results.appetite == "Medium"
    assert results.above_appetite == ["R3"]
    assert [a.above_appetite for a in results.risks] == [False, False, True, False]


def test_assess_demo_answers_levels_per_risk(answers, criteria):
    results = assess(RiskAssessmentAnswers.model_validate(answers), criteria)
    assert [(a.risk.id, a.inherent.score, a.residual.score) for a in results.risks] == [
        ("R1", 20, 8), ("R2", 12, 6), ("R3", 16, 12), ("R4", 12, 4)]


def test_assess_controls_map_in_annex_a_order(answers, criteria):
    results = assess(RiskAssessmentAnswers.model_validate(answers), criteria)
    assert list(results.controls.items()) == [
        ("A.4.3", ["R4"]),
        ("A.5.4", ["R1"]),
        ("A.6.2.4", ["R1", "R3"]),
        ("A.6.2.6", ["R3"]),
        ("A.7.4", ["R1"]),
        ("A.7.5", ["R4"]),
        ("A.8.2", ["R2"]),
        ("A.8.3", ["R2"]),
    ]


def test_assess_counts_follow_a_changed_rating(answers, criteria):
    answers["risks"][3]["residual_likelihood"] = 3  # R4 residual 3x4=12 High: now above appetite too
    results = assess(RiskAssessmentAnswers.model_validate(answers), criteria)
    assert results.residual_by_band == {"Low": 0, "Medium": 2, "High": 2, "Critical": 0}
    assert results.above_appetite == ["R3", "R4"]

"""Gap analysis without a kernel: readiness worked by hand, gap ranking, answer rules, configuration."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml

from keys import record
from workbench.demo.certification import gap_answers
from workbench.processes.gap_analysis.settings import Readiness
from workbench.content import load_content
from workbench.exceptions import InputError
from workbench.processes.gap_analysis.assessment import PlannedAction, Rating, group_of, progress, rank_gaps, readiness, requirement_ids
from workbench.pipeline.request import build_request
from workbench.workspace import CONFIG_FILE

CONTENT = load_content()


def test_items_are_the_32_leaf_requirements_and_38_controls():
    assert len(requirement_ids(CONTENT)) == 32 and len(CONTENT.control_ids()) == 38
    assert requirement_ids(CONTENT)[:4] == ["4.1", "4.2", "4.3", "4.4"] and "6.1" not in requirement_ids(CONTENT)
    assert [group_of(i, CONTENT) for i in ("6.1.2", "10.2", "A.6.1.2", "A.6.2.8", "A.10.4")] == \
        ["6", "10", "A.6", "A.6", "A.10"]


def test_readiness_against_a_case_computed_by_hand():
    # Clause 4: 4.1..4.4 = 0, 1, 2, 5 -> mean 2.0 -> 40 %. Clause 5: 5.1..5.3 = 3, 3, 3 -> mean 3.0 -> 60 %.
    # Area A.2: A.2.2..A.2.4 = 5, 4, 0 -> mean 3.0 -> 60 %. Area A.3: A.3.2, A.3.3 = 1, 2 -> mean 1.5 -> 30 %.
    # Weights: clause 4 = 2, clause 5 = 1, A.2 = 0.5, A.3 = 1 (missing weights are 1).
    # Overall = (2 x 2.0 + 1 x 3.0 + 0.5 x 3.0 + 1 x 1.5) / (2 + 1 + 0.5 + 1) / 5 = 10 / 4.5 / 5 = 0.4444...
    ratings = {"4.1": 0, "4.2": 1, "4.3": 2, "4.4": 5, "5.1": 3, "5.2": 3, "5.3": 3,
               "A.2.2": 5, "A.2.3": 4, "A.2.4": 0, "A.3.2": 1, "A.3.3": 2}
    policy = Readiness(clause_weights={"4": 2}, area_weights={"A.2": 0.5})
    groups, overall, calculation = readiness(ratings, CONTENT, policy)
    by = {g.group: g for g in groups}
    assert [g.group for g in groups] == ["4", "5", "A.2", "A.3"]
    assert (by["4"].mean_maturity, by["4"].readiness, by["4"].weight) == (2.0, 0.4, 2.0)
    assert (by["5"].readiness, by["A.2"].readiness, by["A.2"].weight, by["A.3"].readiness) == (0.6, 0.6, 0.5, 0.3)
    assert overall == pytest.approx(10 / 4.5 / 5, abs=1e-4) and overall == 0.4444
    assert by["4"].calculation == "(0 + 1 + 2 + 5) / 4 = 2.00; 2.00 / 5 = 40.0%"
    assert calculation == "(2 × 2.00 + 1 × 3.00 + 0.5 × 3.00 + 1 × 1.50) / 4.5 = 2.22; / 5 = 44.4%"


def test_all_zero_and_all_five_are_0_and_100_percent():
    every = requirement_ids(CONTENT) + CONTENT.control_ids()
    assert readiness({i: 0 for i in every}, CONTENT, Readiness())[1] == 0.0
    groups, overall, _ = readiness({i: 5 for i in every}, CONTENT, Readiness())
    assert overall == 1.0 and len(groups) == 16 and all(g.readiness == 1.0 for g in groups)


def _rating(item: str, maturity: int, notes: str = "") -> Rating:
    return Rating(item=item, maturity=maturity, notes=notes)


def test_gaps_rank_clauses_before_controls_then_by_size_then_in_order():
    ratings = [_rating("A.5.5", 0), _rating("9.3.3", 2), _rating("7.2", 1), _rating("4.1", 1), _rating("A.2.2", 2),
               _rating("6.3", 3), _rating("A.8.3", 0), _rating("10.2", 5)]
    plan = [PlannedAction(id="P1", item="7.2", action="train", owner="priya", start_date=date(2027, 1, 1),
                          due_date=date(2027, 2, 1))]
    gaps = rank_gaps(ratings, CONTENT, 3, plan, {"7.2": ["missing: Evidence of competence"]})
    assert [g.item for g in gaps] == ["4.1", "7.2", "9.3.3", "A.5.5", "A.8.3", "A.2.2"]
    assert [g.rank for g in gaps] == [1, 2, 3, 4, 5, 6] and [g.gap for g in gaps] == [2, 2, 1, 3, 3, 1]
    flagged = {g.item: g.documented_information for g in gaps}
    assert flagged == {"4.1": False, "7.2": True, "9.3.3": True, "A.5.5": False, "A.8.3": False, "A.2.2": False}
    seven = gaps[1]
    assert seven.actions == ["P1"] and seven.register_flags == ["missing: Evidence of competence"]
    assert seven.kind == "clause" and gaps[3].kind == "control" and gaps[3].group == "A.5"


def test_no_gap_at_or_above_target():
    assert rank_gaps([_rating("4.1", 3), _rating("A.2.2", 5)], CONTENT, 3, []) == []


def test_progress_against_a_previous_analysis():
    groups, overall, _ = readiness({"4.1": 4, "4.2": 4, "A.2.2": 1}, CONTENT, Readiness())
    previous = {"run_id": "gap-1", "results": {"overall": 0.3, "groups": [{"group": "4", "readiness": 0.5}]}}
    rows = {p.group: p for p in progress(groups, overall, previous)}
    assert (rows["4"].before, rows["4"].after, rows["4"].change) == (0.5, 0.8, 0.3)
    assert (rows["A.2"].before, rows["A.2"].change) == (None, None)
    assert rows["overall"].before == 0.3 and rows["overall"].change == pytest.approx(overall - 0.3)
    assert all(p.before is None for p in progress(groups, overall, None))


@pytest.fixture
def gap_data() -> dict:
    return copy.deepcopy(gap_answers(CONTENT, date(2026, 11, 27), {}))


def test_demo_answers_are_valid(workspace, gap_data):
    request = build_request(workspace, "gap-analysis", "", gap_data, assessor="priya")
    assert request.system.id == "organisation" and len(request.answers.ratings) == 70


@pytest.mark.parametrize("change, field, message", [
    (lambda d: d["ratings"].pop(8), "ratings", "missing: 6.1.2"),
    (lambda d: d["ratings"].append({"item": "A.11.1", "maturity": 2}), "ratings", "unknown items A.11.1"),
    (lambda d: d["ratings"].append(dict(d["ratings"][0])), "ratings", "more than once: 4.1"),
    (lambda d: d["ratings"][0].update(maturity=6), "ratings[0].maturity", "must be at most 5"),
    (lambda d: d["actions"][0].update(item="6.1"), "actions", "unknown: P1 (6.1)"),
    (lambda d: d["actions"][0].update(owner="mallory"), "actions[0].owner", "unknown person"),
    (lambda d: d["actions"][0].update(due_date="2020-01-01"), "actions[0]", "is before start_date"),
    (lambda d: d["actions"].append(dict(d["actions"][0])), "actions", "repeated: P1"),
])
def test_bad_answers_name_the_field(workspace, gap_data, change, field, message):
    change(gap_data)
    with pytest.raises(InputError) as err:
        build_request(workspace, "gap-analysis", "", gap_data, assessor="priya")
    problem = err.value.problems[0]
    assert problem.field in (field, "(answers)") and message in problem.message


def test_cited_evidence_must_be_archived(workspace, gap_data):
    gap_data["ratings"][0]["evidence"] = ["ra-20990101T000000Z-000000"]
    with pytest.raises(InputError, match=r"ratings\[0\]\.evidence\[0\]: is not an archived evidence id"):
        build_request(workspace, "gap-analysis", "", gap_data, assessor="priya")


def test_only_the_aims_manager_runs_it(workspace, gap_data):
    with pytest.raises(InputError, match="does not hold the aims_manager role; people who do: priya"):
        build_request(workspace, "gap-analysis", "", gap_data, assessor="tomas")


def test_workspace_without_a_readiness_section_loads_the_defaults(workspace):
    path = workspace.root / CONFIG_FILE
    data = yaml.safe_load(path.read_text())
    assert data["readiness"]["clause_weights"]["6"] == 3  # mandatory clauses weigh more than Annex A areas
    del data["readiness"]
    path.write_text(yaml.safe_dump(data))
    config = record(workspace.root).config
    assert [m.level for m in config.readiness.maturity] == [0, 1, 2, 3, 4, 5]
    assert config.readiness == Readiness() and config.readiness.weight("6") == 3  # the defaults init writes


@pytest.mark.parametrize("bad, message", [
    ({"maturity": [{"level": i, "label": "x", "definition": "y"} for i in (0, 1, 2, 3, 5, 4)]}, "in order"),
    ({"clause_weights": {"6": -1}}, "weight of '6' must be 0 to 100"),
    ({"target": 0}, "greater than or equal to 1"),
])
def test_bad_readiness_configuration(bad, message):
    with pytest.raises(ValueError, match=message):
        Readiness.model_validate(bad)


def test_charts_draw_the_target_and_the_plan_from_start_to_due():
    from workbench.processes.gap_analysis.charts import plan_timeline, readiness_bars

    groups, _, _ = readiness({"4.1": 2, "5.1": 4}, CONTENT, Readiness())
    bars = readiness_bars(groups, "Readiness by clause", 3).figure
    assert bars["data"][0]["x"] == [40.0, 80.0] and bars["layout"]["shapes"][0]["x0"] == 60
    plan = [PlannedAction(id="P1", item="7.2", action="<b>train</b>", owner="priya", start_date=date(2027, 1, 1),
                          due_date=date(2027, 1, 10))]
    timeline = plan_timeline(plan).figure["data"][0]
    assert timeline["base"] == ["2027-01-01"] and timeline["x"] == [10 * 86_400_000]
    assert timeline["y"] == ["P1 7.2"] and timeline["customdata"][0][0] == "&lt;b&gt;train&lt;/b&gt;"

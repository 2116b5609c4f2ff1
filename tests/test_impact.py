"""Impact assessment scoring, classification and answers, against cases worked out by hand."""

from __future__ import annotations

import copy

import pytest
import yaml

from workbench.config import configuration_model, default_configuration
from workbench.processes.impact_assessment.settings import ImpactCriteria
from workbench.content import load_content
from workbench.processes.impact_assessment.questionnaire import Questionnaire, load_questionnaire, questionnaire_of
from workbench.exceptions import InputError, WorkspaceError
from workbench.processes.impact_assessment.assessment import (ImpactAssessmentAnswers, classify, impact_score, question_results, section_scores)
from workbench.demo.impact_data import ANSWERS
from workbench.pipeline.request import build_request
from workbench.validate import model_from

# A small questionnaire whose numbers are easy to follow by hand:
# impact: q1 single max 4, q2 multi max 1+2 = 3, q3 single max 3 shown only when q1 is 'high';
# mitigation: m1 single max 5, m2 multi max 2+3 = 5.
SMALL = {
    "sections": [{"id": "a", "title": "Impacts", "element": "6.8"},
                 {"id": "b", "title": "Measures", "element": "6.9"}],
    "questions": [
        {"id": "q1", "section": "a", "text": "Severity", "kind": "impact", "type": "single",
         "options": [{"id": "low", "text": "Low", "weight": 1}, {"id": "high", "text": "High", "weight": 4}]},
        {"id": "q2", "section": "a", "text": "Groups", "kind": "impact", "type": "multi",
         "options": [{"id": "x", "text": "X", "weight": 1}, {"id": "y", "text": "Y", "weight": 2}]},
        {"id": "q3", "section": "a", "text": "Reversibility", "kind": "impact", "type": "single",
         "condition": {"question": "q1", "in": ["high"]},
         "options": [{"id": "yes", "text": "Yes", "weight": 0}, {"id": "no", "text": "No", "weight": 3}]},
        {"id": "m1", "section": "b", "text": "Oversight", "kind": "mitigation", "type": "single",
         "options": [{"id": "none", "text": "None", "weight": 0}, {"id": "some", "text": "Some", "weight": 3},
                     {"id": "full", "text": "Full", "weight": 5}]},
        {"id": "m2", "section": "b", "text": "Tests", "kind": "mitigation", "type": "multi",
         "options": [{"id": "t1", "text": "T1", "weight": 2}, {"id": "t2", "text": "T2", "weight": 3}]},
        {"id": "note", "section": "b", "text": "Notes", "kind": "info", "type": "text"},
    ],
}


def score(responses: dict, **criteria):
    q = Questionnaire.model_validate(SMALL)
    results = question_results(q, responses)
    sections = section_scores(q, results)
    return impact_score(sections, ImpactCriteria(**criteria)), sections, results


def test_hidden_conditional_question_counts_toward_neither_score_nor_maximum():
    # q1 low (1) + q2 x,y (3) = 4; q3 hidden: max = 4 + 3 = 7, not 10
    s, sections, results = score({"q1": "low", "q2": ["x", "y"], "q3": "no", "m1": "none"})
    assert (s.raw, s.raw_max) == (4, 7)
    assert not next(r for r in results if r.id == "q3").visible
    assert (sections[0].questions, sections[0].answered) == (2, 2)
    # 4 > 0.5 x 7 = 3.5 and 4 <= 0.75 x 7 = 5.25: level III
    assert s.level == "III" and s.current == 4


def test_shown_conditional_question_counts():
    s, sections, _ = score({"q1": "high", "q2": ["y"], "q3": "no", "m1": "none"})
    # 4 + 2 + 3 = 9 of 4 + 3 + 3 = 10; 9 > 7.5: level IV
    assert (s.raw, s.raw_max, s.current, s.level) == (9, 10, 9, "IV")
    assert (sections[0].questions, sections[0].answered, sections[0].impact_score, sections[0].impact_max) == (3, 3, 9, 10)


def test_mitigation_exactly_at_the_threshold_earns_the_deduction():
    # mitigation max 10; 0.8 x 10 = 8; m1 some (3) + m2 t1,t2 (5) = 8 >= 8
    s, _, _ = score({"q1": "high", "q2": ["x", "y"], "q3": "no", "m1": "some", "m2": ["t1", "t2"]})
    assert (s.raw, s.mitigation, s.mitigation_max) == (10, 8, 10)
    assert s.deduction_applied
    # round(0.85 x 10) = round(8.5) = 9 (half up); 9 > 0.75 x 10: level IV
    assert (s.current, s.level) == (9, "IV")
    assert "current = round(0.85 × 10) = 9" in s.calculation[2]


def test_mitigation_one_below_the_threshold_earns_no_deduction():
    s, _, _ = score({"q1": "high", "q2": ["x", "y"], "q3": "no", "m1": "none", "m2": ["t1", "t2"]})
    assert (s.mitigation, s.deduction_applied, s.current) == (5, False, 10)
    s, _, _ = score({"q1": "high", "q2": ["x", "y"], "q3": "no", "m1": "some", "m2": ["t2"]})
    assert (s.mitigation, s.deduction_applied, s.current) == (6, False, 10)


def test_deduction_can_lower_the_level():
    # raw 6 of 10: level III (6 > 5); with the deduction round(0.85 x 6) = round(5.1) = 5: level II
    high, _, _ = score({"q1": "high", "q2": ["y"], "q3": "yes", "m1": "none"})
    high_mitigated, _, _ = score({"q1": "high", "q2": ["y"], "q3": "yes", "m1": "full", "m2": ["t2"]})
    assert (high.raw, high.level) == (6, "III")
    assert (high_mitigated.mitigation, high_mitigated.current, high_mitigated.level) == (8, 5, "II")


def test_configured_thresholds_are_used():
    s, _, _ = score({"q1": "high", "q2": ["y"], "q3": "yes", "m1": "some"}, mitigation_threshold=0.3,
                    deduction=0.5, cutoffs=[0.1, 0.2, 0.9])
    # mitigation 3 >= 0.3 x 10; current = round(0.5 x 6) = 3; 3 > 0.2 x 10 and <= 9: level III
    assert (s.current, s.level, s.bounds) == (3, "III", {"I": 1.0, "II": 2.0, "III": 9.0, "IV": 10.0})


def test_unanswered_questions_count_toward_the_maximum():
    s, sections, _ = score({})
    assert (s.raw, s.raw_max, s.mitigation_max, s.level) == (0, 7, 10, "I")
    assert sections[0].answered == 0


def test_info_questions_are_not_scored():
    _, sections, results = score({"note": "free text"})
    note = next(r for r in results if r.id == "note")
    assert (note.score, note.maximum, note.answer_text) == (0, 0, ["free text"])
    assert sections[1].questions == 2


def test_demo_levels_worked_by_hand():
    # cv-screening: autonomy 3, misuse 3, personal data 2, adapted model 1, no explanations 2, thousands 1,
    # employees + non-users 2, rights 4, economic 3, health 2, hard to reverse 3, years 3 = 29 of 44;
    # mitigation: dpia no 0, representative no 0, sample 1, contest 0, fairness 0, notice 0, monitoring partly 1 = 2
    pack = load_content()
    answers = model_from(ImpactAssessmentAnswers, ANSWERS["cv-screening"], {"content": pack})
    results = question_results(load_questionnaire(), answers.responses)
    s = impact_score(section_scores(load_questionnaire(), results), ImpactCriteria())
    assert (s.raw, s.raw_max, s.mitigation, s.mitigation_max, s.current, s.level) == (29, 44, 2, 18, 29, "III")


# classification --------------------------------------------------------------------------------


def classification(**responses):
    base = {"eu-annex-iii": "none", "eu-deployer": "private"}
    return classify(load_questionnaire(), question_results(load_questionnaire(), {**base, **responses}))


@pytest.mark.parametrize("responses, category, annex, fria", [
    ({"eu-prohibited": ["social-scoring"], "eu-annex-iii": "credit"}, "prohibited", "5(b)", False),
    ({"eu-annex-iii": "credit"}, "high-risk", "5(b)", True),
    ({"eu-annex-iii": "insurance"}, "high-risk", "5(c)", True),
    ({"eu-annex-iii": "employment"}, "high-risk", "4", False),
    ({"eu-annex-iii": "employment", "eu-deployer": "public-body"}, "high-risk", "4", True),
    ({"eu-annex-iii": "education", "eu-deployer": "public-service"}, "high-risk", "3", True),
    ({"eu-annex-iii": "critical-infrastructure", "eu-deployer": "public-body"}, "high-risk", "2", False),
    ({"eu-transparency": ["interacts"]}, "transparency", "", False),
    ({"eu-transparency": ["interacts"], "eu-deployer": "public-body"}, "transparency", "", False),
    ({}, "minimal", "", False),
])
def test_classification(responses, category, annex, fria):
    c = classification(**responses)
    assert (c.category, c.annex_iii, c.fria_required) == (category, annex, fria)
    assert c.reason and c.fria_reason


def test_prohibited_reason_names_the_article():
    c = classification(**{"eu-prohibited": ["social-scoring", "face-scraping"]})
    assert "Art. 5(1)(c)" in c.reason and "Art. 5(1)(e)" in c.reason
    assert "excluded" in classification(**{"eu-annex-iii": "critical-infrastructure",
                                           "eu-deployer": "public-body"}).fria_reason


def test_high_risk_with_transparency_lists_both():
    c = classification(**{"eu-annex-iii": "employment", "eu-transparency": ["interacts"]})
    assert c.category == "high-risk" and c.transparency == ["Art. 50(1) (People interact directly with the system)"]
    assert "Transparency duties also apply" in c.reason


# answers -----------------------------------------------------------------------------------------


def problems(workspace, answers) -> list:
    with pytest.raises(InputError) as err:
        build_request(workspace, "impact-assessment", "cv-screening", answers, assessor="tomas")
    return err.value.problems


@pytest.fixture
def impact_answers() -> dict:
    answers = copy.deepcopy(ANSWERS["cv-screening"])
    del answers["fairness"]
    return answers


def test_valid_answers_build_a_request(workspace, impact_answers):
    request = build_request(workspace, "impact-assessment", "cv-screening", impact_answers, assessor="tomas")
    assert request.answers.responses["eu-annex-iii"] == "employment"


@pytest.mark.parametrize("change, message", [
    ({"system-autonomy": "sometimes"}, "question system-autonomy: 'sometimes' is not an option; allowed: information"),
    ({"parties-affected": ["children", "robots"]}, "question parties-affected: 'robots' is not an option"),
    ({"parties-affected": "children"}, "question parties-affected takes a list of distinct options"),
    ({"no-such-question": "x"}, "unknown question 'no-such-question'"),
])
def test_bad_answers_name_question_value_and_options(workspace, impact_answers, change, message):
    impact_answers["responses"].update(change)
    found = problems(workspace, impact_answers)
    assert found[0].field == "responses" and message in found[0].message


def test_required_question_must_be_answered_when_shown(workspace, impact_answers):
    del impact_answers["responses"]["eu-annex-iii"]
    assert "question eu-annex-iii" in problems(workspace, impact_answers)[0].message
    assert "is required" in problems(workspace, impact_answers)[0].message


def test_hidden_question_need_not_be_answered(workspace, impact_answers):
    impact_answers["responses"]["data-personal"] = "none"
    del impact_answers["responses"]["data-dpia"]
    build_request(workspace, "impact-assessment", "cv-screening", impact_answers, assessor="tomas")


# configuration and content --------------------------------------------------------------------


def test_a_workspace_without_impact_criteria_loads_the_defaults():
    data = default_configuration("Acme")
    del data["impact_criteria"]
    config = configuration_model().model_validate(data)
    assert config.impact_criteria == ImpactCriteria()
    assert config.impact_criteria.fairness.demographic_parity_ratio_min == 0.8
    assert set(config.impact_criteria.measures) == {"I", "II", "III", "IV"}


@pytest.mark.parametrize("change, message", [
    ({"cutoffs": [0.5, 0.25, 0.75]}, "cutoffs must rise strictly"),
    ({"cutoffs": [0.25, 0.5, 1.0]}, "cutoffs must rise strictly"),
    ({"measures": {"I": ["x"]}}, "missing II, III, IV"),
])
def test_incoherent_impact_criteria_are_refused(change, message):
    with pytest.raises(InputError, match=message):
        model_from(ImpactCriteria, {**ImpactCriteria().model_dump(), **change})


def test_workspace_questionnaire_override(workspace, impact_answers):
    (workspace.root / "content").mkdir()
    (workspace.root / "content" / "impact_questionnaire.yaml").write_text(yaml.safe_dump({"questionnaire": SMALL}))
    from workbench.workspace import Workspace

    ws = Workspace(workspace.root)
    assert [q.id for q in questionnaire_of(ws).questions][:3] == ["q1", "q2", "q3"]
    request = build_request(ws, "impact-assessment", "cv-screening", {"responses": {"q1": "high", "q3": "no"}},
                            assessor="tomas")
    assert request.answers.responses == {"q1": "high", "q3": "no"}


@pytest.mark.parametrize("edit, message", [
    (lambda q: q["questions"][2]["condition"].update({"question": "m1"}), "condition must name an earlier"),
    (lambda q: q["questions"][2]["condition"].update({"in": ["extreme"]}), "unknown options ['extreme']"),
    (lambda q: q["questions"][0].update({"section": "z"}), "unknown section 'z'"),
    (lambda q: q["questions"][5].update({"kind": "impact"}), "note is a text question"),
    (lambda q: q["questions"][1].update({"id": "q1"}), "duplicate id 'q1'"),
])
def test_invalid_questionnaire_names_the_file_and_question(tmp_path, edit, message):
    bad = copy.deepcopy(SMALL)
    edit(bad)
    (tmp_path / "impact_questionnaire.yaml").write_text(yaml.safe_dump({"questionnaire": bad}))
    with pytest.raises(WorkspaceError) as err:
        load_questionnaire(tmp_path)
    assert "impact_questionnaire.yaml" in str(err.value) and message in str(err.value)


def test_shipped_questionnaire_covers_the_42005_elements():
    q = load_questionnaire()
    assert [s.element for s in q.sections] == ["6.2", "6.3.1-6.3.2", "6.3.3-6.3.5", "6.3.4", "6.4", "6.5", "6.6",
                                                "6.7", "6.8", "6.9"]
    assert any(question.condition for question in q.questions)
    assert {question.kind for question in q.questions} == {"impact", "mitigation", "info"}


def test_schema_lists_the_question_ids_for_editors():
    import json

    from click.testing import CliRunner

    from workbench.cli import main

    result = CliRunner().invoke(main, ["schema", "impact-assessment"])
    assert result.exit_code == 0
    responses = json.loads(result.stdout)["properties"]["responses"]
    assert responses["propertyNames"]["enum"] == [q.id for q in load_questionnaire().questions]

"""The impact assessment form, driven from Python on the real widget objects."""

from __future__ import annotations

import ipywidgets as w
import pytest

from workbench.demo.impact_data import ANSWERS, write_predictions
from workbench.processes.impact_assessment.form import ImpactAssessmentForm
from workbench.processes.impact_assessment.questionnaire import questionnaire_of
from workbench.ui.fields import Checklist


def fill(form: ImpactAssessmentForm, answers: dict) -> None:
    """Answer question by question, as a person would."""
    for key, value in answers["responses"].items():
        form.part("responses").questions[key].widget.value = tuple(value) if isinstance(value, list) else value
    for key, value in (answers.get("fairness") or {}).items():
        form.part("fairness").fields[key].widget.value = "\n".join(value) if isinstance(value, list) else value


@pytest.fixture
def form(workspace) -> ImpactAssessmentForm:
    write_predictions(workspace.root, "cv-screening")
    return ImpactAssessmentForm(workspace, system_id="cv-screening", assessor="tomas")


def test_form_has_a_field_per_question_with_required_marks(form, workspace):
    questionnaire = questionnaire_of(workspace)
    questions = form.part("responses").questions
    assert list(questions) == [q.id for q in questionnaire.questions]
    assert questions["eu-annex-iii"].widget.description.endswith(" *")
    assert not questions["eu-transparency"].widget.description.endswith(" *")
    assert isinstance(questions["parties-affected"].widget, Checklist)
    assert isinstance(questions["system-autonomy"].widget, w.Dropdown)
    assert isinstance(questions["impacts-benefits"].widget, w.Textarea)


def test_conditional_question_appears_only_when_its_condition_holds(form):
    questions = form.part("responses").questions
    dpia = questions["data-dpia"]
    assert dpia.box.layout.display == "none"
    questions["data-personal"].widget.value = "special"
    assert dpia.box.layout.display == ""
    dpia.widget.value = "yes"
    assert form.answers()["responses"]["data-dpia"] == "yes"
    questions["data-personal"].widget.value = "none"
    assert dpia.box.layout.display == "none"
    assert "data-dpia" not in form.answers()["responses"]


def test_level_preview_follows_the_answers(form):
    fill(form, ANSWERS["cv-screening"])
    level = form.part("responses").level.value
    assert "Impact level so far: <strong>III</strong>" in level
    assert "raw impact score = 29 of a maximum 44" in level


def test_required_questions_are_marked_on_submit(form):
    questions = form.part("responses").questions
    assert form.validate() == 0 and not questions["eu-annex-iii"].problem  # a new form is not a page of errors
    assert form.submit() is None
    assert questions["eu-annex-iii"].problem and "is required" in questions["eu-annex-iii"].problem
    assert questions["data-dpia"].problem == ""  # hidden: not required


def test_complete_answers_validate_and_match_the_answers_file(form):
    fill(form, ANSWERS["cv-screening"])
    assert form.validate() == 0
    assert form.answers() == ANSWERS["cv-screening"]


def test_bad_dataset_is_shown_next_to_the_predictions_field(form):
    fill(form, ANSWERS["cv-screening"])
    fairness = form.part("fairness").fields
    fairness["label"].widget.value = "hired"
    assert form.validate() == 1
    assert "column &#39;hired&#39; is missing" in fairness["predictions"].problem
    assert form.submit() is None
    assert "Not submitted" in form.outcome.value


def test_a_missing_predictions_file_stays_shown_while_other_fairness_fields_change(form):
    fill(form, ANSWERS["cv-screening"])
    fairness = form.part("fairness").fields
    fairness["predictions"].value = "data/nowhere.csv"  # restored from a draft: not touched
    assert form.submit() is None
    assert "no such file in the workspace" in fairness["predictions"].problem
    assert "no such file in the workspace" in form.outcome.value and "1 problem(s) shown" in form.summary.value
    fairness["score"].widget.value = "score"  # the group re-checks with the answers, file and all
    assert "no such file in the workspace" in fairness["predictions"].problem
    assert "1 problem(s) shown" in form.summary.value
    fairness["predictions"].widget.value = ANSWERS["cv-screening"]["fairness"]["predictions"]
    assert fairness["predictions"].problem == "" and "problem" not in form.summary.value


def test_draft_is_saved_and_restored(form, workspace):
    fill(form, ANSWERS["cv-screening"])
    again = ImpactAssessmentForm(workspace, system_id="cv-screening", assessor="tomas")
    assert again.answers() == ANSWERS["cv-screening"]
    assert again.part("responses").questions["data-dpia"].box.layout.display == ""


@pytest.mark.kernel
def test_submit_runs_the_pipeline_and_links_the_evidence(form, workspace):
    fill(form, ANSWERS["cv-screening"])
    form.submit_button.click()
    assert "Archived" in form.outcome.value
    records = workspace.register.evidence_list(process="impact-assessment")
    assert len(records) == 1 and records[0]["system_id"] == "cv-screening"
    rows = workspace.frame("impact_assessments")
    assert rows[["level", "raw", "current", "max", "fairness_breaches"]].values.tolist() == [["III", 29, 29, 44, 3]]

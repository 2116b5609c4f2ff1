"""The impact assessment form: the questionnaire section by section, conditional questions shown
only when they apply, the impact level as you answer, and the predictions dataset to measure."""

from __future__ import annotations

import re

import ipywidgets as w
from markupsafe import escape

from workbench.exceptions import Problem
from workbench.processes.impact_assessment.assessment import check_answer, impact_score, question_results, section_scores, visible
from workbench.processes.impact_assessment.questionnaire import questionnaire_of
from workbench.ui.builder import Spec
from workbench.ui.fields import REQUIRED, Field, Part, choice, many, text
from workbench.ui.form import ProcessForm

QUESTION = re.compile(r"^question ([A-Za-z0-9_.-]+)")


class Questionnaire(Part):
    """The ``responses``: a question per input, from the workspace's questionnaire rather than the model."""

    def __init__(self, form: ProcessForm):
        self.form = form
        self.questionnaire = questionnaire_of(form.workspace)
        self.questions: dict[str, Field] = {}
        children = []
        for section in self.questionnaire.sections:
            children.append(w.HTML(f"<h4>{escape(section.element)} {escape(section.title)}</h4>"))
            for q in (q for q in self.questionnaire.questions if q.section == section.id):
                self.questions[q.id] = field = self._field(q)
                field.on_change(self.edited)
                children.append(field.box)
        self.level = w.HTML()
        self.box = w.VBox([*children, self.level])

    @staticmethod
    def _field(q) -> Field:
        if q.type == "text":
            return text(q.id, q.text, required=q.required, area=True)
        options = [(o.text, o.id) for o in q.options]
        return choice(q.id, q.text, options, required=q.required) if q.type == "single" else many(q.id, q.text, options)

    def edited(self) -> None:
        """Show or hide conditional questions, preview the level, tell the form."""
        if not self.form.drafts.paused:
            self.refresh()
            self.place([])
            self.form.changed("responses")

    def refresh(self) -> None:
        raw = {k: f.value for k, f in self.questions.items()}
        for q in self.questionnaire.questions:
            self.questions[q.id].box.layout.display = "" if visible(self.questionnaire, raw, q) else "none"
        results = question_results(self.questionnaire, self.value)
        score = impact_score(section_scores(self.questionnaire, results), self.form.workspace.config.impact_criteria)
        self.level.value = (f"<p>Impact level so far: <strong>{escape(score.level)}</strong> "
                            f"({escape('; '.join(score.calculation[:3]))}).</p>")

    @property
    def value(self) -> dict:
        """The answers of the questions that are shown, empty ones left out."""
        raw = {k: f.value for k, f in self.questions.items()}
        return {q.id: raw[q.id] for q in self.questionnaire.questions
                if raw[q.id] not in (None, "") and (q.type != "text" or raw[q.id].strip())
                and visible(self.questionnaire, raw, q)}

    def load(self, value: dict) -> None:
        for key, answer in (value or {}).items():
            if key in self.questions:
                self.questions[key].value = answer
        self.refresh()

    def clear(self) -> None:
        for field in self.questions.values():
            field.clear()
        self.refresh()

    def inputs(self) -> list[Field]:
        return list(self.questions.values())

    def place(self, problems: list[Problem]) -> None:
        """Check every shown question; add the problems that name one."""
        named = {}
        for p in problems:
            found = QUESTION.match(p.message)
            if found:
                named[found.group(1)] = p.message
        raw = {k: f.value for k, f in self.questions.items()}
        for q in self.questionnaire.questions:
            message, value = named.get(q.id, ""), raw[q.id]
            if visible(self.questionnaire, raw, q) and not message:
                if q.required and value in (None, "", []):
                    message = REQUIRED
                elif value not in (None, "", []):
                    try:
                        check_answer(q, value)
                    except ValueError as err:
                        message = str(err)
            self.questions[q.id].show(message)

    def count(self) -> int:
        return sum(f.count() for f in self.questions.values())


class ImpactAssessmentForm(ProcessForm):
    """The widget form of the AI system impact assessment for one system."""

    process = "impact-assessment"
    body_title = "Questionnaire"
    custom = {
        "responses": Questionnaire,
        "fairness": Spec("Measured fairness", overflow="predictions"),
        "fairness.predictions": Spec("Predictions file (CSV or Parquet, relative to the workspace)"),
        "fairness.sensitive_features": Spec("Sensitive attribute columns"),
        "fairness.label": Spec("True label column", value="label"),
        "fairness.prediction": Spec("Predicted label column", value="prediction"),
        "fairness.score": Spec("Score column (optional)"),
    }

"""The impact assessment form: the questionnaire section by section, conditional questions shown
only when they apply, the impact level as you answer, and the predictions dataset to measure."""

from __future__ import annotations

import re

import ipywidgets as w
from pydantic import ValidationError

from workbench.ui.display import esc
from workbench.processes.impact_assessment.fairness import FairnessSpec, load_predictions
from workbench.processes.impact_assessment.questionnaire import questionnaire_of
from workbench.ui.form import Field, ProcessForm, choice, many, show_problems, tags, text
from workbench.processes.impact_assessment.assessment import check_answer, impact_score, question_results, section_scores, visible
from workbench.validate import problems_from

PROCESS = "impact-assessment"
QUESTION = re.compile(r"^question ([A-Za-z0-9_.-]+)")


class ImpactAssessmentForm(ProcessForm):
    """The widget form of the AI system impact assessment for one system.

    Parameters
    ----------
    workspace : Workspace
        Where drafts are saved and evidence is archived.
    system_id, period, assessor : str
        Values to start with (from the template's parameters).
    """

    process = PROCESS
    body_title = "Questionnaire"

    def build(self) -> list[w.Widget]:
        self.questionnaire = questionnaire_of(self.workspace)
        self.questions: dict[str, Field] = {}
        children = []
        for section in self.questionnaire.sections:
            children.append(w.HTML(f"<h4>{esc(section.element)} {esc(section.title)}</h4>"))
            for q in (q for q in self.questionnaire.questions if q.section == section.id):
                field = self._field(q)
                field.widget.observe(lambda _c: self.changed(), names="value")
                self.questions[q.id] = field
                children.append(field.box)
        self.fairness: dict[str, Field] = {f.key: f for f in (
            text("predictions", "Predictions file (CSV or Parquet, relative to the workspace)"),
            tags("sensitive_features", "Sensitive attribute columns"),
            text("label", "True label column", value="label"),
            text("prediction", "Predicted label column", value="prediction"),
            text("score", "Score column (optional)"),
        )}
        for field in self.fairness.values():
            field.widget.observe(lambda _c: self.changed(), names="value")
        self.level = w.HTML()
        return [*children, w.HTML("<h4>Measured fairness</h4>"), *[f.box for f in self.fairness.values()],
                self.level]

    @staticmethod
    def _field(q) -> Field:
        label = q.text
        if q.type == "text":
            return text(q.id, label, required=q.required, area=True)
        options = [(o.text, o.id) for o in q.options]
        if q.type == "single":
            return choice(q.id, label, options, required=q.required)
        return many(q.id, label, options)

    def responses(self) -> dict:
        """The answers of the questions that are shown, empty ones left out."""
        raw = {k: f.value for k, f in self.questions.items()}
        return {q.id: raw[q.id] for q in self.questionnaire.questions
                if raw[q.id] not in (None, "") and (q.type != "text" or raw[q.id].strip())
                and visible(self.questionnaire, raw, q)}

    def answers(self) -> dict:
        data: dict = {"responses": self.responses()}
        if self.fairness["predictions"].value:
            data["fairness"] = {k: f.value for k, f in self.fairness.items()}
        return data

    def clear(self) -> None:
        for field in self.questions.values():
            field.value = [] if isinstance(field.widget, w.SelectMultiple) else None if isinstance(
                field.widget, w.Dropdown) else ""
        for key, field in self.fairness.items():
            field.value = {"label": "label", "prediction": "prediction", "sensitive_features": []}.get(key, "")

    def load(self, data: dict) -> None:
        for key, value in (data.get("responses") or {}).items():
            if key in self.questions:
                self.questions[key].value = value
        for key, value in (data.get("fairness") or {}).items():
            if key in self.fairness:
                self.fairness[key].value = value
        self._show_conditions()

    def _show_conditions(self) -> None:
        raw = {k: f.value for k, f in self.questions.items()}
        for q in self.questionnaire.questions:
            self.questions[q.id].box.layout.display = "" if visible(self.questionnaire, raw, q) else "none"

    def changed(self) -> None:
        """React to any edit: show or hide conditional questions, preview the level, save the draft."""
        if self.drafts.paused:
            return
        self._show_conditions()
        self._preview()
        super().changed()

    def _preview(self) -> None:
        responses = self.responses()
        results = question_results(self.questionnaire, responses)
        score = impact_score(section_scores(self.questionnaire, results), self.workspace.config.impact_criteria)
        self.level.value = (f"<p>Impact level so far: <strong>{esc(score.level)}</strong> "
                            f"({esc('; '.join(score.calculation[:3]))}).</p>")

    def fields(self) -> list[Field]:
        return super().fields() + list(self.questions.values()) + list(self.fairness.values())

    def validate_body(self) -> int:
        raw = {k: f.value for k, f in self.questions.items()}
        count = 0
        for q in self.questionnaire.questions:
            field, value = self.questions[q.id], raw[q.id]
            message = ""
            if visible(self.questionnaire, raw, q):
                if q.required and value in (None, "", []):
                    message = "is required"
                elif value not in (None, "", []):
                    try:
                        check_answer(q, value)
                    except ValueError as err:
                        message = str(err)
            field.show(message)
            count += bool(message)
        return count + self._validate_fairness()

    def _validate_fairness(self) -> int:
        data = self.answers().get("fairness")
        if data is None:
            show_problems(self.fairness, [])
            return 0
        try:
            spec = FairnessSpec.model_validate(data)
        except ValidationError as err:
            problems = problems_from(err)
            show_problems(self.fairness, problems)
            return len(problems)
        try:
            load_predictions(self.workspace, spec)
        except ValueError as err:
            show_problems(self.fairness, [])
            self.fairness["predictions"].show(str(err))
            return 1
        show_problems(self.fairness, [])
        return 0

    def place(self, problems: list) -> list:
        rest = []
        for p in problems:
            found = QUESTION.match(p.message) if p.field == "responses" else None
            if found and found.group(1) in self.questions:
                self.questions[found.group(1)].show(p.message)
            elif p.field == "fairness":
                self.fairness["predictions"].show(p.message)
            else:
                rest.append(p)
        return show_problems(self.fairness, rest, prefix="fairness.")

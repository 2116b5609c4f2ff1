"""The risk assessment form: add, edit and remove risks, validated as the person types."""

from __future__ import annotations

import ipywidgets as w
from pydantic import ValidationError

from workbench.ui.display import esc
from workbench.ui.form import Field, ProcessForm, choice, day, many, show_problems, tags, text
from workbench.processes.risk_assessment.assessment import TREATMENTS, Risk
from workbench.validate import problems_from

PROCESS = "risk-assessment"


class RiskEditor:
    """The fields of one risk, with a Remove button."""

    def __init__(self, form: "RiskAssessmentForm", risk_id: str):
        ws = form.workspace
        content, criteria = ws.content, ws.config.risk_criteria
        people = [(f"{p.name} ({p.id})", p.id) for p in ws.config.people]
        likelihood = [(f"{s.level} {s.label}", s.level) for s in criteria.likelihood]
        impact = [(f"{s.level} {s.label}", s.level) for s in criteria.impact]
        controls = [(f"{c.id} {c.title}", c.id) for c in content.controls]
        self.fields: dict[str, Field] = {f.key: f for f in (
            text("id", "Risk ID", required=True, value=risk_id),
            text("title", "Title", required=True),
            text("description", "Description", required=True, area=True),
            choice("risk_source", "Risk source (Annex C)", required=True,
                   options=[(f"{s.id} {s.title}", s.id) for s in content.risk_sources] + [("other", "other")]),
            many("objectives", "AI objectives at stake", [(f"{o.id} {o.title}", o.id) for o in content.objectives]),
            tags("affected_parties", "Affected parties", required=True, suggestions=form.stakeholders),
            choice("inherent_likelihood", "Inherent likelihood", likelihood, required=True),
            choice("inherent_impact", "Inherent impact", impact, required=True),
            many("existing_controls", "Existing controls (Annex A)", controls),
            choice("treatment", "Treatment", [(t, t) for t in TREATMENTS], required=True),
            many("planned_controls", "Planned controls (Annex A)", controls),
            choice("residual_likelihood", "Residual likelihood", likelihood, required=True),
            choice("residual_impact", "Residual impact", impact, required=True),
            choice("owner", "Risk owner", people, required=True),
            day("due_date", "Due date", required=True),
            text("rationale", "Rationale", area=True),
        )}
        self.level = w.HTML()
        self.remove = w.Button(description="Remove this risk", icon="trash", button_style="warning",
                               tooltip="Remove this risk from the assessment")
        self.box = w.VBox([f.box for f in self.fields.values()] + [self.level, self.remove])
        for field in self.fields.values():
            field.widget.observe(lambda _change: form.changed(self), names="value")

    @property
    def title(self) -> str:
        return f"{self.fields['id'].value or '?'}: {self.fields['title'].value or '(untitled)'}"

    def data(self) -> dict:
        """The raw answers for this risk; empty fields are left out so 'is required' is reported."""
        return {k: f.value for k, f in self.fields.items() if f.value not in (None, "", [])
                or k in ("objectives", "existing_controls", "planned_controls")}

    def load(self, data: dict) -> None:
        for key, value in data.items():
            if key in self.fields:
                self.fields[key].value = value

    def validate(self, context: dict) -> list:
        """Validate this risk alone; show each message next to its field; return the problems."""
        try:
            risk = Risk.model_validate(self.data(), context=context)
        except ValidationError as err:
            problems = problems_from(err)
            rest = show_problems(self.fields, problems)
            self.level.value = "".join(f'<p role="alert" style="color:#b00020">{esc(p.message)}</p>' for p in rest)
            return problems
        show_problems(self.fields, [])
        criteria = context["workspace"].config.risk_criteria
        inherent = criteria.level(risk.inherent_likelihood, risk.inherent_impact)
        residual = criteria.level(risk.residual_likelihood, risk.residual_impact)
        warn = " (above appetite)" if criteria.above_appetite(residual.band) else ""
        self.level.value = (f"<p>Inherent: {esc(inherent.calculation)}. "
                            f"Residual: {esc(residual.calculation)}{esc(warn)}.</p>")
        return []


class RiskAssessmentForm(ProcessForm):
    """The widget form of the AI risk assessment for one system.

    Parameters
    ----------
    workspace : Workspace
        Where drafts are saved and evidence is archived.
    system_id, period, assessor : str
        Values to start with (from the template's parameters).
    """

    process = PROCESS
    body_title = "Risks"

    def build(self) -> list[w.Widget]:
        self.scope = text("scope", "Scope of the assessment", required=True, area=True)
        self.scope.widget.observe(lambda _c: self.changed(), names="value")
        self.risks: list[RiskEditor] = []
        self.accordion = w.Accordion()
        self.add = w.Button(description="Add risk", icon="plus", button_style="info")
        self.add.on_click(lambda _b: self.add_risk())
        return [self.scope.box, self.accordion, self.add]

    @property
    def stakeholders(self) -> list[str]:
        return list(self.system.affected_stakeholders) if self.system else []

    def add_risk(self, data: dict | None = None) -> RiskEditor:
        """Append a risk editor, filled from ``data`` if given."""
        editor = RiskEditor(self, self._next_id())
        editor.remove.on_click(lambda _b: self.remove_risk(editor))
        self.risks.append(editor)
        if data:
            self.drafts.paused, paused = True, self.drafts.paused
            editor.load(data)
            self.drafts.paused = paused
        self._refresh_accordion()
        self.accordion.selected_index = len(self.risks) - 1
        self.changed(editor)
        return editor

    def remove_risk(self, editor: RiskEditor) -> None:
        """Remove one risk from the form."""
        self.risks.remove(editor)
        self._refresh_accordion()
        self.changed()

    def _next_id(self) -> str:
        used = {e.fields["id"].value for e in self.risks}
        n = len(self.risks) + 1
        while f"R{n}" in used:
            n += 1
        return f"R{n}"

    def _refresh_accordion(self) -> None:
        self.accordion.children = [e.box for e in self.risks]
        for i, editor in enumerate(self.risks):
            self.accordion.set_title(i, editor.title)

    def answers(self) -> dict:
        return {"scope": self.scope.value, "risks": [e.data() for e in self.risks]}

    def clear(self) -> None:
        self.risks.clear()
        self.scope.value = ""
        self._refresh_accordion()

    def load(self, data: dict) -> None:
        if data.get("scope"):
            self.scope.value = data["scope"]
        for risk in data.get("risks", []):
            self.add_risk(risk)
        if not self.risks and self.system_id:
            self.add_risk()
        self._refresh_accordion()

    def changed(self, editor: RiskEditor | None = None) -> None:
        """React to any edit: validate the risk that changed, then save the draft."""
        if self.drafts.paused:
            return
        if editor is not None and editor in self.risks:
            editor.validate(self.context)
            self.accordion.set_title(self.risks.index(editor), editor.title)
        super().changed()

    def fields(self) -> list[Field]:
        return super().fields() + [self.scope] + [f for e in self.risks for f in e.fields.values()]

    def summarise(self) -> None:
        bad = sum(1 for e in self.risks if any(f.problem for f in e.fields.values()) or e.level.value.startswith("<p role"))
        self.summary.value = (f"<p>{len(self.risks)} risk(s); "
                              + (f'<span style="color:#b00020">{bad} with problems</span>' if bad else "no problems shown")
                              + "</p>")

    def validate_body(self) -> int:
        self.scope.show("" if self.scope.value else "is required")
        return sum(len(e.validate(self.context)) for e in self.risks) + (not self.scope.value)

    def place(self, problems: list) -> list:
        rest = show_problems({"scope": self.scope}, problems)
        for i, editor in enumerate(self.risks):
            rest = show_problems(editor.fields, rest, prefix=f"risks[{i}].")
        return rest

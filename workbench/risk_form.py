"""The risk assessment form: add, edit and remove risks, validated as the person types."""

from __future__ import annotations

import ipywidgets as w
from pydantic import ValidationError

from .display import esc
from .exceptions import InputError
from .form import DraftKeeper, Field, choice, day, many, show_problems, submit_outcome, tags, text
from .pipeline import execute_request
from .request import build_request, current_user
from .risk import TREATMENTS, Risk
from .validate import problems_from

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
        criteria = context["criteria"]
        inherent = criteria.level(risk.inherent_likelihood, risk.inherent_impact)
        residual = criteria.level(risk.residual_likelihood, risk.residual_impact)
        warn = " (above appetite)" if criteria.above_appetite(residual.band) else ""
        self.level.value = (f"<p>Inherent: {esc(inherent.calculation)}. "
                            f"Residual: {esc(residual.calculation)}{esc(warn)}.</p>")
        return []


class RiskAssessmentForm:
    """The widget form of the AI risk assessment for one system.

    Parameters
    ----------
    workspace : Workspace
        Where drafts are saved and evidence is archived.
    system_id, period, assessor : str
        Values to start with (from the template's parameters).
    """

    def __init__(self, workspace, system_id: str = "", period: str = "", assessor: str = ""):
        self.workspace = workspace
        self.context = workspace.validation_context()
        systems = workspace.register.systems()
        self.stakeholders: list[str] = []
        self.status = w.HTML()
        self.drafts = DraftKeeper(workspace, PROCESS, self.status)
        assessors = [(f"{p.name} ({p.id})", p.id) for p in workspace.config.people_with("assessor")]
        self.header: dict[str, Field] = {f.key: f for f in (
            choice("system", "AI system", [(f"{s.name} ({s.id})", s.id) for s in systems], required=True),
            choice("assessor", "Assessor", assessors, required=True),
            text("period", "Period (e.g. 2026-Q4)", value=period),
            day("effective_date", "Effective date"),
            text("scope", "Scope of the assessment", required=True, area=True),
        )}
        self.risks: list[RiskEditor] = []
        self.accordion = w.Accordion()
        self.add = w.Button(description="Add risk", icon="plus", button_style="info")
        self.add.on_click(lambda _b: self.add_risk())
        self.submit_button = w.Button(description="Submit", icon="check", button_style="success",
                                      tooltip="Validate, run headless on a clean kernel, archive the evidence")
        self.submit_button.on_click(lambda _b: self.submit())
        self.progress = w.IntProgress(value=0, min=0, max=3, description="Progress", layout=w.Layout(visibility="hidden"))
        self.outcome = w.HTML()
        self.summary = w.HTML()
        self.widget = w.VBox([
            w.HTML("<h3>1. Assessment</h3><p><small>Fields marked * are required.</small></p>"),
            *[f.box for f in self.header.values()],
            w.HTML("<h3>2. Risks</h3>"), self.accordion, self.add,
            w.HTML("<h3>3. Submit</h3>"), self.summary, self.submit_button, self.progress, self.outcome,
            self.status,
        ])
        if assessor in dict((v, k) for k, v in assessors):
            self.header["assessor"].value = assessor
        elif current_user() in [v for _, v in assessors]:
            self.header["assessor"].value = current_user()
        for key, field in self.header.items():
            field.widget.observe(self._system_changed if key == "system" else (lambda _c: self.changed()),
                                 names="value")
        if system_id in [s.id for s in systems]:
            self.header["system"].value = system_id

    # building

    def show(self) -> None:
        """Display the form in the notebook."""
        from IPython.display import display

        display(self.widget)

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

    # state

    @property
    def system_id(self) -> str:
        return self.header["system"].value or ""

    def answers(self) -> dict:
        """The answers as typed so far (not yet validated)."""
        return {"scope": self.header["scope"].value, "risks": [e.data() for e in self.risks]}

    def state(self) -> dict:
        """Everything the draft keeps: header fields and answers."""
        return {"assessor": self.header["assessor"].value, "period": self.header["period"].value,
                "effective_date": self.header["effective_date"].value, **self.answers()}

    def _system_changed(self, _change=None) -> None:
        self.drafts.paused = True
        try:
            for editor in list(self.risks):
                self.risks.remove(editor)
            system = next((s for s in self.workspace.register.systems() if s.id == self.system_id), None)
            self.stakeholders = list(system.affected_stakeholders) if system else []
            draft = self.drafts.load(self.system_id) or {}
            for key in ("assessor", "period", "effective_date", "scope"):
                if draft.get(key):
                    self.header[key].value = draft[key]
            for risk in draft.get("risks", []):
                self.add_risk(risk)
            if not self.risks and self.system_id:
                self.add_risk()
            self._refresh_accordion()
        finally:
            self.drafts.paused = False
        self.validate()

    def changed(self, editor: RiskEditor | None = None) -> None:
        """React to any edit: validate what changed and save the draft."""
        if self.drafts.paused:
            return
        if editor is not None and editor in self.risks:
            editor.validate(self.context)
            self.accordion.set_title(self.risks.index(editor), editor.title)
        self._summarise()
        self.drafts.save(self.system_id, self.state())

    def validate(self) -> int:
        """Validate every field; return how many problems are shown."""
        count = sum(len(e.validate(self.context)) for e in self.risks)
        header_problems = []
        if not self.system_id:
            header_problems.append(("system", "is required"))
        if not self.header["assessor"].value:
            header_problems.append(("assessor", "is required"))
        if not self.header["scope"].value:
            header_problems.append(("scope", "is required"))
        for key, field in self.header.items():
            field.show(next((m for k, m in header_problems if k == key), ""))
        self._summarise()
        return count + len(header_problems)

    def _summarise(self) -> None:
        bad = sum(1 for e in self.risks if any(f.problem for f in e.fields.values()) or e.level.value.startswith("<p role"))
        self.summary.value = (f"<p>{len(self.risks)} risk(s); "
                              + (f'<span style="color:#b00020">{bad} with problems</span>' if bad else "no problems shown")
                              + "</p>")

    # submit

    def submit(self):
        """Validate everything, then run, render and archive through the same pipeline as the CLI.

        Returns the archived evidence, or ``None`` when the input had problems or the run failed.
        """
        self.outcome.value = ""
        self.progress.layout.visibility = "visible"
        self.progress.value = 1
        self.progress.description = "Validating"
        effective = self.header["effective_date"].value or ""
        try:
            request = build_request(self.workspace, PROCESS, self.system_id, self.answers(),
                                    period=self.header["period"].value, assessor=self.header["assessor"].value or "",
                                    effective_date=effective)
        except InputError as err:
            self._place(err)
            self.progress.layout.visibility = "hidden"
            self.outcome.value = submit_outcome(error=err)
            return None
        self.progress.value, self.progress.description = 2, "Running"
        self.submit_button.disabled = True
        try:
            evidence = execute_request(self.workspace, request)
        except Exception as err:  # shown to the person; the failed run is already recorded
            self.outcome.value = submit_outcome(error=err)
            return None
        finally:
            self.submit_button.disabled = False
            self.progress.layout.visibility = "hidden"
        self.progress.value, self.progress.description = 3, "Archived"
        self.outcome.value = submit_outcome(evidence)
        return evidence

    def _place(self, err: InputError) -> None:
        rest = show_problems({"scope": self.header["scope"]}, err.problems)
        header = {"system": "system", "period": "period", "assessor": "assessor", "effective_date": "effective_date"}
        for i, editor in enumerate(self.risks):
            rest = show_problems(editor.fields, rest, prefix=f"risks[{i}].")
        for p in rest:
            if p.field in header:
                self.header[header[p.field]].show(p.message)
        self._summarise()

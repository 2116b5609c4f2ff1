"""Form machinery shared by every process: labelled fields with their validation messages,
drafts saved as the person types, and a Submit that runs the same pipeline as the scheduler.

Widgets only collect input; the record is always the clean headless run that Submit starts.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from workbench.ui.display import esc
from workbench.ui.drafts import load_draft, save_draft
from workbench.exceptions import InputError, Problem, RunError

LABEL_WIDTH = "190px"
REQUIRED = "is required"
WIDE = w.Layout(width="95%")


class Field:
    """One labelled input with its validation message right below it.

    Parameters
    ----------
    key : str
        Name of the answers field the input fills.
    widget : ipywidgets.ValueWidget
        The input; its ``description`` becomes the label a screen reader announces.
    label : str
        Human label; required fields get " *".
    required : bool
        Whether the field must be filled.
    convert : callable, optional
        Turns the widget's value into the answers value (default: as is).
    """

    def __init__(self, key: str, widget: w.ValueWidget, label: str, required: bool = False,
                 convert: Callable[[Any], Any] | None = None, restore: Callable[[Any], Any] | None = None):
        self.key = key
        self.widget = widget
        self.required = required
        self._convert = convert or (lambda v: v)
        self._restore = restore or (lambda v: v)
        widget.description = f"{label} *" if required else label
        widget.description_allow_html = False
        widget.style = {"description_width": LABEL_WIDTH}
        if not isinstance(widget, (w.Checkbox,)):
            widget.layout = WIDE
        self.text = ""
        self.message = w.HTML(value="", layout=w.Layout(margin=f"0 0 6px {LABEL_WIDTH}"))
        self.box = w.VBox([widget, self.message])

    @property
    def value(self) -> Any:
        return self._convert(self.widget.value)

    @value.setter
    def value(self, value: Any) -> None:
        try:
            self.widget.value = self._restore(value)
        except Exception:  # a draft from an older form: leave the field empty rather than fail
            pass

    @property
    def filled(self) -> bool:
        """Whether the field holds a value (an empty text, list or choice does not count)."""
        return self.value not in (None, "", [], ())

    def show(self, message: str) -> None:
        """Show a validation message next to the field (empty clears it)."""
        self.text = message
        self.message.value = f'<span role="alert" style="color:#b00020">{esc(message)}</span>' if message else ""

    @property
    def problem(self) -> str:
        return self.message.value


def text(key: str, label: str, required: bool = False, area: bool = False, value: str = "") -> Field:
    """A text field; ``area`` for long text."""
    widget = (w.Textarea if area else w.Text)(value=value, continuous_update=True)
    if area:
        widget.rows = 3
    return Field(key, widget, label, required)


def choice(key: str, label: str, options: list[tuple[str, Any]], required: bool = False) -> Field:
    """A drop-down; the first option is an empty '(choose)' entry."""
    widget = w.Dropdown(options=[("(choose)", None)] + options, value=None)
    return Field(key, widget, label, required)


def many(key: str, label: str, options: list[tuple[str, str]]) -> Field:
    """A multiple choice of known IDs (control IDs, objectives)."""
    widget = w.SelectMultiple(options=options, value=(), rows=min(6, len(options)))
    return Field(key, widget, label, convert=list, restore=lambda v: tuple(v or ()))


def tags(key: str, label: str, required: bool = False, suggestions: list[str] = ()) -> Field:
    """Free-text items typed one by one (press Enter after each)."""
    widget = w.TagsInput(value=[], allowed_tags=[], allow_duplicates=False)
    field = Field(key, widget, label, required, convert=list, restore=lambda v: list(v or []))
    if suggestions:
        field.message.value = ""
        widget.placeholder = "type and press Enter, e.g. " + ", ".join(suggestions[:3])
    return field


def day(key: str, label: str, required: bool = False) -> Field:
    """A date picker; answers carry ISO dates."""
    widget = w.DatePicker(value=None)
    return Field(key, widget, label, required,
                 convert=lambda v: v.isoformat() if isinstance(v, date) else v,
                 restore=lambda v: date.fromisoformat(v) if isinstance(v, str) and v else None)


def show_problems(fields: dict[str, Field], problems: list[Problem], prefix: str = "") -> list[Problem]:
    """Put each problem next to its field; return the problems no field here owns."""
    messages: dict[str, list[str]] = {}
    rest = []
    for p in problems:
        key = p.field.removeprefix(prefix).split(".")[0].split("[")[0]
        if p.field.startswith(prefix) and key in fields:
            messages.setdefault(key, []).append(p.message)
        else:
            rest.append(p)
    for key, field in fields.items():
        field.show("; ".join(messages.get(key, [])))
    return rest


def relative_link(target: Path) -> str:
    """A link to ``target`` relative to the kernel's folder, which JupyterLab opens in a new tab."""
    try:
        href = os.path.relpath(target, Path.cwd())
    except ValueError:
        href = str(target)
    return f'<a href="{esc(href)}" target="_blank" rel="noopener">{esc(target.name)}</a>'


class ItemFields:
    """Mixin for the editor of one item of a list (a checklist item, a control, a planned action):
    its fields load from a dict and validate together against ``model``; problems that no field
    owns show under the field named ``overflow``. The editor provides ``fields``, and ``data()``
    when its answers are more than its filled fields."""

    model: type
    overflow = ""
    fields: dict[str, Field]

    def filled(self, empty: tuple = (None, "")) -> dict:
        """The values of the fields that are not empty (left out, a required one reports 'is required')."""
        return {k: f.value for k, f in self.fields.items() if f.value not in empty}

    def data(self) -> dict:
        return self.filled()

    def load(self, data: dict) -> None:
        for key, field in self.fields.items():
            if key in data:
                field.value = data[key]

    def validate(self, context: dict) -> list[Problem]:
        """Validate this item alone; show each message next to its field; return the problems."""
        from pydantic import ValidationError

        from workbench.validate import problems_from

        try:
            self.model.model_validate(self.data(), context=context)
        except ValidationError as err:
            problems = problems_from(err)
            rest = show_problems(self.fields, problems)
            if rest and self.overflow:
                self.fields[self.overflow].show("; ".join(p.message for p in rest))
            return problems
        show_problems(self.fields, [])
        return []


class DraftKeeper:
    """Saves a form's state under drafts/<process>/<key>.json whenever it changes."""

    def __init__(self, workspace, process: str, status: w.HTML):
        self.workspace = workspace
        self.process = process
        self.status = status
        self.paused = False

    def save(self, key: str, data: dict) -> None:
        if self.paused or not key:
            return
        saved = save_draft(self.workspace, self.process, key, data)
        self.status.value = f"<small>Draft saved {saved.astimezone():%H:%M:%S} in the workspace.</small>"

    def load(self, key: str) -> dict | None:
        found = load_draft(self.workspace, self.process, key) if key else None
        if found:
            self.status.value = f"<small>Draft from {esc(found[1])} restored.</small>"
            return found[0]
        self.status.value = "<small>No draft yet: it is saved as you type.</small>"
        return None


def evidence_choices(workspace) -> list[tuple[str, str]]:
    """The archived evidence a form can cite, as dropdown options (failed runs left out)."""
    return [(f"{r['run_id']} ({r['process']}, {r['system_id']})", r["run_id"])
            for r in workspace.register.evidence_list() if r["status"] != "failed"]


def submit_outcome(evidence=None, error: Exception | None = None) -> str:
    """The message shown after Submit: a link to the evidence, or what went wrong."""
    if evidence is not None:
        return (f'<p style="color:#1b5e20"><strong>Archived</strong> as <code>{esc(evidence.run_id)}</code>. '
                f"Open the evidence: {relative_link(evidence.html)}</p>")
    if isinstance(error, InputError):
        return f'<p role="alert" style="color:#b00020">Not submitted: {len(error.problems)} problem(s); see the messages next to the fields.</p>'
    if isinstance(error, RunError):
        return (f'<p role="alert" style="color:#b00020">The run failed: {esc(error.ename)}: {esc(error.evalue)}. '
                f"The partial notebook is kept at <code>{esc(error.notebook_path)}</code>.</p>")
    return f'<p role="alert" style="color:#b00020">Not submitted: {esc(error)}</p>'


class ProcessForm:
    """The frame every process form shares: who, which system (and which item of it), when; the
    process's own body; drafts saved as the person types; and Submit through the same pipeline as the CLI.

    A subclass sets ``process`` and ``body_title`` and implements :meth:`build`,
    :meth:`answers`, :meth:`load`, :meth:`clear`, :meth:`validate_body` and :meth:`place`. A form
    that serves any process takes its name as ``process`` instead.
    """

    process = ""
    body_title = "Answers"

    def __init__(self, workspace, system_id: str = "", period: str = "", assessor: str = "", item_id: str = "",
                 process: str = ""):
        from workbench.pipeline.request import current_user

        from workbench.processes import get_process
        from workbench.systems import ORGANISATION

        self.process = process or self.process
        self.workspace = workspace
        self.context = workspace.validation_context()
        self.systems = {s.id: s for s in workspace.register.systems()}
        self.status = w.HTML()
        self.drafts = DraftKeeper(workspace, self.process, self.status)
        proc = get_process(self.process)
        role, self.item_kind = proc.role, proc.item_kind
        assessors = [(f"{p.name} ({p.id})", p.id) for p in workspace.config.people_with(role)]
        if proc.subject == "organisation":
            subjects = [(f"{workspace.config.organisation.name} (organisation-wide)", ORGANISATION)]
            system_id = ORGANISATION
        else:
            subjects = [(f"{s.name} ({s.id})", s.id) for s in self.systems.values()]
        items = [choice("item", self.item_kind.replace("-", " ").capitalize(), [], required=True)
                 ] if proc.subject == "item" else []
        self.header: dict[str, Field] = {f.key: f for f in (
            choice("system", "AI system" if role == "assessor" else "Subject", subjects, required=True),
            *items,
            choice("assessor", role.replace("_", " ").capitalize(), assessors, required=True),
            text("period", "Period (e.g. 2026-Q4)", value=period),
            day("effective_date", "Effective date"),
        )}
        self.submit_button = w.Button(description="Submit", icon="check", button_style="success",
                                      tooltip="Validate, run headless on a clean kernel, archive the evidence")
        self.submit_button.on_click(lambda _b: self.submit())
        self.progress = w.IntProgress(value=0, min=0, max=3, description="Progress",
                                      layout=w.Layout(visibility="hidden"))
        self.outcome = w.HTML()
        self.summary = w.HTML()
        body = self.build()
        self.widget = w.VBox([
            w.HTML("<h3>1. Assessment</h3><p><small>Fields marked * are required.</small></p>"),
            *[f.box for f in self.header.values()],
            w.HTML(f"<h3>2. {esc(self.body_title)}</h3>"), *body,
            w.HTML("<h3>3. Submit</h3>"), self.summary, self.submit_button, self.progress, self.outcome,
            self.status,
        ])
        who = assessor or current_user()
        if who in [v for _, v in assessors]:
            self.header["assessor"].value = who
        reactions = {"system": self._system_changed, "item": self._subject_changed}
        for key, field in self.header.items():
            field.widget.observe(reactions.get(key, lambda _c: self.changed()), names="value")
        if system_id in [value for _, value in subjects]:
            self.header["system"].value = system_id
        if items and item_id in [value for _, value in self.header["item"].widget.options]:
            self.header["item"].value = item_id

    # hooks for the process

    def build(self) -> list[w.Widget]:
        """Create the body's widgets (section 2)."""
        raise NotImplementedError

    def answers(self) -> dict:
        """The answers as typed so far (not yet validated)."""
        raise NotImplementedError

    def load(self, data: dict) -> None:
        """Fill the body from a draft's answers."""
        raise NotImplementedError

    def clear(self) -> None:
        """Empty the body (another system was chosen)."""
        raise NotImplementedError

    def validate_body(self) -> int:
        """Validate the body field by field; return how many problems are shown."""
        raise NotImplementedError

    def place(self, problems: list[Problem]) -> list[Problem]:
        """Show answer problems next to their fields; return those that belong to no field."""
        raise NotImplementedError

    # shared behaviour

    def show(self) -> None:
        """Display the form in the notebook."""
        from IPython.display import display

        display(self.widget)

    @property
    def system_id(self) -> str:
        return self.header["system"].value or ""

    @property
    def system(self):
        return self.systems.get(self.system_id)

    @property
    def item_id(self) -> str:
        """The item of the system the record is about (empty for a process about the system itself)."""
        return (self.header["item"].value or "") if "item" in self.header else ""

    @property
    def draft_key(self) -> str:
        """Whose draft this is: the system, or ``system/item`` (empty until the item is chosen)."""
        if "item" not in self.header:
            return self.system_id
        return f"{self.system_id}/{self.item_id}" if self.system_id and self.item_id else ""

    def state(self) -> dict:
        """Everything the draft keeps: header fields and answers."""
        return {"assessor": self.header["assessor"].value, "period": self.header["period"].value,
                "effective_date": self.header["effective_date"].value, **self.answers()}

    def _system_changed(self, _change=None) -> None:
        if "item" in self.header:
            items = self.workspace.register.items(self.system_id, self.item_kind) if self.system_id else []
            self.drafts.paused = True  # the item resets with its options: load the subject once, below
            try:
                self.header["item"].widget.options = [("(choose)", None)] + [(f"{i.name} ({i.id})", i.id)
                                                                             for i in items]
            finally:
                self.drafts.paused = False
        self._subject_changed()

    def _subject_changed(self, _change=None) -> None:
        if self.drafts.paused:
            return
        self.drafts.paused = True
        try:
            self.clear()
            draft = self.drafts.load(self.draft_key) or {}
            for key in ("assessor", "period", "effective_date"):
                if draft.get(key):
                    self.header[key].value = draft[key]
            self.load(draft)
        finally:
            self.drafts.paused = False
        self.validate()

    def changed(self, editor: ItemFields | None = None) -> None:
        """React to any edit: validate the item ``editor`` that changed (if one did), clear 'is required'
        from fields now filled, refresh the summary, save the draft."""
        if self.drafts.paused:
            return
        if editor is not None:
            editor.validate(self.context)
        for field in self.fields():
            if field.text == REQUIRED and field.filled:
                field.show("")
        self.summarise()
        self.drafts.save(self.draft_key, self.state())

    def summarise(self) -> None:
        """Refresh the line above Submit."""
        bad = sum(1 for f in self.fields() if f.problem)
        self.summary.value = ("<p>" + (f'<span style="color:#b00020">{bad} field(s) with problems</span>'
                                       if bad else "No problems shown.") + "</p>")

    def fields(self) -> list[Field]:
        """Every field of the form."""
        return list(self.header.values())

    def validate(self) -> int:
        """Validate every field; return how many problems are shown."""
        count = self.validate_body()
        for key in ("system", "item", "assessor"):
            if key not in self.header:
                continue
            missing = not self.header[key].value
            self.header[key].show(REQUIRED if missing else "")
            count += missing
        self.summarise()
        return count

    def submit(self):
        """Validate everything, then run, render and archive through the same pipeline as the CLI.

        Returns the archived evidence, or ``None`` when the input had problems or the run failed.
        """
        from workbench.pipeline.run import execute_request
        from workbench.pipeline.request import build_request

        self.outcome.value = ""
        self.progress.layout.visibility = "visible"
        self.progress.value, self.progress.description = 1, "Validating"
        try:
            request = build_request(self.workspace, self.process, self.system_id, self.answers(),
                                    period=self.header["period"].value,
                                    assessor=self.header["assessor"].value or "",
                                    effective_date=self.header["effective_date"].value or "", item_id=self.item_id)
        except InputError as err:
            for p in self.place(err.problems):
                if p.field in self.header:
                    self.header[p.field].show(p.message)
            self.summarise()
            self.progress.layout.visibility = "hidden"
            self.outcome.value = submit_outcome(error=err)
            return None
        self.progress.value, self.progress.description = 2, "Running"
        self.submit_button.disabled = True
        try:
            evidence = execute_request(self.workspace, request)
        except Exception as err:  # shown to the person; a failed run is already recorded
            self.outcome.value = submit_outcome(error=err)
            return None
        finally:
            self.submit_button.disabled = False
            self.progress.layout.visibility = "hidden"
        self.progress.value, self.progress.description = 3, "Archived"
        self.outcome.value = submit_outcome(evidence)
        return evidence

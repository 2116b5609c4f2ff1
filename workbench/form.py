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

from .display import esc
from .drafts import load_draft, save_draft
from .exceptions import InputError, Problem, RunError

LABEL_WIDTH = "190px"
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

    def show(self, message: str) -> None:
        """Show a validation message next to the field (empty clears it)."""
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

"""Labelled inputs: one widget with its label above it and its validation message below it.

The label is the widget's ``description``, which ipywidgets ties to the input, so a screen
reader announces it; a required field's label ends in " *".
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

import ipywidgets as w
import yaml
from markupsafe import escape

from workbench.exceptions import Problem
from workbench.validate import safe_load

REQUIRED = "is required"
WIDE = w.Layout(width="95%")
SEARCHED = 7  # a multiple choice this long gets a search box


# in a form (class aims-form), an input of class aims-stacked has its label above it, free to wrap
STYLE = """<style>
.aims-form .aims-stacked { flex-direction: column; align-items: stretch; height: auto; }
.aims-form .aims-stacked > select { flex: 0 0 auto; }
.aims-form .aims-stacked > select:not([multiple]) { height: var(--jp-widgets-inline-height); }
.aims-form .widget-label { width: auto !important; max-width: 100%; text-align: left; white-space: normal;
  overflow: visible; height: auto; line-height: 1.4; margin: 4px 0 2px 0; }
</style>"""


def stack(widget: w.DOMWidget) -> None:
    """Put the widget's label above its input."""
    widget.style = {"description_width": "initial"}
    widget.layout = w.Layout(width="95%")
    widget.add_class("aims-stacked")


def alert(message: str) -> str:
    """A validation message that a screen reader announces (empty for no message)."""
    return f'<span role="alert" style="color:#b00020">{escape(message)}</span>' if message else ""


def starred(label: str, required: bool) -> str:
    """The label as shown: a required field's ends in " *"."""
    return f"{label} *" if required else label


class Part:
    """What one answers field shows in a form: its widgets in ``box``, its value, its messages.

    Problems reach a part with their paths relative to it: ``title`` for a field of an item,
    ``[2].title`` for an item of a list, ``""`` for the part itself.
    """

    box: w.Widget

    @property
    def value(self) -> Any:
        """What the part adds to the answers (None: nothing)."""
        raise NotImplementedError

    def load(self, value: Any) -> None:
        """Show ``value`` (from a draft or an earlier record)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Go back to the state of a new form."""
        raise NotImplementedError

    def inputs(self) -> list["Field"]:
        """Every labelled input of the part."""
        raise NotImplementedError

    def place(self, problems: list[Problem]) -> None:
        """Show each problem next to its input; clear the messages of the inputs without one."""
        raise NotImplementedError

    def count(self) -> int:
        """How many validation messages the part shows."""
        raise NotImplementedError

    def summary(self) -> str:
        """A few words for the line above Submit ("3 risk(s)"), or nothing."""
        return ""


class Field(Part):
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
    convert, restore : callable, optional
        Turn the widget's value into the answers value and back (default: as is).
    """

    def __init__(self, key: str, widget: w.ValueWidget, label: str, required: bool = False,
                 convert: Callable[[Any], Any] | None = None, restore: Callable[[Any], Any] | None = None):
        self.key = key
        self.widget = widget
        self.label = label
        self.required = required
        self._convert = convert or (lambda v: v)
        self._restore = restore or (lambda v: v)
        widget.description = starred(label, required)
        widget.description_allow_html = False
        if isinstance(widget, w.Checkbox):
            widget.indent = False
        else:
            stack(widget)
        self.text = ""
        self.message = w.HTML(value="", layout=w.Layout(margin="0 0 6px 0"))
        self.box = w.VBox([widget, self.message])
        self.initial = self.value
        self.settling = False
        self._listeners: list[Callable[[], None]] = []
        widget.observe(self._changed, names="value")

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` whenever the person changes the value."""
        self._listeners.append(callback)

    def _changed(self, _change) -> None:
        if not self.settling:
            for callback in self._listeners:
                callback()

    @property
    def value(self) -> Any:
        return self._convert(self.widget.value)

    @value.setter
    def value(self, value: Any) -> None:
        try:
            self.widget.value = self._restore(value)
        except Exception:  # a draft from an older form: leave the field as it is rather than fail
            pass

    @property
    def filled(self) -> bool:
        """Whether the field holds a value (an empty text, list or choice does not count)."""
        return self.value not in (None, "", [], ())

    def show(self, message: str) -> None:
        """Show a validation message next to the field (empty clears it)."""
        self.text = message
        self.message.value = alert(message)

    @property
    def problem(self) -> str:
        return self.message.value

    def describe(self, hint: str) -> None:
        """Show ``hint`` (what the field means) right below the input."""
        children = list(self.box.children)
        children.insert(children.index(self.widget) + 1, w.HTML(f"<small>{escape(hint)}</small>"))
        self.box.children = children

    def relabel(self, label: str) -> None:
        """Show ``label`` instead of the one the field was made with."""
        self.widget.description = starred(label, self.required)

    def load(self, value: Any) -> None:
        self.value = value

    def clear(self) -> None:
        self.value = self.initial

    def inputs(self) -> list["Field"]:
        return [self]

    def place(self, problems: list[Problem]) -> None:
        self.show("; ".join(dict.fromkeys(p.message for p in problems)))

    def count(self) -> int:
        return int(bool(self.text))


def text(key: str, label: str, required: bool = False, area: bool = False, value: str = "") -> Field:
    """A text field; ``area`` for long text."""
    widget = (w.Textarea if area else w.Text)(value=value, continuous_update=True)
    if area:
        widget.rows = 3
    return Field(key, widget, label, required)


def number(key: str, label: str, required: bool = False, low: float | None = None, high: float | None = None,
           whole: bool = True) -> Field:
    """A number field, bounded by ``low`` and ``high`` when they are given."""
    if low is None or high is None:
        widget = (w.IntText if whole else w.FloatText)(value=low or 0)
    else:
        widget = (w.BoundedIntText if whole else w.BoundedFloatText)(value=low, min=low, max=high)
    return Field(key, widget, label, required)


def check(key: str, label: str) -> Field:
    """A checkbox."""
    return Field(key, w.Checkbox(value=False), label)


def choice(key: str, label: str, options: list[tuple[str, Any]], required: bool = False) -> Field:
    """A drop-down; the first option is an empty '(choose)' entry."""
    widget = w.Dropdown(options=[("(choose)", None)] + list(options), value=None)
    return Field(key, widget, label, required)


def many(key: str, label: str, options: list[tuple[str, Any]], required: bool = False) -> Field:
    """A multiple choice of known IDs (control IDs, objectives, evidence); a long list gets a
    search box above it."""
    options = list(options)
    widget = w.SelectMultiple(options=options, value=(), rows=min(6, len(options)) or 1)
    field = Field(key, widget, label, required, convert=list, restore=lambda v: tuple(v or ()))
    if len(options) >= SEARCHED:
        field.box.children = (search_box(field, options), *field.box.children)
    return field


def search_box(field: Field, options: list[tuple[str, Any]]) -> w.Text:
    """A box that narrows a multiple choice to the options whose text holds what is typed,
    keeping the chosen ones."""
    search = w.Text(value="", placeholder="type part of an id or title", description=f"Search: {field.label}")
    stack(search)

    def narrow(change) -> None:
        needle, chosen = change["new"].strip().lower(), field.widget.value
        field.settling = True  # the chosen values leave and come back: not a change
        try:
            field.widget.options = [o for o in options if needle in o[0].lower() or o[1] in chosen]
            field.widget.value = chosen
        finally:
            field.settling = False

    search.observe(narrow, names="value")
    return search


def tags(key: str, label: str, required: bool = False, suggestions: list[str] = ()) -> Field:
    """Free-text items typed one by one (press Enter after each)."""
    widget = w.TagsInput(value=[], allowed_tags=[], allow_duplicates=False)
    shown = starred(label, required)
    hint = "type and press Enter after each" + (", e.g. " + ", ".join(suggestions[:3]) if suggestions else "")
    widget.placeholder = f"{shown}: {hint}"  # the input's accessible name: the tags widget draws no label
    field = Field(key, widget, label, required, convert=list, restore=lambda v: list(v or []))
    field.box.children = (w.HTML(f'<div class="widget-label">{escape(shown)}</div>'), *field.box.children)
    return field


def yaml_text(key: str, label: str, required: bool = False) -> Field:
    """Any other value, written as YAML (a mapping, a list of records)."""
    def parsed(value: str) -> Any:
        try:
            return safe_load(value) if value.strip() else None
        except yaml.YAMLError:
            return value  # the answers model names what is wrong with it

    return Field(key, w.Textarea(placeholder="YAML", rows=4), f"{label} (YAML)", required, convert=parsed,
                 restore=lambda v: "" if v is None else yaml.safe_dump(v, sort_keys=False))


def day(key: str, label: str, required: bool = False) -> Field:
    """A date picker; answers carry ISO dates."""
    widget = w.DatePicker(value=None)
    return Field(key, widget, label, required,
                 convert=lambda v: v.isoformat() if isinstance(v, date) else v,
                 restore=lambda v: date.fromisoformat(v) if isinstance(v, str) and v else v)

"""Labelled inputs: one widget with its label above it and its validation message below it.

The label is the widget's ``description``, which ipywidgets ties to the input, so a screen
reader announces it; a required field's label ends in " *". A field's message shows once the
person changed the field, or pressed Submit: a new form is not a page of errors.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

import ipywidgets as w
import traitlets
import yaml
from markupsafe import escape

from workbench.exceptions import Problem
from workbench.validate import safe_load

REQUIRED = "is required"
WIDE = w.Layout(width="95%")
SEARCHED = 7  # a multiple choice this long is searched and picked rather than ticked


# in a form (class aims-form), an input of class aims-stacked has its label above it, free to wrap
STYLE = """<style>
.aims-form .aims-stacked { flex-direction: column; align-items: stretch; height: auto; }
.aims-form .aims-stacked > select { flex: 0 0 auto; }
.aims-form .aims-stacked > select:not([multiple]) { height: var(--jp-widgets-inline-height); }
.aims-form .widget-label, .aims-form .widget-checkbox label { width: auto !important; max-width: 100%;
  text-align: left; white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important; line-height: 1.4; margin: 4px 0 2px 0; }
.aims-form .widget-checkbox { height: auto; align-items: flex-start; }
.aims-form .aims-chosen { flex-wrap: wrap; }
.aims-form .aims-chosen button { width: auto; margin: 2px 4px 2px 0; }
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

    def first_problem(self) -> "Field | None":
        """The first input that shows a message, its item or section opened; None when none does."""
        return next((f for f in self.inputs() if f.problem), None)

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
        if isinstance(widget, w.Checkbox):
            widget.indent = False
        if not isinstance(widget, Composite):
            widget.description_allow_html = False
            if not isinstance(widget, w.Checkbox):
                stack(widget)
        self.text = ""
        self.touched = False
        self.message = w.HTML(value="", layout=w.Layout(margin="0 0 6px 0"))
        self.box = w.VBox([widget, self.message])
        self.initial = self.value
        self._filling = False
        self._listeners: list[Callable[[], None]] = []
        widget.observe(self._changed, names="value")

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` whenever the value changes (the person's edits mark the field touched)."""
        self._listeners.append(callback)

    def _changed(self, _change) -> None:
        if not self._filling:
            self.touched = True
        for callback in self._listeners:
            callback()

    @property
    def value(self) -> Any:
        return self._convert(self.widget.value)

    @value.setter
    def value(self, value: Any) -> None:
        """Fill the input (from a draft, a record, a default): not the person's edit."""
        self._filling = True
        try:
            self.widget.value = self._restore(value)
        except Exception:  # a draft from an older form: leave the field as it is rather than fail
            pass
        finally:
            self._filling = False

    @property
    def filled(self) -> bool:
        """Whether the field holds a value (an empty text, list or choice does not count)."""
        return self.value not in (None, "", [], ())

    def show(self, message: str) -> None:
        """Set the field's validation message (empty clears it); it shows once the field is touched."""
        self.text = message
        self.message.value = alert(message) if self.touched else ""

    def reveal(self, touched: bool = True) -> None:
        """Show the field's message whatever it was touched (Submit), or hide it again (``touched=False``)."""
        self.touched = touched
        self.show(self.text)

    @property
    def problem(self) -> str:
        """The message as shown (empty while the field is untouched)."""
        return self.message.value

    def first_problem(self) -> "Field | None":
        return self if self.problem else None

    def focus(self) -> None:
        """Move the person's focus (and the view) to the input."""
        self.widget.focus()

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
        self.touched = False

    def inputs(self) -> list["Field"]:
        return [self]

    def place(self, problems: list[Problem]) -> None:
        self.show("; ".join(dict.fromkeys(p.message for p in problems)))

    def count(self) -> int:
        return int(bool(self.problem))


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
    """A multiple choice of known values: boxes to tick, or for a long list (the Annex A controls,
    the evidence) a searchable picker that lists what is chosen."""
    options = list(options)
    widget = Picker(options) if len(options) >= SEARCHED else Checklist(options)
    return Field(key, widget, label, required, convert=list, restore=lambda v: tuple(v or ()))


class Composite(w.VBox):
    """A multiple choice made of several widgets, with the ``value`` and ``description`` of one."""

    value = traitlets.Tuple()
    description = traitlets.Unicode()

    def __init__(self, options: list[tuple[str, Any]]):
        super().__init__()
        self.options = list(options)
        self.labels = {v: label for label, v in self.options}
        self.layout = w.Layout(width="95%")

    @traitlets.validate("value")
    def _known(self, proposal):
        unknown = [v for v in proposal["value"] if v not in self.labels]
        if unknown:
            raise traitlets.TraitError(f"not an option: {', '.join(map(str, unknown))}")
        return tuple(proposal["value"])


class Checklist(Composite):
    """A few options as tick boxes under the field's label."""

    def __init__(self, options: list[tuple[str, Any]]):
        super().__init__(options)
        self.label = w.HTML()
        self.boxes = {v: w.Checkbox(value=False, description=label, indent=False, layout=w.Layout(width="auto"))
                      for label, v in self.options}
        self._showing = False
        for box in self.boxes.values():
            box.observe(self._ticked, names="value")
        self.children = [self.label, *self.boxes.values()]

    @traitlets.observe("description")
    def _described(self, change) -> None:
        self.label.value = f'<div class="widget-label">{escape(change["new"])}</div>'

    @traitlets.observe("value")
    def _shown(self, change) -> None:
        self._showing = True
        try:
            for v, box in self.boxes.items():
                box.value = v in change["new"]
        finally:
            self._showing = False

    def _ticked(self, _change) -> None:
        if not self._showing:
            self.value = tuple(v for v, box in self.boxes.items() if box.value)

    def focus(self) -> None:
        for box in list(self.boxes.values())[:1]:
            box.focus()


class Picker(Composite):
    """A long list of options: type part of one to find it, choose it to add it; the chosen ones
    are listed below, each with a button that removes it."""

    def __init__(self, options: list[tuple[str, Any]]):
        super().__init__(options)
        self.by_label = {label: v for label, v in self.options}
        self.search = w.Combobox(options=[label for label, _ in self.options], ensure_option=False,
                                 placeholder="type part of an id or title, then choose it")
        stack(self.search)
        self.search.observe(self._typed, names="value")
        self.chosen = w.HBox(layout=w.Layout(width="95%"))
        self.chosen.add_class("aims-chosen")
        self.children = [self.search, self.chosen]
        self._shown({"new": ()})

    @traitlets.observe("description")
    def _described(self, change) -> None:
        self.search.description = change["new"]

    @traitlets.observe("value")
    def _shown(self, change) -> None:
        remove = []
        for v in change["new"]:
            button = w.Button(description=f"{v} ✕", tooltip=f"Remove {self.labels[v]}")
            button.on_click(lambda _b, v=v: self._removed(v))
            remove.append(button)
        none = w.HTML("<small>Chosen: none yet.</small>")
        self.chosen.children = [w.HTML("<small>Chosen:</small>"), *remove] if remove else [none]

    def _typed(self, change) -> None:
        v = self.by_label.get(change["new"])
        if v is not None:
            self.value = (*self.value, v) if v not in self.value else self.value
            self.search.value = ""

    def _removed(self, v: Any) -> None:
        self.value = tuple(x for x in self.value if x != v)

    def focus(self) -> None:
        self.search.focus()


def tags(key: str, label: str, required: bool = False, suggestions: list[str] = ()) -> Field:
    """Free-text items, one per line."""
    widget = w.Textarea(value="", rows=3, continuous_update=True,
                        placeholder="one per line" + (", e.g.\n" + "\n".join(suggestions[:3]) if suggestions else ""))
    return Field(key, widget, f"{label} (one per line)", required,
                 convert=lambda v: [line.strip() for line in v.splitlines() if line.strip()],
                 restore=lambda v: "\n".join(v or []))


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

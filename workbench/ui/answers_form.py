"""The form of a process that ships none, generated from its answers model: one input per answer
(a choice for a ``Literal``, a date picker, a list typed item by item, text), and YAML for the
answers of any other type (numbers, records, lists of records)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, get_args, get_origin

import ipywidgets as w
import yaml
from pydantic.fields import FieldInfo

from workbench.ui.display import esc
from workbench.ui.form import Field, ItemFields, ProcessForm, choice, day, show_problems, tags, text
from workbench.validate import safe_load

LONG_TEXT = 200  # characters above which a text answer gets a text area


def _bare(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _from_yaml(value: str) -> Any:
    try:
        return safe_load(value) if value.strip() else None
    except yaml.YAMLError:
        return value  # the answers model names what is wrong with it


def answer_field(name: str, info: FieldInfo) -> Field:
    """The input for one answer, chosen by its type, with the model's description under it."""
    label, required = info.title or name.replace("_", " ").capitalize(), info.is_required()
    annotation = _bare(info.annotation)
    kind, args = get_origin(annotation), get_args(annotation)
    longest = max((getattr(m, "max_length", None) or 0 for m in info.metadata), default=0)
    if kind is Literal:
        field = choice(name, label, [(str(a), a) for a in args], required)
    elif annotation is date:
        field = day(name, label, required)
    elif kind is list and _bare(args[0]) is str:
        field = tags(name, label, required)
    elif annotation is str:
        field = text(name, label, required, area=longest > LONG_TEXT)
    else:
        widget = w.Textarea(placeholder="YAML", rows=4)
        field = Field(name, widget, f"{label} (YAML)", required, convert=_from_yaml,
                      restore=lambda v: "" if v is None else yaml.safe_dump(v, sort_keys=False))
    if info.description:
        field.box.children = (field.widget, w.HTML(f"<small>{esc(info.description)}</small>"), field.message)
    return field


class AnswerFields(ItemFields):
    """Every answer of an answers model as one input, validated together as the person types."""

    def __init__(self, form: ProcessForm, model: type):
        self.model = model
        self.fields = {name: answer_field(name, info) for name, info in model.model_fields.items()}
        self.blank = {key: field.widget.value for key, field in self.fields.items()}
        for field in self.fields.values():
            field.widget.observe(lambda _c: form.changed(self), names="value")

    def clear(self) -> None:
        for key, field in self.fields.items():
            field.widget.value = self.blank[key]


class AnswersForm(ProcessForm):
    """The widget form generated from a process's answers model."""

    def build(self) -> list[w.Widget]:
        from workbench.processes import get_process

        self.editor = AnswerFields(self, get_process(self.process).answers)
        return [field.box for field in self.editor.fields.values()]

    def answers(self) -> dict:
        return self.editor.data()

    def load(self, data: dict) -> None:
        self.editor.load(data)

    def clear(self) -> None:
        self.editor.clear()

    def validate_body(self) -> int:
        return len(self.editor.validate(self.context))

    def place(self, problems: list) -> list:
        return show_problems(self.editor.fields, problems)

    def fields(self) -> list[Field]:
        return super().fields() + list(self.editor.fields.values())


def process_form(workspace, process: str, system_id: str = "", item_id: str = "", period: str = "",
                 assessor: str = "") -> ProcessForm:
    """The widget form of ``process``: its own (``Process.form``), else the one generated from its answers."""
    from workbench.processes import get_process

    proc = get_process(process)
    form_class = proc.load(proc.form) if proc.form else AnswersForm
    return form_class(workspace, system_id=system_id, period=period, assessor=assessor, item_id=item_id,
                      process=proc.name)

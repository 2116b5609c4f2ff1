"""Forms built from an answers model: every field of a pydantic model becomes a labelled input
that validates as the person types, and a list of models becomes items to add and remove, or
one item per known thing (a control, a requirement).

The model says what a field holds: a short or long text, a number in a range, one of a few
values, a date, several known IDs, free tags, a nested model; anything else is written as YAML. A process's form says only what
the model cannot (:class:`Spec`, :class:`Items`, :class:`Rows`): labels, options that come from
the workspace, and the parts that are its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from types import UnionType
from typing import Any, Callable, Hashable, Literal, Union, get_args, get_origin

import annotated_types
import ipywidgets as w
from markupsafe import escape
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from workbench.exceptions import Problem
from workbench.ui.fields import Field, Part, alert, check, choice, day, many, number, tags, text, yaml_text
from workbench.validate import problems_from

LONG_TEXT = 500  # a text that may be longer than this gets a text area
FEW = 11  # a range of whole numbers this short is a drop-down
ITEM = re.compile(r"^\[(\d+)\]\.?(.*)$")
NAME = re.compile(r"^([^.\[]+)\.?(.*)$")


@dataclass(frozen=True)
class Spec:
    """What the form needs to know about one answers field that its model does not say.

    Parameters
    ----------
    label : str
        The label (default: the field's name in words).
    options : callable, optional
        ``options(form) -> [(label, value), ...]``: the allowed values, from the workspace.
    suggest : callable, optional
        ``suggest(form) -> [str, ...]``: examples a tags field shows.
    value : object, optional
        What a new input holds.
    when : callable, optional
        ``when(values) -> bool``: whether the field applies, given the values of its item;
        a field that does not apply is hidden and left out of the answers.
    overflow : str
        For a nested model: the field that shows problems about the model as a whole.
    """

    label: str = ""
    options: Callable[[Any], list[tuple[str, Any]]] | None = None
    suggest: Callable[[Any], list[str]] | None = None
    value: Any = None
    when: Callable[[dict], bool] | None = None
    overflow: str = ""


@dataclass(frozen=True)
class Items:
    """A list the person adds items to and removes them from (risks, planned actions, decisions).

    Parameters
    ----------
    add : str
        Text of the Add button.
    noun : str
        What one item is called ("risk").
    label : str
        Heading of the list (default: the field's name in words).
    ids : str
        Prefix of the ids that new items get in their ``id`` field ("R" gives R1, R2, ...).
    taken : callable, optional
        ``taken(form) -> ids`` that new items skip (actions of earlier reviews).
    title : callable, optional
        ``title(values) -> str``: an item's title; titled items are the panels of an accordion.
    note : callable, optional
        ``note(form, item) -> markup`` shown under an item that validates (the worked levels).
    overflow : str
        The field that shows problems about an item as a whole (default: a line under the item).
    """

    add: str
    noun: str = "item"
    label: str = ""
    ids: str = ""
    taken: Callable[[Any], set[str]] | None = None
    title: Callable[[dict], str] | None = None
    note: Callable[[Any, BaseModel], str] | None = None
    overflow: str = ""


@dataclass(frozen=True)
class Row:
    """One known thing a :class:`Rows` list holds an item for.

    Parameters
    ----------
    key : str
        The value of the item's key field (a control id).
    title : str
        Shown with the key in the item's first label.
    group : tuple of str
        Where the item sits: an accordion section, or a tab and a section.
    options : dict
        Options of this item's fields that differ from item to item (field name -> options).
    ident : hashable, optional
        What keeps an item's answers while its key changes (default: the key).
    """

    key: str
    title: str
    group: tuple[str, ...] = ()
    options: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    ident: Hashable = None


@dataclass(frozen=True)
class Rows:
    """A list with one item per known thing (a control, a requirement, a checklist item).

    Parameters
    ----------
    key : str
        The item field that names the thing ("control").
    rows : callable
        ``rows(form) -> [Row, ...]``, the things, in order.
    noun : str
        What one item is called, for the line above Submit.
    label : str
        Heading of the list (default: the field's name in words).
    follows : tuple of str
        Answers fields whose change changes the rows (the audit chosen).
    overflow : str
        The field that shows problems about an item as a whole.
    empty : str
        What to say when there are no rows.
    """

    key: str
    rows: Callable[[Any], list[Row]]
    noun: str = "item"
    label: str = ""
    follows: tuple[str, ...] = ()
    overflow: str = ""
    empty: str = ""


def people(form) -> list[tuple[str, str]]:
    """Options: everyone in the workspace's configuration but the scheduler identity."""
    return [(f"{p.name} ({p.id})", p.id) for p in form.workspace.config.persons()]


def controls(form) -> list[tuple[str, str]]:
    """Options: the Annex A controls."""
    return [(f"{c.id} {c.title}", c.id) for c in form.workspace.content.controls]


def evidence(form) -> list[tuple[str, str]]:
    """Options: the archived evidence a form can cite (failed runs left out)."""
    return [(f"{r['run_id']} ({r['process']}, {r['system_id']})", r["run_id"])
            for r in form.workspace.register.evidence_list() if r["status"] != "failed"]


def words(name: str) -> str:
    """A field's name as a label: ``due_date`` -> "Due date"."""
    return name.replace("_", " ").capitalize()


def heading(label: str) -> w.HTML:
    return w.HTML(f"<h4>{escape(label)}</h4>")


def split(path: str) -> tuple[str, str]:
    """``risks[0].title`` -> ("risks", "[0].title"); a path that names no field -> ("", path)."""
    found = NAME.match(path)
    return (found.group(1), found.group(2)) if found else ("", path)


def within(problems: list[Problem], name: str) -> list[Problem]:
    """The problems about field ``name``, with paths relative to it."""
    return [replace(p, field=rest) for p in problems for head, rest in [split(p.field)] if head == name]


def explained(problems: list[Problem]) -> str:
    """Problems that belong to no input, one alert line each."""
    return "".join(f"<p>{alert(p.message if p.field in ('', '(answers)') else f'{p.field}: {p.message}')}</p>"
                   for p in problems)


def speaks(part: Part) -> bool:
    """Whether a part's messages about itself as a whole show: once Submit was pressed or one of its
    inputs was touched."""
    return part.form.revealed or any(f.touched for f in part.inputs())


def by_item(problems: list[Problem], items: int) -> tuple[dict[int, list[Problem]], list[Problem]]:
    """Problems by the index of the item they are about (paths relative to it), and the rest."""
    per_item: dict[int, list[Problem]] = {}
    rest = []
    for p in problems:
        found = ITEM.match(p.field)
        if found and int(found.group(1)) < items:
            per_item.setdefault(int(found.group(1)), []).append(replace(p, field=found.group(2)))
        else:
            rest.append(p)
    return per_item, rest


def shape(annotation: Any) -> tuple[Any, bool]:
    """The type a field holds, and whether it may also be None."""
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def bounds(info: FieldInfo) -> tuple[Any, Any]:
    """The lowest and highest number a field allows, from its constraints or its JSON schema."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    low, high = extra.get("minimum"), extra.get("maximum")
    for rule in info.metadata:
        if isinstance(rule, annotated_types.Ge):
            low = rule.ge
        elif isinstance(rule, annotated_types.Le):
            high = rule.le
    return low, high


def known_values(info: FieldInfo, kind: Any) -> list[tuple[str, Any]] | None:
    """Options the model itself names: a Literal's values, or a JSON schema ``enum`` (None: it names none)."""
    item = get_args(kind)[0] if get_origin(kind) is list else kind
    if get_origin(item) is Literal:
        return [(str(v), v) for v in get_args(item)]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    enum = (extra.get("items") or {}).get("enum") or extra.get("enum")
    return [(str(v), v) for v in enum] if enum else None


def max_length(info: FieldInfo) -> int | None:
    return next((rule.max_length for rule in info.metadata if isinstance(rule, annotated_types.MaxLen)), None)


def build_part(form, path: str, name: str, info: FieldInfo, row: Row | None = None) -> Part:
    """The part that shows answers field ``name`` of the model at ``path``, as the form's
    ``custom`` entry for ``path.name`` says, else as its annotation and constraints say."""
    where = f"{path}.{name}" if path else name
    spec = form.custom.get(where, Spec())
    if isinstance(spec, type):
        return spec(form)
    kind, optional = shape(info.annotation)
    listed = get_args(kind)[0] if get_origin(kind) is list else None
    if is_model(kind):
        return Editor(form, kind, where, label=spec.label or words(name), optional=optional, overflow=spec.overflow)
    if is_model(listed) and isinstance(spec, Rows):
        return RowList(form, where, listed, spec, info.is_required())
    if is_model(listed):
        return ItemList(form, where, listed, spec if isinstance(spec, Items) else Items(add=f"Add {name}"),
                        info.is_required())
    if row is not None and name in row.options:
        options = row.options[name]
    else:
        options = form.choices(spec.options) if spec.options else known_values(info, kind)
    made = labelled(name, spec.label or words(name), info, kind, options,
                    spec.suggest(form) if spec.suggest else ())
    if info.description:
        made.describe(info.description)
    if spec.value is not None:
        made.value = made.initial = spec.value
    return made


def labelled(name: str, label: str, info: FieldInfo, kind: Any, options: list[tuple[str, Any]] | None,
             suggestions: list[str]) -> Field:
    """The input for a value of type ``kind``: a choice when it has options (even none yet), else by type."""
    required = info.is_required()
    if get_origin(kind) is list:
        return many(name, label, options, required) if options is not None else tags(name, label, required, suggestions)
    if options is not None:
        return choice(name, label, options, required)
    if kind is bool:
        return check(name, label)
    if kind is date:
        return day(name, label, required)
    if kind in (int, float):
        low, high = bounds(info)
        if kind is int and low is not None and high is not None and high - low < FEW:
            return choice(name, label, [(str(n), n) for n in range(low, high + 1)], required)
        return number(name, label, required, low, high, whole=kind is int)
    if kind is str:
        return text(name, label, required, area=(max_length(info) or 0) > LONG_TEXT)
    return yaml_text(name, label, required)


class Editor(Part):
    """The inputs of one model (the answers, an item of a list, a nested group), validated together.

    Parameters
    ----------
    form : ProcessForm
        The form it belongs to: its workspace, its ``custom`` entries, its reaction to changes.
    model : type of BaseModel
        The model whose fields it shows and against which it validates.
    path : str
        Where its fields are named in ``custom`` (``risks`` for a risk); empty for the answers.
    row : Row, optional
        The known thing it is the item for, whose key goes into the field ``key``.
    label : str
        Heading of a nested group.
    optional : bool
        A nested group that may be left out: it counts only once a field differs from the start.
    overflow : str
        The field that shows problems about the model as a whole.
    note : callable, optional
        ``note(form, item) -> markup`` shown under the inputs when the model validates.
    on_edit : callable, optional
        Called with the editor after each edit (an accordion renames the item).
    """

    removal: "Removal | None" = None  # an item of an ItemList: its Remove button
    opened_by: tuple = ()  # an item of a RowList: the (tab or accordion, index) that show it

    def __init__(self, form, model: type[BaseModel], path: str = "", row: Row | None = None, key: str = "",
                 label: str = "", optional: bool = False, overflow: str = "",
                 note: Callable[[Any, BaseModel], str] | None = None,
                 on_edit: Callable[["Editor"], None] | None = None):
        self.form, self.model, self.path, self.row, self.key = form, model, path, row, key
        self.optional, self.overflow, self.make_note, self.on_edit = optional, overflow, note, on_edit
        self.fields: dict[str, Part] = {}
        self.when: dict[str, Callable[[dict], bool]] = {}
        for name, info in model.model_fields.items():
            if name == key:
                continue
            self.fields[name] = part = build_part(form, path, name, info, row)
            spec = form.custom.get(f"{path}.{name}" if path else name)
            if isinstance(spec, Spec) and spec.when:
                self.when[name] = spec.when
            if isinstance(part, Field):
                part.on_change(lambda name=name: self.edited(name))
        self.unplaced: list[Problem] = []
        self.note = w.HTML()
        self.box = w.VBox(([heading(label)] if label and path else []) + [p.box for p in self.fields.values()]
                          + [self.note])
        if row:
            self.rename(row)
        self.apply_when()

    def values(self) -> dict:
        """Every field's value as it stands, applicable or not."""
        return {name: part.value for name, part in self.fields.items() if isinstance(part, Field)}

    @property
    def value(self) -> dict | None:
        """The answers of this model; empty inputs are left out so that 'is required' is reported."""
        values = self.values()
        data = {}
        for name, part in self.fields.items():
            if name in self.when and not self.when[name](values):
                continue
            value = part.value
            if (part.filled if isinstance(part, Field) else value is not None):
                data[name] = value
        if self.optional and not self.changed:
            return None
        return {self.key: self.row.key, **data} if self.row else data

    @property
    def changed(self) -> bool:
        """Whether any input differs from how a new form starts."""
        return any(f.value != f.initial for f in self.inputs())

    @property
    def complete(self) -> bool:
        """Whether every required input holds a value."""
        return all(f.filled for f in self.inputs() if f.required)

    def load(self, data: dict | None) -> None:
        for name, part in self.fields.items():
            if data and name in data:
                part.load(data[name])
        self.apply_when()

    def clear(self) -> None:
        for part in self.fields.values():
            part.clear()
        self.apply_when()
        self.place([])

    def inputs(self) -> list[Field]:
        return [f for part in self.fields.values() for f in part.inputs()]

    def rename(self, row: Row) -> None:
        """Make this the item of ``row``, which the first label names."""
        self.row = row
        first = next(iter(self.fields.values()), None)
        if isinstance(first, Field):
            first.relabel(f"{row.key} {row.title}: {first.label}")

    def apply_when(self) -> None:
        """Show the fields that apply, hide the others."""
        values = self.values()
        for name, applies in self.when.items():
            self.fields[name].box.layout.display = "" if applies(values) else "none"

    def edited(self, name: str) -> None:
        """React to an edit of field ``name``: validate the item (or, in the answers, that field)."""
        if self.form.drafts.paused:
            return
        self.apply_when()
        group = split(self.path)[0]
        if self.path and self.form.body.fields.get(group) is self:  # a group of the answers: checked with
            self.form.body.validate(self.form.context, only=group)  # them (a file that must exist)
        else:
            self.validate(self.form.context, only="" if self.path else name)
        if self.on_edit:
            self.on_edit(self)
        self.form.changed(split(self.path)[0] or name)

    def validate(self, context: dict, only: str = "") -> int:
        """Validate against the model; show each problem next to its input (``only``: just that
        field's); return how many messages are shown."""
        try:
            item, problems = self.model.model_validate(self.value or {}, context=context), []
        except ValidationError as err:
            item, problems = None, problems_from(err)
        if only:
            self.fields[only].place(within(problems, only))
            return self.fields[only].count()
        self.place(problems)
        if item is not None and self.make_note:
            self.note.value = self.make_note(self.form, item)
        return self.count()

    def place(self, problems: list[Problem]) -> None:
        rest = [p for p in problems if split(p.field)[0] not in self.fields]
        if rest and self.overflow:
            problems = [replace(p, field=self.overflow) if p in rest else p for p in problems]
            rest = []
        for name, part in self.fields.items():
            part.place(within(problems, name))
        self.unplaced = rest
        self.note.value = explained(rest) if speaks(self) else ""

    def count(self) -> int:
        return sum(part.count() for part in self.fields.values()) + (len(self.unplaced) if speaks(self) else 0)

    def first_problem(self) -> Field | None:
        return next((found for part in self.fields.values() for found in [part.first_problem()] if found), None)

    def summary(self) -> str:
        return "; ".join(s for s in (part.summary() for part in self.fields.values()) if s)

    def follow(self, name: str) -> None:
        """Rebuild the lists whose rows depend on answers field ``name``."""
        for part in self.fields.values():
            if isinstance(part, RowList) and name in part.spec.follows:
                part.refresh()


class Removal:
    """A Remove button that asks "Confirm removal" or "Cancel" before it removes anything."""

    def __init__(self, noun: str, question: Callable[[], str], remove: Callable[[], None]):
        self.remove = w.Button(description=f"Remove this {noun}", icon="trash", button_style="warning")
        self.confirm = w.Button(description="Confirm removal", icon="trash", button_style="danger")
        self.cancel = w.Button(description="Cancel", icon="times")
        self.question = w.HTML()
        self.box = w.HBox([self.remove])
        self.remove.on_click(lambda _b: self.ask(question()))
        self.confirm.on_click(lambda _b: remove())
        self.cancel.on_click(lambda _b: self.ask(""))

    def ask(self, question: str) -> None:
        """Show the question with Confirm and Cancel; an empty question shows the Remove button again."""
        self.question.value = f'<span role="alert">{escape(question)}</span>' if question else ""
        self.box.children = [self.question, self.confirm, self.cancel] if question else [self.remove]


class ItemList(Part):
    """Items the person adds and removes, each with its own editor; removal asks for confirmation."""

    def __init__(self, form, path: str, model: type[BaseModel], spec: Items, required: bool):
        self.form, self.path, self.model, self.spec, self.required = form, path, model, spec, required
        self.editors: list[Editor] = []
        self.unplaced: list[Problem] = []
        self.container = w.Accordion() if spec.title else w.VBox()
        self.add_button = w.Button(description=spec.add, icon="plus", button_style="info")
        self.add_button.on_click(lambda _b: self.add())
        self.message = w.HTML()
        self.box = w.VBox([heading(spec.label or words(split(path)[0])), self.container, self.message,
                           self.add_button])

    def add(self, data: dict | None = None) -> Editor:
        """Append an item, filled from ``data`` if given."""
        editor = Editor(self.form, self.model, self.path, overflow=self.spec.overflow, note=self.spec.note,
                        on_edit=self.retitle)
        with self.form.quiet():
            if self.spec.ids:
                editor.fields["id"].value = editor.fields["id"].initial = self.next_id()
            editor.load(data)
        editor.removal = Removal(self.spec.noun, lambda: f"Remove {self.title(editor)}? Its answers leave this form.",
                                 lambda: self.remove(editor))
        editor.box.children += (editor.removal.box,)
        if not self.spec.title:
            editor.box.layout = w.Layout(border_bottom="1px solid #ddd", padding="4px 0")
        self.editors.append(editor)
        self.lay_out()
        if self.spec.title:
            self.container.selected_index = len(self.editors) - 1
        if not self.form.drafts.paused:
            editor.validate(self.form.context)
            self.form.changed(split(self.path)[0])
        return editor

    def remove(self, editor: Editor) -> None:
        """Take an item out of the form (after the person confirmed)."""
        self.editors.remove(editor)
        self.lay_out()
        self.form.changed(split(self.path)[0])

    def next_id(self) -> str:
        taken = {e.fields["id"].value for e in self.editors} | set(self.spec.taken(self.form) if self.spec.taken else ())
        n = len(taken) + 1
        while f"{self.spec.ids}{n}" in taken:
            n += 1
        return f"{self.spec.ids}{n}"

    def title(self, editor: Editor) -> str:
        return self.spec.title(editor.value) if self.spec.title else f"this {self.spec.noun}"

    def retitle(self, editor: Editor) -> None:
        if self.spec.title and editor in self.editors:
            self.container.set_title(self.editors.index(editor), self.title(editor))

    def lay_out(self) -> None:
        self.container.children = [e.box for e in self.editors]
        for editor in self.editors:
            self.retitle(editor)

    @property
    def value(self) -> list[dict]:
        return [e.value for e in self.editors]

    def load(self, items: list[dict] | None) -> None:
        """Show ``items``; a list that may not be empty starts with one empty item."""
        self.editors = []
        for data in items or ([{}] if self.required else []):
            self.add(data)
        self.lay_out()

    def clear(self) -> None:
        self.load([])

    def inputs(self) -> list[Field]:
        return [f for e in self.editors for f in e.inputs()]

    def place(self, problems: list[Problem]) -> None:
        per_item, self.unplaced = by_item(problems, len(self.editors))
        for i, editor in enumerate(self.editors):
            editor.place(per_item.get(i, []))
        self.message.value = explained(self.unplaced) if speaks(self) else ""

    def count(self) -> int:
        return sum(e.count() for e in self.editors) + (len(self.unplaced) if speaks(self) else 0)

    def first_problem(self) -> Field | None:
        for i, editor in enumerate(self.editors):
            found = editor.first_problem()
            if found:
                if self.spec.title:
                    self.container.selected_index = i
                return found
        return None

    def summary(self) -> str:
        return f"{len(self.editors)} {self.spec.noun}(s)"


class RowList(Part):
    """One item per known thing, in sections when the rows name groups; an item of a list that
    may be empty counts only once one of its inputs changed."""

    def __init__(self, form, path: str, model: type[BaseModel], spec: Rows, required: bool):
        self.form, self.path, self.model, self.spec, self.required = form, path, model, spec, required
        self.editors: dict[Hashable, Editor] = {}
        self.unplaced: list[Problem] = []
        self.sections = w.VBox()
        self.message = w.HTML()
        self.box = w.VBox([heading(spec.label or words(split(path)[0])), self.sections, self.message])

    def refresh(self) -> None:
        """Match the items to the rows as they are now: keep the answers of a row still there."""
        before = self.editors
        self.editors = {}
        for row in self.spec.rows(self.form):
            ident = row.key if row.ident is None else row.ident
            editor = before.get(ident)
            if editor is None or editor.row.options != row.options:
                editor = Editor(self.form, self.model, self.path, row=row, key=self.spec.key,
                                overflow=self.spec.overflow)
                editor.box.layout = w.Layout(border_bottom="1px solid #ddd", padding="4px 0")
            elif editor.row != row:
                editor.rename(row)
            self.editors[ident] = editor
        if list(self.editors.values()) != list(before.values()):
            for editor in self.editors.values():
                editor.opened_by = ()
            self.sections.children = [sections(list(self.editors.values()))] if self.editors else [
                w.HTML(f"<p>{escape(self.spec.empty)}</p>")]

    def counted(self) -> list[Editor]:
        """The items that go into the answers, in order."""
        return [e for e in self.editors.values() if self.required or e.changed]

    @property
    def value(self) -> list[dict]:
        return [e.value for e in self.counted()]

    def load(self, items: list[dict] | None) -> None:
        self.refresh()
        by_key = {e.row.key: e for e in self.editors.values()}
        for data in items or []:
            editor = by_key.get(data.get(self.spec.key))
            if editor is not None:
                editor.load(data)

    def clear(self) -> None:
        self.refresh()
        for editor in self.editors.values():
            editor.clear()

    def inputs(self) -> list[Field]:
        return [f for e in self.editors.values() for f in e.inputs()]

    def place(self, problems: list[Problem]) -> None:
        counted = self.counted()
        per_item, self.unplaced = by_item(problems, len(counted))
        index = {id(e): i for i, e in enumerate(counted)}
        for editor in self.editors.values():
            editor.place(per_item.get(index.get(id(editor), -1), []))
        self.message.value = explained(self.unplaced) if speaks(self) else ""

    def count(self) -> int:
        return sum(e.count() for e in self.editors.values()) + (len(self.unplaced) if speaks(self) else 0)

    def first_problem(self) -> Field | None:
        for editor in self.editors.values():
            found = editor.first_problem()
            if found:
                for section, index in editor.opened_by:
                    section.selected_index = index
                return found
        return None

    def summary(self) -> str:
        done = sum(e.complete and e.changed for e in self.editors.values())
        return f"{done} of {len(self.editors)} {self.spec.noun}(s) answered" if self.editors else ""


def sections(editors: list[Editor], depth: int = 0) -> w.Widget:
    """The items' boxes in the sections their rows name: tabs, then accordion panels."""
    groups: dict[str, list[Editor]] = {}
    loose = []
    for editor in editors:
        group = editor.row.group
        (groups.setdefault(group[depth], []) if len(group) > depth else loose).append(editor)
    if not groups:
        return w.VBox([e.box for e in loose])
    deeper = any(len(e.row.group) > depth + 1 for e in editors)
    nested = (w.Tab if deeper else w.Accordion)(children=[sections(members, depth + 1) for members in groups.values()])
    for i, (title, members) in enumerate(groups.items()):
        nested.set_title(i, title)
        for editor in members:
            editor.opened_by = ((nested, i), *editor.opened_by)
    return w.VBox([*(e.box for e in loose), nested]) if loose else nested

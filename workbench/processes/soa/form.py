"""The Statement of Applicability form: one line per control, validated as the person types."""

from __future__ import annotations

import ipywidgets as w
from pydantic import ValidationError

from workbench.ui.display import esc
from workbench.ui.form import Field, ItemFields, ProcessForm, evidence_choices, choice, many, show_problems, text
from workbench.processes.soa.assessment import STATUSES, AddedControl, Applicability, latest_answers
from workbench.validate import problems_from

PROCESS = "soa"


class ControlEditor(ItemFields):
    """The decision on one control: included, justification, status, owner, evidence."""

    model = Applicability
    overflow = "justification"

    def __init__(self, form: "SoAForm", control_id: str, title: str):
        ws = form.workspace
        self.control_id = control_id
        people = [(f"{p.name} ({p.id})", p.id) for p in ws.config.people]
        self.included = w.Checkbox(value=True, description=f"{control_id} {title}: included", indent=False)
        self.fields: dict[str, Field] = {f.key: f for f in (
            text("justification", "Justification", area=True),
            choice("status", "Implementation status", [(s, s) for s in STATUSES]),
            choice("owner", "Control owner", people),
            many("evidence", "Evidence", form.evidence_options),
        )}
        self.box = w.VBox([self.included] + [f.box for f in self.fields.values()],
                          layout=w.Layout(border_bottom="1px solid #ddd", padding="4px 0"))
        self.included.observe(lambda _c: form.changed(self), names="value")
        for field in self.fields.values():
            field.widget.observe(lambda _c: form.changed(self), names="value")

    def data(self) -> dict:
        data = {"control": self.control_id, "included": self.included.value,
                **self.filled()}
        data.setdefault("evidence", [])
        if not self.included.value:
            data.pop("status", None)  # an excluded control has no implementation status
        return data

    def load(self, data: dict) -> None:
        self.included.value = bool(data.get("included", True))
        super().load(data)



class SoAForm(ProcessForm):
    """The widget form of the Statement of Applicability, started from the newest archived one."""

    process = PROCESS
    body_title = "Controls"

    def build(self) -> list[w.Widget]:
        ws = self.workspace
        self.evidence_options = evidence_choices(ws)
        self.added: list[dict[str, Field]] = []
        self.editors: dict[str, ControlEditor] = {}
        areas = {a.id: a.title for a in ws.content.areas}
        grouped: dict[str, list] = {}
        for control in ws.content.controls:
            editor = ControlEditor(self, control.id, control.title)
            self.editors[control.id] = editor
            grouped.setdefault(control.area, []).append(editor.box)
        self.accordion = w.Accordion(children=[w.VBox(boxes) for boxes in grouped.values()])
        for i, area in enumerate(grouped):
            self.accordion.set_title(i, f"{area} {areas.get(area, '')}")
        self.added_box = w.VBox()
        self.add = w.Button(description="Add an organisation control", icon="plus", button_style="info")
        self.add.on_click(lambda _b: self.add_control())
        return [self.accordion, w.HTML("<h4>Controls the organisation adds</h4>"), self.added_box, self.add]

    def add_control(self, data: dict | None = None) -> ControlEditor:
        """Add a control of the organisation's own, with its decision."""
        data = data or {}
        fields = {f.key: f for f in (text("id", "Control id (e.g. NW.1)", required=True, value=data.get("id", "")),
                                     text("title", "Title", required=True, value=data.get("title", "")),
                                     text("intent", "Intent", required=True, area=True,
                                          value=data.get("intent", "")))}
        self.added.append(fields)
        editor = ControlEditor(self, data.get("id", ""), "organisation control")
        self.editors[f"added-{len(self.added)}"] = editor
        for field in fields.values():
            field.widget.observe(lambda _c, e=editor, f=fields: self._renamed(e, f), names="value")
        self.added_box.children = self.added_box.children + (w.VBox([f.box for f in fields.values()] + [editor.box]),)
        return editor

    def _renamed(self, editor: ControlEditor, fields: dict[str, Field]) -> None:
        editor.control_id = fields["id"].value
        editor.included.description = f"{editor.control_id} {fields['title'].value}: included"
        self.changed(editor)

    def answers(self) -> dict:
        added = [{k: f.value for k, f in fields.items()} for fields in self.added]
        return {"added_controls": added, "controls": [e.data() for e in self.editors.values()]}

    def clear(self) -> None:
        for editor in self.editors.values():
            editor.load({"included": True, "justification": "", "status": None, "owner": None, "evidence": []})

    def load(self, data: dict) -> None:
        """Fill from a draft, else from the newest archived SoA's answers."""
        if not data.get("controls"):
            data = latest_answers(self.workspace)
        for added in data.get("added_controls", []):
            if not any(f["id"].value == added.get("id") for f in self.added):
                self.add_control(added)
        by_id = {e.control_id: e for e in self.editors.values()}
        for decision in data.get("controls", []):
            if decision.get("control") in by_id:
                by_id[decision["control"]].load(decision)

    def fields(self) -> list[Field]:
        return (super().fields() + [f for e in self.editors.values() for f in e.fields.values()]
                + [f for fields in self.added for f in fields.values()])

    def validate_body(self) -> int:
        count = sum(len(e.validate(self.context)) for e in self.editors.values())
        for fields in self.added:
            try:
                AddedControl.model_validate({k: f.value for k, f in fields.items()})
                show_problems(fields, [])
            except ValidationError as err:
                count += len(err.errors())
                show_problems(fields, problems_from(err))
        return count

    def place(self, problems: list) -> list:
        rest = []
        editors = list(self.editors.values())
        for p in problems:
            if p.field.startswith("controls[") and "]" in p.field:
                index = int(p.field[len("controls["):p.field.index("]")])
                if index < len(editors):
                    key = p.field.split(".")[1] if "." in p.field else "justification"
                    editors[index].fields.get(key, editors[index].fields["justification"]).show(p.message)
                    continue
            rest.append(p)
        if rest:
            self.summary.value += "".join(f'<p role="alert" style="color:#b00020">{esc(str(p))}</p>' for p in rest)
        return []

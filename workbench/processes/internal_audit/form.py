"""The internal audit form: pick a planned audit, grade each checklist item, cite evidence."""

from __future__ import annotations

import ipywidgets as w

from workbench.processes.internal_audit.assessment import GRADES, ItemResult, audit_plan, checklist
from workbench.ui.display import esc
from workbench.exceptions import InputError
from workbench.ui.form import Field, ItemFields, ProcessForm, evidence_choices, choice, day, many, show_problems, text

PROCESS = "internal-audit"


class ItemEditor(ItemFields):
    """The result of one checklist item."""

    model = ItemResult
    overflow = "notes"

    def __init__(self, form: "AuditForm", item, systems: list[str]):
        self.item = item
        people = [(f"{p.name} ({p.id})", p.id) for p in form.workspace.config.people]
        grades = [g for g in GRADES if item.applicable or g not in ("major nonconformity", "minor nonconformity")]
        grades = [g for g in grades if g != "not applicable" or not item.applicable]
        self.fields: dict[str, Field] = {f.key: f for f in (
            choice("result", "Result", [(g, g) for g in grades], required=True),
            text("notes", "Finding", area=True),
            many("evidence", "Evidence", form.evidence_options),
            choice("system", "AI system", [(s, s) for s in systems]),
            choice("action_owner", "Action owner", people),
            day("action_due", "Action due"),
        )}
        note = "" if item.applicable else " <em>(excluded by the SoA)</em>"
        self.box = w.VBox([w.HTML(f"<strong>{esc(item.id)}</strong> {esc(item.title)}{note}")]
                          + [f.box for f in self.fields.values()],
                          layout=w.Layout(border_bottom="1px solid #ddd", padding="4px 0"))
        for field in self.fields.values():
            field.widget.observe(lambda _c: form.changed(self), names="value")

    def data(self) -> dict:
        data = {"item": self.item.id, **self.filled((None, "", []))}
        data.setdefault("evidence", [])
        return data



class AuditForm(ProcessForm):
    """The widget form of an internal audit; the checklist comes from the planned audit's scope."""

    process = PROCESS
    body_title = "Checklist"

    def build(self) -> list[w.Widget]:
        ws = self.workspace
        self.evidence_options = evidence_choices(ws)
        audits = ws.register.rows("audits")
        self.audit = choice("audit_id", "Audit", [(f"{a['title']} ({a['id']})", a["id"]) for a in audits],
                            required=True)
        self.conclusion = text("conclusion", "Conclusion", area=True)
        self.items: list[ItemEditor] = []
        self.items_box = w.VBox()
        self.audit.widget.observe(lambda _c: self._audit_changed(), names="value")
        self.conclusion.widget.observe(lambda _c: self.changed(), names="value")
        return [self.audit.box, self.items_box, self.conclusion.box]

    def _audit_changed(self, results: list | None = None) -> None:
        self.items = []
        if self.audit.value:
            try:
                plan = audit_plan(self.workspace, self.audit.value)
                items = checklist(self.workspace, plan)
                self.audit.show("")
            except InputError as err:
                self.audit.show(str(err))
                items, plan = [], None
            self.items = [ItemEditor(self, item, plan.systems) for item in items]
        by_item = {r.get("item"): r for r in results or []}
        for editor in self.items:
            editor.load(by_item.get(editor.item.id, {}))
        self.items_box.children = [e.box for e in self.items]
        self.changed()

    def answers(self) -> dict:
        return {"audit_id": self.audit.value or "", "items": [e.data() for e in self.items],
                "conclusion": self.conclusion.value}

    def clear(self) -> None:
        self.audit.value = None
        self.conclusion.value = ""

    def load(self, data: dict) -> None:
        self.audit.value = data.get("audit_id") or None
        self._audit_changed(data.get("items"))
        self.conclusion.value = data.get("conclusion", "")

    def fields(self) -> list[Field]:
        return super().fields() + [self.audit, self.conclusion] + [f for e in self.items for f in e.fields.values()]

    def validate_body(self) -> int:
        self.audit.show("" if self.audit.value else "is required")
        return sum(len(e.validate(self.context)) for e in self.items) + (not self.audit.value)

    def place(self, problems: list) -> list:
        rest = show_problems({"audit_id": self.audit, "conclusion": self.conclusion}, problems)
        for i, editor in enumerate(self.items):
            rest = show_problems(editor.fields, rest, prefix=f"items[{i}].")
        return rest

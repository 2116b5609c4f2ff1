"""The management review form: statements of top management, the status of earlier actions,
progress on objectives, and the decisions with owners and due dates."""

from __future__ import annotations

import ipywidgets as w

from workbench.ui.display import esc
from workbench.ui.form import Field, ItemFields, ProcessForm, choice, day, show_problems, text
from workbench.processes.management_review.assessment import ACTION_STATUSES, KINDS, OBJECTIVE_STATUSES, Decision, ObjectiveProgress

PROCESS = "management-review"


class RowEditor(ItemFields):
    """One row of a list (an objective or a decision) with a Remove button."""

    def __init__(self, form: "ManagementReviewForm", fields: list[Field], model):
        self.model = model
        self.fields = {f.key: f for f in fields}
        self.remove = w.Button(description="Remove", icon="trash", button_style="warning")
        self.box = w.VBox([f.box for f in fields] + [self.remove],
                          layout=w.Layout(border_bottom="1px solid #ddd", padding="4px 0"))
        for field in fields:
            field.widget.observe(lambda _c: form.changed(self), names="value")



class ManagementReviewForm(ProcessForm):
    """The widget form of the management review; the signer must hold the top_management role."""

    process = PROCESS
    body_title = "Review"

    def build(self) -> list[w.Widget]:
        ws = self.workspace
        self.people = [(f"{p.name} ({p.id})", p.id) for p in ws.config.people]
        self.statements = {f.key: f for f in (
            text("context_changes", "Changes in context and interested parties' needs", required=True, area=True),
            text("opportunities", "Opportunities for improvement", area=True),
            text("conclusion", "Conclusion: is the AIMS suitable, adequate, effective?", required=True, area=True),
        )}
        for field in self.statements.values():
            field.widget.observe(lambda _c: self.changed(), names="value")
        self.earlier = {}
        for row in sorted(ws.register.rows("review_actions"), key=lambda r: r["action_id"]):
            field = choice(row["action_id"], f"{row['action_id']}: {row['decision'][:60]}",
                           [(s, s) for s in ACTION_STATUSES])
            field.widget.observe(lambda _c: self.changed(), names="value")
            self.earlier[row["action_id"]] = field
        self.objectives: list[RowEditor] = []
        self.decisions: list[RowEditor] = []
        self.objectives_box, self.decisions_box = w.VBox(), w.VBox()
        add_objective = w.Button(description="Add objective", icon="plus", button_style="info")
        add_objective.on_click(lambda _b: self.add_objective())
        add_decision = w.Button(description="Add decision", icon="plus", button_style="info")
        add_decision.on_click(lambda _b: self.add_decision())
        earlier = ([f.box for f in self.earlier.values()] if self.earlier
                   else [w.HTML("<p>No earlier review recorded actions.</p>")])
        return [self.statements["context_changes"].box, self.statements["opportunities"].box,
                w.HTML("<h4>Actions from previous reviews</h4>"), *earlier,
                w.HTML("<h4>Progress on AI objectives</h4>"), self.objectives_box, add_objective,
                w.HTML("<h4>Decisions (improvements, changes to the AIMS, resources)</h4>"), self.decisions_box,
                add_decision, self.statements["conclusion"].box]

    def add_objective(self, data: dict | None = None) -> RowEditor:
        """Append an objective row."""
        editor = RowEditor(self, [text("objective", "Objective", required=True),
                                  choice("status", "Status", [(s, s) for s in OBJECTIVE_STATUSES], required=True),
                                  text("note", "Note", area=True)], ObjectiveProgress)
        return self._append(self.objectives, self.objectives_box, editor, data)

    def add_decision(self, data: dict | None = None) -> RowEditor:
        """Append a decision row."""
        taken = set(self.earlier) | {d.fields["id"].value for d in self.decisions}
        n = len(taken) + 1
        while f"MR-{n}" in taken:
            n += 1
        editor = RowEditor(self, [text("id", "Action id", required=True, value=f"MR-{n}"),
                                  choice("kind", "Kind", [(k, k) for k in KINDS], required=True),
                                  text("decision", "Decision", required=True, area=True),
                                  choice("owner", "Owner", self.people, required=True),
                                  day("due_date", "Due", required=True)], Decision)
        return self._append(self.decisions, self.decisions_box, editor, data)

    def _append(self, rows: list, box: w.VBox, editor: RowEditor, data: dict | None) -> RowEditor:
        rows.append(editor)
        editor.remove.on_click(lambda _b: self._remove(rows, box, editor))
        if data:
            editor.load(data)
        box.children = [r.box for r in rows]
        self.changed(editor)
        return editor

    def _remove(self, rows: list, box: w.VBox, editor: RowEditor) -> None:
        rows.remove(editor)
        box.children = [r.box for r in rows]
        self.changed()

    def answers(self) -> dict:
        return {**{k: f.value for k, f in self.statements.items()},
                "objectives": [o.data() for o in self.objectives],
                "previous_actions": [{"id": k, "status": f.value} for k, f in self.earlier.items() if f.value],
                "decisions": [d.data() for d in self.decisions]}

    def clear(self) -> None:
        for field in self.statements.values():
            field.value = ""
        for field in self.earlier.values():
            field.value = None
        self.objectives.clear()
        self.decisions.clear()
        self.objectives_box.children = self.decisions_box.children = []

    def load(self, data: dict) -> None:
        for key, field in self.statements.items():
            if data.get(key):
                field.value = data[key]
        for item in data.get("previous_actions", []):
            if item.get("id") in self.earlier:
                self.earlier[item["id"]].value = item.get("status")
        for item in data.get("objectives", []):
            self.add_objective(item)
        for item in data.get("decisions", []):
            self.add_decision(item)

    def fields(self) -> list[Field]:
        return (super().fields() + list(self.statements.values()) + list(self.earlier.values())
                + [f for r in self.objectives + self.decisions for f in r.fields.values()])

    def validate_body(self) -> int:
        count = 0
        for key in ("context_changes", "conclusion"):
            missing = not self.statements[key].value
            self.statements[key].show("is required" if missing else "")
            count += missing
        return count + sum(len(r.validate(self.context)) for r in self.objectives + self.decisions)

    def place(self, problems: list) -> list:
        rest = show_problems(self.statements, problems)
        for name, rows in (("objectives", self.objectives), ("decisions", self.decisions)):
            for i, row in enumerate(rows):
                rest = show_problems(row.fields, rest, prefix=f"{name}[{i}].")
        if rest:
            self.summary.value += "".join(f'<p role="alert" style="color:#b00020">{esc(str(p))}</p>' for p in rest)
        return []

"""The gap analysis form: ratings split by clause and by Annex A area, and the implementation plan."""

from __future__ import annotations

import ipywidgets as w

from workbench.ui.form import Field, ItemFields, ProcessForm, evidence_choices, choice, day, many, show_problems, text
from workbench.processes.gap_analysis.assessment import PlannedAction, Rating, group_of, requirement_ids

PROCESS = "gap-analysis"


class RatingEditor(ItemFields):
    """The rating of one requirement or control: maturity, notes, evidence."""

    model = Rating

    def __init__(self, form: "GapAnalysisForm", item: str, title: str):
        self.item = item
        levels = [(f"{m.level} {m.label}", m.level) for m in form.workspace.config.readiness.maturity]
        self.fields: dict[str, Field] = {f.key: f for f in (
            choice("maturity", f"{item} {title}", levels, required=True),
            text("notes", "Notes", area=True),
            many("evidence", "Evidence", form.evidence_options),
        )}
        self.box = w.VBox([f.box for f in self.fields.values()],
                          layout=w.Layout(border_bottom="1px solid #ddd", padding="4px 0"))
        for field in self.fields.values():
            field.widget.observe(lambda _c: form.changed(self), names="value")

    def data(self) -> dict:
        data = {"item": self.item, **self.filled()}
        data.setdefault("evidence", [])
        return data



class ActionEditor(ItemFields):
    """One planned action: id, the item it closes, what, who, when."""

    model = PlannedAction
    overflow = "due_date"

    def __init__(self, form: "GapAnalysisForm", action_id: str):
        people = [(f"{p.name} ({p.id})", p.id) for p in form.workspace.config.people]
        self.fields: dict[str, Field] = {f.key: f for f in (
            text("id", "Action id", required=True, value=action_id),
            choice("item", "Closes the gap of", form.item_options, required=True),
            text("action", "Action", required=True, area=True),
            choice("owner", "Owner", people, required=True),
            day("start_date", "Start", required=True),
            day("due_date", "Due", required=True),
        )}
        self.remove = w.Button(description="Remove this action", icon="trash", button_style="warning")
        self.box = w.VBox([f.box for f in self.fields.values()] + [self.remove],
                          layout=w.Layout(border_bottom="1px solid #ddd", padding="4px 0"))
        for field in self.fields.values():
            field.widget.observe(lambda _c: form.changed(self), names="value")



class GapAnalysisForm(ProcessForm):
    """The widget form of the gap analysis: one tab of clauses and one of Annex A areas."""

    process = PROCESS
    body_title = "Ratings and plan"

    def build(self) -> list[w.Widget]:
        ws = self.workspace
        content = ws.content
        self.evidence_options = evidence_choices(ws)
        clauses = {c.id: c.title for c in content.clauses}
        controls = {c.id: c.title for c in content.controls}
        items = requirement_ids(content) + content.control_ids()
        self.item_options = [(f"{i} {clauses.get(i) or controls.get(i)}", i) for i in items]
        self.scope = text("scope", "Scope of the analysis", required=True, area=True)
        self.scope.widget.observe(lambda _c: self.changed(), names="value")
        self.editors: dict[str, RatingEditor] = {}
        grouped: dict[str, list] = {}
        for item in items:
            editor = RatingEditor(self, item, clauses.get(item) or controls[item])
            self.editors[item] = editor
            grouped.setdefault(group_of(item, content), []).append(editor.box)
        titles = clauses | {a.id: a.title for a in content.areas}
        self.clause_accordion = self._accordion({g: b for g, b in grouped.items() if not g.startswith("A.")}, titles)
        self.area_accordion = self._accordion({g: b for g, b in grouped.items() if g.startswith("A.")}, titles)
        tabs = w.Tab(children=[self.clause_accordion, self.area_accordion])
        tabs.set_title(0, "Clauses 4 to 10")
        tabs.set_title(1, "Annex A controls")
        self.actions: list[ActionEditor] = []
        self.actions_box = w.VBox()
        self.add = w.Button(description="Add planned action", icon="plus", button_style="info")
        self.add.on_click(lambda _b: self.add_action())
        return [self.scope.box, tabs, w.HTML("<h4>Implementation plan</h4>"), self.actions_box, self.add]

    @staticmethod
    def _accordion(grouped: dict[str, list], titles: dict[str, str]) -> w.Accordion:
        accordion = w.Accordion(children=[w.VBox(boxes) for boxes in grouped.values()])
        for i, group in enumerate(grouped):
            accordion.set_title(i, f"{group} {titles.get(group, '')}")
        return accordion

    def add_action(self, data: dict | None = None) -> ActionEditor:
        """Append a planned action, filled from ``data`` if given."""
        used = {a.fields["id"].value for a in self.actions}
        n = len(self.actions) + 1
        while f"P{n}" in used:
            n += 1
        editor = ActionEditor(self, f"P{n}")
        editor.remove.on_click(lambda _b: self.remove_action(editor))
        self.actions.append(editor)
        if data:
            editor.load(data)
        self.actions_box.children = [a.box for a in self.actions]
        self.changed(editor)
        return editor

    def remove_action(self, editor: ActionEditor) -> None:
        """Remove one planned action."""
        self.actions.remove(editor)
        self.actions_box.children = [a.box for a in self.actions]
        self.changed()

    def answers(self) -> dict:
        return {"scope": self.scope.value, "ratings": [e.data() for e in self.editors.values()],
                "actions": [a.data() for a in self.actions]}

    def clear(self) -> None:
        self.scope.value = ""
        for editor in self.editors.values():
            editor.load({"maturity": None, "notes": "", "evidence": []})
        self.actions.clear()
        self.actions_box.children = []

    def load(self, data: dict) -> None:
        if data.get("scope"):
            self.scope.value = data["scope"]
        for rating in data.get("ratings", []):
            if rating.get("item") in self.editors:
                self.editors[rating["item"]].load(rating)
        for action in data.get("actions", []):
            self.add_action(action)

    def fields(self) -> list[Field]:
        return (super().fields() + [self.scope] + [f for e in self.editors.values() for f in e.fields.values()]
                + [f for a in self.actions for f in a.fields.values()])

    def summarise(self) -> None:
        rated = sum(e.fields["maturity"].value is not None for e in self.editors.values())
        bad = sum(1 for f in self.fields() if f.problem)
        self.summary.value = (f"<p>{rated} of {len(self.editors)} items rated; {len(self.actions)} planned action(s); "
                              + (f'<span style="color:#b00020">{bad} field(s) with problems</span>' if bad
                                 else "no problems shown") + "</p>")

    def validate_body(self) -> int:
        self.scope.show("" if self.scope.value else "is required")
        return ((not self.scope.value) + sum(len(e.validate(self.context)) for e in self.editors.values())
                + sum(len(a.validate(self.context)) for a in self.actions))

    def place(self, problems: list) -> list:
        rest = show_problems({"scope": self.scope}, problems)
        editors = list(self.editors.values())
        for i, editor in enumerate(editors):
            rest = show_problems(editor.fields, rest, prefix=f"ratings[{i}].")
        for i, action in enumerate(self.actions):
            rest = show_problems(action.fields, rest, prefix=f"actions[{i}].")
        if rest:
            from workbench.ui.display import esc

            self.summary.value += "".join(f'<p role="alert" style="color:#b00020">{esc(str(p))}</p>' for p in rest)
        return []

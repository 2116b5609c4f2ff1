"""The form builder, driven from Python on the real widget objects: a model in, labelled and
validated inputs out; then a real form opening from the latest record or from a draft."""

from __future__ import annotations

import copy
from datetime import date
from typing import Literal

import ipywidgets as w
import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbench.exceptions import Problem
from workbench.pipeline.run import run_process
from workbench.processes import processes
from workbench.processes.risk_assessment.form import RiskAssessmentForm
from workbench.processes.soa.form import SoAForm
from workbench.records.signoff import sign_off
from workbench.ui.builder import Editor, Items, Row, Rows, Spec, people
from workbench.ui.fields import Checklist, Picker
from workbench.ui.form import ProcessForm, process_form

CONTROLS = [f"A.{n}" for n in range(1, 10)]


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^S\d+$")
    action: str = Field(min_length=1, max_length=2000)
    start: date
    due: date

    @model_validator(mode="after")
    def _order(self) -> "Step":
        if self.due < self.start:
            raise ValueError("due is before start")
        return self


class Check(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: str
    done: bool
    note: str = Field(default="", max_length=200)


class Dataset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, max_length=100)
    label: str = Field(min_length=1)


class Plan(BaseModel):
    """Every kind of field the builder knows."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200, description="what the plan is called")
    story: str = Field(default="", max_length=5000)
    budget: int = Field(ge=0, le=1000)
    level: int = Field(ge=1, le=5)
    kind: Literal["pilot", "rollout"]
    start: date
    urgent: bool = False
    controls: list[str] = Field(default_factory=list, json_schema_extra={"items": {"enum": CONTROLS}})
    parties: list[str] = Field(min_length=1)
    owner: str = Field(min_length=1)
    dataset: Dataset | None = None
    steps: list[Step] = Field(min_length=1)
    checks: list[Check] = Field(default_factory=list)


def rows(form) -> list[Row]:
    return [Row("C1", "Backups", group=("Operations",)), Row("C2", "Access", group=("Security",))]


CUSTOM = {
    "owner": Spec("Plan owner", options=people),
    "parties": Spec(suggest=lambda form: ["staff", "customers"]),
    "dataset": Spec("Dataset", overflow="path"),
    "dataset.label": Spec(value="label"),
    "steps": Items(add="Add step", noun="step", ids="S", title=lambda step: step.get("action", "(new)"),
                   note=lambda form, step: f"<p>{step.id} runs {(step.due - step.start).days} days</p>"),
    "checks": Rows(key="item", rows=rows, noun="check"),
    "checks.note": Spec(when=lambda check: check["done"]),
}


class Host:
    """The little a form builder asks of its form: the workspace, the custom entries, the reactions."""

    def __init__(self, workspace, custom: dict):
        self.workspace, self.custom = workspace, custom
        self.context = workspace.validation_context()
        self.drafts = type("Drafts", (), {"paused": False})()
        self.revealed = False
        self.body: Editor | None = None
        self.changes: list[str] = []

    def changed(self, name: str = "") -> None:
        self.changes.append(name)

    def choices(self, options):
        return options(self)

    quiet = ProcessForm.quiet


@pytest.fixture
def plan(workspace) -> Editor:
    host = Host(workspace, CUSTOM)
    editor = host.body = Editor(host, Plan)
    with host.quiet():
        editor.clear()
    return editor


def test_each_kind_of_field_gets_its_input(plan):
    kinds = {name: type(part.widget) for name, part in plan.fields.items() if hasattr(part, "widget")}
    assert kinds == {"title": w.Text, "story": w.Textarea, "budget": w.BoundedIntText, "level": w.Dropdown,
                     "kind": w.Dropdown, "start": w.DatePicker, "urgent": w.Checkbox, "controls": Picker,
                     "parties": w.Textarea, "owner": w.Dropdown}
    assert (plan.fields["budget"].widget.min, plan.fields["budget"].widget.max) == (0, 1000)
    assert [v for _, v in plan.fields["level"].widget.options] == [None, 1, 2, 3, 4, 5]
    assert [v for _, v in plan.fields["kind"].widget.options] == [None, "pilot", "rollout"]
    assert ("Amara Okafor (amara)", "amara") in plan.fields["owner"].widget.options
    assert "what the plan is called" in plan.fields["title"].box.children[1].value  # the description, under the input


def test_labels_say_what_is_required_and_sit_above_their_inputs(plan):
    assert plan.fields["title"].widget.description == "Title *"
    assert plan.fields["story"].widget.description == "Story"
    assert plan.fields["owner"].widget.description == "Plan owner *"
    assert "aims-stacked" in plan.fields["title"].widget._dom_classes
    # free items are lines of a text area, which has its label like any other input
    parties = plan.fields["parties"]
    assert parties.widget.description == "Parties (one per line) *" and "aims-stacked" in parties.widget._dom_classes
    assert "staff" in parties.widget.placeholder
    parties.widget.value = "staff\n\n  customers \n"
    assert parties.value == ["staff", "customers"]


def test_a_long_multiple_choice_is_searched_and_lists_what_is_chosen(plan):
    controls = plan.fields["controls"]
    picker = controls.widget
    assert picker.search.description == "Controls" and len(picker.search.options) == len(CONTROLS)
    picker.search.value = "A."  # typing narrows the browser's list; nothing is chosen until an option is
    assert controls.value == [] and plan.form.changes == []
    picker.search.value = "A.5"
    picker.search.value = "A.2"
    assert controls.value == ["A.5", "A.2"] and picker.search.value == ""
    chosen = [b for b in picker.chosen.children if isinstance(b, w.Button)]
    assert [b.description for b in chosen] == ["A.5 ✕", "A.2 ✕"] and chosen[0].tooltip == "Remove A.5"
    chosen[0].click()
    assert controls.value == ["A.2"] and controls.touched
    assert plan.form.changes == ["controls"] * 3
    controls.value = ["A.9", "not a control"]  # a draft from an older form: left as it was
    assert controls.value == ["A.2"]


def test_a_short_multiple_choice_is_boxes_to_tick(workspace):
    class Channels(BaseModel):
        channels: list[Literal["mail", "phone", "web"]] = Field(default_factory=list)

    field = Editor(Host(workspace, {}), Channels).fields["channels"]
    boxes = field.widget
    assert isinstance(boxes, Checklist) and "Channels" in boxes.label.value
    assert [b.description for b in boxes.boxes.values()] == ["mail", "phone", "web"]
    boxes.boxes["web"].value = True
    boxes.boxes["mail"].value = True
    assert field.value == ["mail", "web"] and field.touched
    field.value = ["phone"]
    assert [b.value for b in boxes.boxes.values()] == [False, True, False]


def test_a_field_of_the_answers_validates_as_it_changes(plan):
    plan.fields["title"].widget.value = "x" * 201
    assert plan.fields["title"].text == "must be at most 200 characters"
    assert 'role="alert"' in plan.fields["title"].problem
    assert plan.fields["story"].text == ""  # only the edited field speaks
    plan.fields["title"].widget.value = "Move to the cloud"
    assert plan.fields["title"].problem == ""
    assert plan.form.changes == ["title", "title"]


def test_validate_puts_every_problem_next_to_its_input(plan):
    assert plan.validate(plan.form.context) == 0  # nothing touched: nothing shows
    plan.form.revealed = True  # Submit
    for field in plan.inputs():
        field.reveal()
    assert plan.validate(plan.form.context) > 0
    assert plan.fields["title"].text == "is required" and plan.fields["parties"].text == "is required"
    assert plan.fields["budget"].text == "" and plan.fields["story"].text == ""
    assert plan.fields["steps"].editors[0].fields["action"].text == "is required"
    assert plan.fields["checks"].editors["C1"].fields["note"].text == ""


def test_problems_found_later_reach_their_input_by_path(plan):
    plan.fields["checks"].editors["C2"].fields["done"].value = True  # the first item of the answers' checks
    plan.form.revealed = True
    for field in plan.inputs():
        field.reveal()
    plan.place([Problem("steps[0].due", "x", "too late"), Problem("checks[0].note", "x", "too long"),
                Problem("(answers)", {}, "the plan as a whole is wrong")])
    assert plan.fields["steps"].editors[0].fields["due"].text == "too late"
    assert plan.fields["checks"].editors["C2"].fields["note"].text == "too long"
    assert "the plan as a whole is wrong" in plan.note.value and plan.count() == 3


def test_items_are_added_with_ids_validated_alone_and_titled(plan):
    steps = plan.fields["steps"]
    assert [e.fields["id"].value for e in steps.editors] == ["S1"]  # a list that may not be empty starts with one
    steps.add_button.click()
    step = steps.editors[1]
    assert step.fields["id"].value == "S2" and steps.container.selected_index == 1
    assert step.fields["action"].text == "is required"
    step.fields["action"].value = "Copy the data"
    assert steps.container.get_title(1) == "Copy the data"
    step.fields["start"].widget.value, step.fields["due"].widget.value = date(2027, 1, 10), date(2027, 1, 1)
    assert step.fields["due"].text == "" and "due is before start" in step.note.value  # no field owns it
    step.fields["due"].widget.value = date(2027, 1, 31)
    assert step.note.value == "<p>S2 runs 21 days</p>"
    assert plan.value["steps"][1] == {"id": "S2", "action": "Copy the data", "start": "2027-01-10", "due": "2027-01-31"}


def test_removing_an_item_asks_first(plan):
    steps = plan.fields["steps"]
    steps.add({"action": "Second"})
    removal = steps.editors[1].removal
    removal.remove.click()
    assert "Remove Second?" in removal.question.value
    assert list(removal.box.children) == [removal.question, removal.confirm, removal.cancel]
    removal.cancel.click()
    assert list(removal.box.children) == [removal.remove] and len(steps.editors) == 2
    removal.remove.click()
    removal.confirm.click()
    assert [e.fields["action"].value for e in steps.editors] == [""]
    assert plan.value["steps"] == [{"id": "S1"}]


def test_rows_hold_one_item_per_known_thing_in_sections(plan):
    checks = plan.fields["checks"]
    sections = checks.sections.children[0]
    assert isinstance(sections, w.Accordion) and [sections.get_title(i) for i in range(2)] == ["Operations", "Security"]
    first = checks.editors["C1"]
    assert first.fields["done"].widget.description == "C1 Backups: Done"  # the first label names the thing
    assert first.fields["note"].box.layout.display == "none"  # applies only when done
    assert plan.value["checks"] == []  # a list that may be empty takes only the items filled in
    first.fields["done"].value = True
    assert first.fields["note"].box.layout.display == ""
    first.fields["note"].value = "nightly"
    assert plan.value["checks"] == [{"item": "C1", "done": True, "note": "nightly"}]
    first.fields["done"].value = False
    assert plan.value["checks"] == [{"item": "C1", "done": False}]  # a field that does not apply is left out
    assert checks.summary() == "1 of 2 check(s) answered"


def test_an_optional_nested_model_counts_once_changed(plan):
    dataset = plan.fields["dataset"]
    assert "<h4>Dataset</h4>" in dataset.box.children[0].value
    assert dataset.fields["label"].value == "label" and "dataset" not in plan.value
    dataset.fields["path"].value = "data/x.csv"
    assert plan.value["dataset"] == {"path": "data/x.csv", "label": "label"}
    dataset.place([Problem("", "data/x.csv", "the file is missing")])
    assert dataset.fields["path"].text == "the file is missing"  # the group's overflow field


def test_load_and_clear_round_trip(plan):
    answers = {"title": "Cloud", "budget": 200, "level": 3, "kind": "pilot", "start": "2027-01-01", "urgent": True,
               "controls": ["A.1"], "parties": ["staff"], "owner": "amara",
               "steps": [{"id": "S1", "action": "Copy", "start": "2027-01-01", "due": "2027-02-01"}],
               "checks": [{"item": "C2", "done": True, "note": "weekly"}]}
    plan.load(answers)
    assert plan.value == answers
    assert plan.validate(plan.form.context) == 0
    plan.clear()
    assert plan.value == {"budget": 0, "urgent": False, "steps": [{"id": "S1"}], "checks": []}


def test_options_from_the_workspace_make_a_choice_even_before_there_are_any(workspace):
    class Cites(BaseModel):
        evidence: list[str] = Field(default_factory=list)
        reviewer: str = ""

    none = Editor(Host(workspace, {"evidence": Spec(options=lambda form: []),
                                   "reviewer": Spec(options=lambda form: [])}), Cites)
    assert isinstance(none.fields["evidence"].widget, Checklist)
    assert isinstance(none.fields["reviewer"].widget, w.Dropdown)


def test_a_value_of_any_other_type_is_written_as_yaml(workspace):
    class Weights(BaseModel):
        weights: dict[str, float]

    editor = Editor(Host(workspace, {}), Weights)
    weights = editor.fields["weights"]
    assert weights.widget.description == "Weights (YAML) *"
    weights.widget.value = "fairness: 0.5\nquality: 0.5"
    assert editor.value == {"weights": {"fairness": 0.5, "quality": 0.5}}
    weights.widget.value = "fairness: [unclosed"  # not YAML: the model says what it wanted
    assert weights.text == "Input should be a valid dictionary"


@pytest.mark.parametrize("name", sorted(processes()))
def test_every_process_form_is_built_from_its_answers_model(workspace, name):
    process = processes()[name]
    form = process_form(workspace, name, system_id="credit-scoring")
    assert list(form.body.fields) == list(process.answers.model_fields)
    first = {"fundamental-rights-impact": "has no impact assessment a person stands behind"}  # what it builds on
    assert first.get(name, "No earlier record") in form.origin.value or process.subject == "item"  # item chosen first


def test_a_decision_follows_the_added_control_it_is_for(workspace):
    form = SoAForm(workspace, assessor="priya")
    added, decisions = form.part("added_controls"), form.part("controls")
    control = added.add()
    assert len(decisions.editors) == 38  # no row until the control has an id
    control.fields["id"].value = "NW.1"
    decision = decisions.editors[control]
    assert decision.row.key == "NW.1" and decision.fields["included"].widget.description == (
        "NW.1 organisation control: Included")
    decision.fields["justification"].value = "Our own rule."
    control.fields["id"].value = "NW.2"
    control.fields["title"].value = "Model cards"
    assert decisions.editors[control] is decision and decision.fields["justification"].value == "Our own rule."
    assert decision.fields["included"].widget.description == "NW.2 Model cards: Included"
    assert form.answers()["controls"][-1]["control"] == "NW.2"
    control.removal.remove.click()
    control.removal.confirm.click()
    assert control not in decisions.editors and len(form.answers()["controls"]) == 38


# a real form: it opens with the latest record, unless a draft is waiting ------------------------


@pytest.mark.kernel
def test_form_opens_with_the_latest_approved_answers_and_a_draft_wins(workspace, answers):
    approved = run_process(workspace, "risk-assessment", "credit-scoring", copy.deepcopy(answers), assessor="amara")
    sign_off(workspace, approved.run_id, "approve", "Checked against the model card.", person="david")
    newer = {**copy.deepcopy(answers), "scope": "A newer scope", "risks": answers["risks"][:1]}
    run_process(workspace, "risk-assessment", "credit-scoring", newer, assessor="amara")

    form = RiskAssessmentForm(workspace, system_id="credit-scoring", assessor="amara")
    assert (f"Started from <code>{approved.run_id}</code> (approved, effective {date.today().isoformat()})"
            in form.origin.value)
    risks = form.part("risks")
    assert form.part("scope").value == answers["scope"]
    assert [e.fields["id"].value for e in risks.editors] == [r["id"] for r in answers["risks"]]
    assert form.validate() == 0

    last = risks.editors[-1]
    last.removal.remove.click()
    assert len(risks.editors) == len(answers["risks"])  # not before it is confirmed
    last.removal.confirm.click()
    assert [r["id"] for r in form.answers()["risks"]] == [r["id"] for r in answers["risks"][:-1]]

    again = RiskAssessmentForm(workspace, system_id="credit-scoring")
    assert "takes precedence over the latest record" in again.origin.value and approved.run_id in again.origin.value
    assert [r["id"] for r in again.answers()["risks"]] == [r["id"] for r in answers["risks"][:-1]]

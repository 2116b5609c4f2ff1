"""The risk assessment form, driven from Python on the real widget objects."""

from __future__ import annotations

import json
from datetime import date

import pytest

from keys import nothing_archived
from workbench.ui.drafts import draft_path
from workbench.processes.risk_assessment.form import RiskAssessmentForm
from workbench.ui.form import not_submitted


def fill(editor, risk: dict) -> None:
    """Type a risk into an editor field by field, as a person would."""
    for key, value in risk.items():
        field = editor.fields[key]
        if key == "due_date":
            value = date.fromisoformat(value)
        elif key in ("objectives", "existing_controls", "planned_controls"):
            value = tuple(value)
        elif isinstance(value, list):  # free items, one per line
            value = "\n".join(value)
        field.widget.value = value


def test_form_starts_with_one_empty_risk_for_the_system(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring", assessor="amara")
    assert form.system_id == "credit-scoring"
    risks = form.part("risks").editors
    assert len(risks) == 1
    assert risks[0].fields["id"].value == "R1"
    assert form.header["assessor"].value == "amara"
    assert "No earlier record" in form.origin.value


def test_labels_mark_required_fields(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring")
    fields = form.part("risks").editors[0].fields
    assert fields["title"].widget.description == "Title *"
    assert fields["rationale"].widget.description == "Rationale"
    assert fields["inherent_likelihood"].widget.options[1][0] == "1 Rare"


def test_a_new_form_shows_no_problems_until_a_field_is_touched_and_clears_it_when_fixed(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring")
    editor = form.part("risks").editors[0]
    assert editor.fields["title"].text == "is required"  # known, not shown: a new form is not a page of errors
    assert not [f for f in form.fields() if f.problem] and "problem" not in form.summary.value
    editor.fields["title"].widget.value = "Bias"
    assert editor.fields["title"].problem == ""
    assert editor.fields["description"].text == "is required" and editor.fields["description"].problem == ""
    editor.fields["title"].widget.value = ""
    assert "is required" in editor.fields["title"].problem and "1 problem(s) shown" in form.summary.value
    editor.fields["title"].widget.value = "Bias again"
    assert editor.fields["title"].problem == "" and "problem" not in form.summary.value


def test_residual_above_inherent_is_reported_on_the_risk(workspace, answers):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring")
    editor = form.part("risks").editors[0]
    fill(editor, {**answers["risks"][0], "residual_likelihood": 5, "residual_impact": 5})
    assert "may not exceed the inherent rating" in editor.note.value


def test_complete_risk_shows_its_worked_levels(workspace, answers):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring")
    editor = form.part("risks").editors[0]
    fill(editor, answers["risks"][0])
    assert not [k for k, f in editor.fields.items() if f.problem]
    assert "4 × 5 = 20 → Critical" in editor.note.value
    assert form.part("risks").container.get_title(0) == "R1: Unfair declines for protected groups"


def test_add_and_remove_risks_with_confirmation(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring")
    risks = form.part("risks")
    risks.add_button.click()
    risks.add_button.click()
    assert [e.fields["id"].value for e in risks.editors] == ["R1", "R2", "R3"]
    removal = risks.editors[1].removal
    removal.remove.click()
    assert "Remove R2: (untitled)?" in removal.question.value and len(risks.editors) == 3
    removal.confirm.click()
    assert [e.fields["id"].value for e in risks.editors] == ["R1", "R3"]
    assert len(risks.container.children) == 2
    risks.add_button.click()
    assert risks.editors[-1].fields["id"].value == "R4"


def test_draft_is_saved_as_you_type_and_restored(workspace, answers):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring", assessor="amara")
    form.part("scope").widget.value = "Model v4.2"
    fill(form.part("risks").editors[0], answers["risks"][0])
    saved = json.loads(draft_path(workspace, "risk-assessment", "credit-scoring").read_text())
    assert saved["data"]["risks"][0]["title"] == "Unfair declines for protected groups"

    again = RiskAssessmentForm(workspace, system_id="credit-scoring")
    assert "restored" in again.status.value
    assert again.part("scope").value == "Model v4.2"
    assert again.header["assessor"].value == "amara"
    assert again.part("risks").editors[0].value == form.part("risks").editors[0].value


def test_drafts_are_per_system(workspace, answers):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring", assessor="amara")
    fill(form.part("risks").editors[0], answers["risks"][0])
    form.header["system"].widget.value = "cv-screening"
    assert form.part("risks").editors[0].fields["title"].value == ""
    form.header["system"].widget.value = "credit-scoring"
    assert form.part("risks").editors[0].fields["title"].value == "Unfair declines for protected groups"


def test_submit_with_problems_archives_nothing_shows_every_problem_and_opens_the_first(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring", assessor="amara")
    form.part("scope").widget.value = "scope"
    risks = form.part("risks")
    risks.editors[0].fields["title"].widget.value = "Only a title"
    fill(risks.add(), {"title": "Second", "description": "d"})
    risks.container.selected_index = 1
    assert form.submit() is None
    assert "is required" in risks.editors[0].fields["owner"].problem  # untouched, shown after Submit
    shown = sum(f.count() for f in form.fields())
    assert f"{shown} problem(s) shown" in form.summary.value
    assert f"Not submitted: {shown} problem(s)" in form.outcome.value
    assert "<li>Description: is required</li>" in form.outcome.value  # by label, as the form shows it
    first = form.first_problem()
    assert first is risks.editors[0].fields["description"] and risks.container.selected_index == 0
    assert workspace.register.evidence_list() == []
    assert nothing_archived(workspace)


def test_problems_after_submit_are_listed_inert():
    outcome = not_submitted([("Title <b>", "<script>alert(1)</script>")] * 7)
    assert "<script>" not in outcome and "&lt;script&gt;" in outcome and "&lt;b&gt;" in outcome
    assert outcome.count("<li>") == 6 and "and 2 more" in outcome


@pytest.mark.kernel
def test_submit_runs_the_pipeline_and_links_the_evidence(workspace, answers):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring", assessor="amara")
    form.part("scope").widget.value = answers["scope"]
    fill(form.part("risks").editors[0], answers["risks"][0])
    form.part("risks").add_button.click()
    fill(form.part("risks").editors[1], answers["risks"][1])
    form.submit_button.click()
    records = workspace.register.evidence_list()
    assert len(records) == 1 and records[0]["status"] == "submitted"
    assert "Archived" in form.outcome.value
    assert records[0]["run_id"] in form.outcome.value
    assert 'href="' in form.outcome.value and "evidence.html" in form.outcome.value
    assert not [f for f in form.fields() if f.problem]  # archived: no message left behind
    results = json.loads((workspace.evidence_dir / records[0]["path"] / "results.json").read_text())
    assert [r["risk"]["id"] for r in results["results"]["risks"]] == ["R1", "R2"]
    assert not draft_path(workspace, "risk-assessment", "credit-scoring").exists()
    again = RiskAssessmentForm(workspace, system_id="credit-scoring")
    assert f"Started from <code>{records[0]['run_id']}</code> (submitted" in again.origin.value


def test_required_messages_clear_as_the_fields_fill(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring")
    assessor, scope = form.header["assessor"], form.part("scope")
    form.submit()
    assert (assessor.text, scope.text) == ("is required", "is required")
    assert 'role="alert"' in assessor.problem and form.first_problem() is assessor
    assessor.widget.value = "tomas"
    assert assessor.text == "" and assessor.problem == "" and scope.text == "is required"
    scope.widget.value = "The credit model."
    assert scope.text == ""
    assert not form.header["period"].filled and form.header["system"].filled
    assert "Not submitted" in form.outcome.value  # what stopped Submit stays while problems remain
    form.part("risks").editors[0].fields["title"].widget.value = "Bias"
    assert "Not submitted" in form.outcome.value


def test_a_problem_submit_found_on_a_header_field_goes_once_the_field_changes(workspace, answers):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring", assessor="amara")
    form.part("scope").widget.value = answers["scope"]
    fill(form.part("risks").editors[0], answers["risks"][0])
    period = form.header["period"]
    period.widget.value = "last year"
    form.submit()
    assert period.problem
    period.widget.value = "2026-Q4"
    assert period.problem == "" and form.outcome.value == ""  # all fixed: the refusal is history

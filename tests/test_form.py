"""The risk assessment form, driven from Python on the real widget objects."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workbench.pipeline.archive import ledger_entries
from workbench.ui.drafts import draft_path
from workbench.processes.risk_assessment.form import RiskAssessmentForm


def fill(editor, risk: dict) -> None:
    """Type a risk into an editor field by field, as a person would."""
    for key, value in risk.items():
        field = editor.fields[key]
        if key == "due_date":
            value = date.fromisoformat(value)
        elif key in ("objectives", "existing_controls", "planned_controls"):
            value = tuple(value)
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


def test_validation_message_appears_next_to_the_field_as_you_type(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring")
    editor = form.part("risks").editors[0]
    editor.fields["title"].widget.value = "Bias"
    assert editor.fields["title"].problem == ""
    assert "is required" in editor.fields["description"].problem
    editor.fields["title"].widget.value = ""
    assert "is required" in editor.fields["title"].problem


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


def test_submit_with_problems_archives_nothing_and_marks_fields(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring", assessor="amara")
    form.part("scope").widget.value = "scope"
    form.part("risks").editors[0].fields["title"].widget.value = "Only a title"
    assert form.submit() is None
    assert "Not submitted" in form.outcome.value
    assert "is required" in form.part("risks").editors[0].fields["owner"].problem
    assert workspace.register.evidence_list() == []
    assert {e["kind"] for e in ledger_entries(workspace.evidence_dir)} == {"system"}  # the fixture's systems


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
    results = json.loads((workspace.evidence_dir / records[0]["path"] / "results.json").read_text())
    assert [r["risk"]["id"] for r in results["results"]["risks"]] == ["R1", "R2"]
    assert not draft_path(workspace, "risk-assessment", "credit-scoring").exists()
    again = RiskAssessmentForm(workspace, system_id="credit-scoring")
    assert f"Started from <code>{records[0]['run_id']}</code> (submitted" in again.origin.value


def test_required_messages_clear_as_the_fields_fill(workspace):
    form = RiskAssessmentForm(workspace, system_id="credit-scoring")
    assessor, scope = form.header["assessor"], form.part("scope")
    assert (assessor.text, scope.text) == ("is required", "is required")
    assert 'role="alert"' in assessor.problem
    assessor.widget.value = "tomas"
    assert assessor.text == "" and assessor.problem == "" and scope.text == "is required"
    scope.widget.value = "The credit model."
    assert scope.text == ""
    assert not form.header["period"].filled and form.header["system"].filled

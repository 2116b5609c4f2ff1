"""The ``workbench`` command, driven in-process with click's CliRunner (no papermill runs here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from keys import PUBLIC, nothing_archived
from workbench.config import default_configuration
from workbench.cli import main
from workbench.content import load_content
from workbench.demo import ANSWERS
from workbench.workspace import Workspace, init_workspace

NEW_SYSTEM = ["--id", "fraud-alerts", "--name", "Card fraud alerts", "--owner", "lena",
              "--purpose", "Flags card payments that look fraudulent.", "--lifecycle-stage", "deployment",
              "--deployment-context", "Card payments in the EU.", "--stakeholder", "card holders",
              "--stakeholder", "fraud analysts", "--personal-data", "transaction data",
              "--personal-data", "location", "--tier", "high"]


@pytest.fixture(autouse=True)
def _no_ambient_workspace(monkeypatch):
    monkeypatch.delenv("WORKBENCH_WORKSPACE", raising=False)
    monkeypatch.delenv("WORKBENCH_REGISTER_URL", raising=False)


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args: str):
    result = invoke(*args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


# init

def test_init_creates_a_workspace(tmp_path):
    result = ok("init", tmp_path / "ws", "--organisation", "Acme AI")
    root = (tmp_path / "ws").resolve()
    assert f"workspace created at {root}" in result.stdout
    assert Workspace(root).config.organisation.name == "Acme AI"
    assert (root / "register.db").is_file() and (root / "evidence").is_dir()


def test_init_writes_the_periodic_review_notebook_and_review_notebook_rewrites_it_only_when_asked(tmp_path):
    ok("init", tmp_path / "ws")
    path = (tmp_path / "ws").resolve() / "scheduled" / "periodic_review.ipynb"
    assert str(path.parent.parent) in path.read_text(encoding="utf-8")
    assert ok("review", "notebook", "--workspace", tmp_path / "ws").stdout.startswith(f"{path}\n")
    path.write_text("{}", encoding="utf-8")
    result = invoke("review", "--workspace", tmp_path / "ws", "notebook")
    assert result.exit_code == 2 and "--replace" in result.stderr and path.read_text(encoding="utf-8") == "{}"
    ok("review", "notebook", "--workspace", tmp_path / "ws", "--replace")
    assert str(path.parent.parent) in path.read_text(encoding="utf-8")


def test_init_twice_exits_2(tmp_path):
    ok("init", tmp_path / "ws")
    result = invoke("init", tmp_path / "ws")
    assert result.exit_code == 2
    assert "is already a workspace" in result.stderr
    assert result.stdout == ""


# system add / import / list / show

def test_system_add_with_all_options(workspace):
    result = ok("system", "add", "--workspace", workspace.root, *NEW_SYSTEM)
    assert result.stdout == "registered fraud-alerts\n"
    system = workspace.register.system("fraud-alerts")
    assert system.model_dump() == {
        "id": "fraud-alerts", "name": "Card fraud alerts", "owner": "lena",
        "purpose": "Flags card payments that look fraudulent.", "lifecycle_stage": "deployment",
        "deployment_context": "Card payments in the EU.",
        "affected_stakeholders": ["card holders", "fraud analysts"],
        "personal_data_categories": ["transaction data", "location"], "tier": "high"}


def test_system_add_with_an_unknown_tier_exits_2(workspace):
    args = NEW_SYSTEM[:-1] + ["extreme"]
    result = invoke("system", "add", "-w", workspace.root, *args)
    assert result.exit_code == 2
    assert "tier: unknown tier; allowed: high, medium, low (got 'extreme')" in result.stderr
    assert "fraud-alerts" not in [s.id for s in workspace.register.systems()]


def test_system_add_with_a_taken_id_exits_2(workspace):
    args = ["--id", "credit-scoring"] + NEW_SYSTEM[2:]
    result = invoke("system", "add", "-w", workspace.root, *args)
    assert result.exit_code == 2
    assert "id: is already registered" in result.stderr


def test_system_add_without_a_required_option_is_a_usage_error(workspace):
    result = invoke("system", "add", "-w", workspace.root, "--id", "x")
    assert result.exit_code == 2
    assert "Missing option" in result.stderr


def test_system_import_yaml(workspace, tmp_path):
    path = tmp_path / "more.yaml"
    path.write_text(yaml.safe_dump({"systems": [{
        "id": "doc-reader", "name": "Document reader", "owner": "amara", "purpose": "Reads forms.",
        "lifecycle_stage": "design-development", "deployment_context": "Back office.",
        "affected_stakeholders": ["clerks"], "tier": "low"}]}), encoding="utf-8")
    result = ok("system", "import", "-w", workspace.root, path)
    assert result.stdout == "registered 1 systems: doc-reader\n"
    assert workspace.register.system("doc-reader").tier == "low"


def test_system_import_csv(workspace, tmp_path):
    path = tmp_path / "more.csv"
    path.write_text("id,name,owner,purpose,lifecycle_stage,deployment_context,affected_stakeholders,"
                    "personal_data_categories,tier\n"
                    "doc-reader,Reader,amara,Reads,deployment,Office,clerks;auditors,,low\n"
                    "doc-writer,Writer,lena,Writes,inception,Office,clerks,names,medium\n", encoding="utf-8")
    result = ok("system", "import", "-w", workspace.root, path)
    assert result.stdout == "registered 2 systems: doc-reader, doc-writer\n"
    assert workspace.register.system("doc-reader").affected_stakeholders == ["clerks", "auditors"]


def test_system_import_with_a_bad_row_exits_2_and_registers_nothing(workspace, tmp_path):
    path = tmp_path / "more.yaml"
    row = {"id": "doc-reader", "name": "Reader", "owner": "amara", "purpose": "Reads.",
           "lifecycle_stage": "deployment", "deployment_context": "Office.", "affected_stakeholders": ["clerks"],
           "tier": "low"}
    other = {**row, "id": "doc-writer", "tier": "extreme", "affected_stakeholders": ["clerks"]}  # no shared list: no alias
    path.write_text(yaml.safe_dump([row, other]), encoding="utf-8")
    result = invoke("system", "import", "-w", workspace.root, path)
    assert result.exit_code == 2
    assert "systems[1].tier: unknown tier" in result.stderr
    assert [s.id for s in workspace.register.systems()] == ["credit-scoring", "cv-screening", "support-assistant"]


def test_system_import_missing_file_exits_2(workspace, tmp_path):
    result = invoke("system", "import", "-w", workspace.root, tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "file: no such file" in result.stderr


def test_system_list_json(workspace):
    listed = json.loads(ok("system", "list", "--json", "-w", workspace.root).stdout)
    assert [s["id"] for s in listed] == ["credit-scoring", "cv-screening", "support-assistant"]
    assert listed[0]["owner"] == "lena" and listed[2]["tier"] == "medium"


def test_system_list_json_on_an_empty_workspace(tmp_path):
    ok("init", tmp_path / "ws")
    assert json.loads(ok("system", "list", "--json", "-w", tmp_path / "ws").stdout) == []


def test_system_list_text(workspace):
    lines = ok("system", "list", "-w", workspace.root).stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[:3] == ["credit-scoring", "high", "operation-monitoring"]


def test_system_show_json(workspace):
    shown = json.loads(ok("system", "show", "cv-screening", "--json", "-w", workspace.root).stdout)
    assert shown == workspace.register.system("cv-screening").model_dump()
    assert shown["affected_stakeholders"] == ["job applicants", "recruiters", "hiring managers"]


def test_system_show_unknown_exits_2(workspace):
    result = invoke("system", "show", "nope", "-w", workspace.root)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: system: is not a registered AI system")
    assert "(got 'nope')" in result.stderr


# schema

def test_schema_risk_assessment_lists_the_38_controls():
    schema = json.loads(ok("schema", "risk-assessment").stdout)
    risk = schema["$defs"]["Risk"]["properties"]
    for field in ("existing_controls", "planned_controls"):
        enum = risk[field]["items"]["enum"]
        assert enum == load_content().control_ids()
        assert len(enum) == 38 and enum[0] == "A.2.2" and enum[-1] == "A.10.4"


def test_schema_risk_assessment_describes_the_answers():
    schema = json.loads(ok("schema", "risk-assessment").stdout)
    assert schema["title"] == "AI risk assessment answers"
    assert set(schema["required"]) == {"scope", "risks"}
    likelihood = schema["$defs"]["Risk"]["properties"]["inherent_likelihood"]
    assert (likelihood["minimum"], likelihood["maximum"]) == (1, 5)


def test_schema_configuration():
    schema = json.loads(ok("schema", "configuration").stdout)
    assert schema["title"] == "Configuration"
    assert {"organisation", "people", "tiers", "risk_criteria", "impact_criteria", "review",
            "register_url"} <= set(schema["properties"])
    assert schema["required"] == ["organisation", "people"]  # every process section has defaults
    assert "RiskCriteria" in schema["$defs"] and "ImpactCriteria" in schema["$defs"]


def test_schema_system():
    schema = json.loads(ok("schema", "system").stdout)
    assert schema["properties"]["lifecycle_stage"]["enum"][0] == "inception"


def test_schema_unknown_process_exits_2():
    result = invoke("schema", "audit")
    assert result.exit_code == 2
    assert ("process: unknown process; allowed: ai-policy, data-quality, explainability, gap-analysis, impact-assessment, incident-report, internal-audit, management-review, "
            "monitoring, objectives, risk-assessment, soa, system-card (got 'audit')" in result.stderr)


# evidence

def test_evidence_list_json_on_an_empty_workspace(workspace):
    assert json.loads(ok("evidence", "list", "--json", "-w", workspace.root).stdout) == []


def test_evidence_show_unknown_exits_2(workspace):
    result = invoke("evidence", "show", "ra-20261127T174501Z-3f9a1c", "-w", workspace.root)
    assert result.exit_code == 2
    assert "evidence: is not an evidence id" in result.stderr
    result = invoke("evidence", "show", "ra-nope", "-w", workspace.root)
    assert result.exit_code == 2
    assert "run_id: must be a run id such as" in result.stderr


# Which workspace: --workspace, then $WORKBENCH_WORKSPACE, then the current folder

@pytest.fixture
def three(tmp_path) -> dict[str, Path]:
    """Three workspaces told apart by the one system each holds."""
    roots = {}
    for name in ("option", "env", "cwd"):
        ws = init_workspace(tmp_path / name, config=default_configuration(name, [PUBLIC["priya"]]))
        ok("system", "add", "-w", ws.root, "--id", f"{name}-system", "--name", name, "--owner", "aims-manager",
           "--purpose", "p", "--lifecycle-stage", "inception", "--deployment-context", "c",
           "--stakeholder", "s", "--tier", "low")
        roots[name] = ws.root
    return roots


def _listed(*args) -> list[str]:
    return [s["id"] for s in json.loads(ok("system", "list", "--json", *args).stdout)]


def test_workspace_option_wins_over_env_and_cwd(three, monkeypatch):
    monkeypatch.setenv("WORKBENCH_WORKSPACE", str(three["env"]))
    monkeypatch.chdir(three["cwd"])
    assert _listed("--workspace", three["option"]) == ["option-system"]
    assert _listed("-w", three["option"]) == ["option-system"]


def test_env_var_wins_over_cwd(three, monkeypatch):
    monkeypatch.setenv("WORKBENCH_WORKSPACE", str(three["env"]))
    monkeypatch.chdir(three["cwd"])
    assert _listed() == ["env-system"]


def test_current_folder_is_the_last_resort(three, monkeypatch):
    monkeypatch.chdir(three["cwd"])
    assert _listed() == ["cwd-system"]


def test_no_workspace_anywhere_exits_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("system", "list")
    assert result.exit_code == 2
    assert f"{tmp_path.resolve()} is not a workspace (no workbench.yaml)" in result.stderr


def test_workspace_option_that_is_not_a_workspace_exits_2(tmp_path):
    result = invoke("evidence", "list", "-w", tmp_path)
    assert result.exit_code == 2
    assert "is not a workspace" in result.stderr


# run: bad input is refused before anything runs (exit 2, nothing archived)

def _answers_file(tmp_path: Path, answers: dict, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    return path


def _refused(workspace, *args) -> str:
    result = invoke("run", "risk-assessment", "-w", workspace.root, "--assessor", "amara", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert nothing_archived(workspace)
    assert workspace.register.evidence_list() == []
    assert not workspace.staging_dir.exists()
    return result.stderr


def test_run_unknown_system_exits_2(workspace, answers, tmp_path):
    stderr = _refused(workspace, "--system", "mortgage-pricing", "--answers", _answers_file(tmp_path, answers))
    assert "system: is not a registered AI system" in stderr and "(got 'mortgage-pricing')" in stderr


def test_run_bad_answers_exits_2(workspace, answers, tmp_path):
    answers["risks"][0]["inherent_likelihood"] = 7
    stderr = _refused(workspace, "--system", "credit-scoring", "--answers", _answers_file(tmp_path, answers))
    assert "risks[0].inherent_likelihood: must be a level from 1 to 5" in stderr and "(got 7)" in stderr


def test_run_broken_answers_file_exits_2(workspace, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("{not json", encoding="utf-8")
    stderr = _refused(workspace, "--system", "credit-scoring", "--answers", path)
    assert "answers: is not valid JSON" in stderr and str(path) in stderr


def test_run_answers_as_a_json_string_with_a_bad_control_exits_2(workspace):
    answers = json.loads(json.dumps(ANSWERS["credit-scoring"]))
    answers["risks"][1]["planned_controls"] = ["A.11.1"]
    stderr = _refused(workspace, "--system", "credit-scoring", "--answers", json.dumps(answers))
    assert "risks[1].planned_controls: unknown Annex A control 'A.11.1'" in stderr


def test_run_bad_period_exits_2(workspace, answers, tmp_path):
    stderr = _refused(workspace, "--system", "credit-scoring", "--answers", _answers_file(tmp_path, answers),
                      "--period", "2026-Q5")
    assert "period: must be a year, half, quarter or month" in stderr and "(got '2026-Q5')" in stderr


def test_run_in_a_folder_that_is_not_a_workspace_exits_2(tmp_path, answers):
    result = invoke("run", "risk-assessment", "-w", tmp_path, "--system", "credit-scoring",
                    "--answers", _answers_file(tmp_path, answers))
    assert result.exit_code == 2
    assert "is not a workspace" in result.stderr


def test_version():
    result = ok("--version")
    assert result.stdout.strip() == "workbench, version 0.1.0"

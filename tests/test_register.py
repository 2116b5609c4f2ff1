"""The workspace folder and its register: systems from Python, YAML and CSV; tables as DataFrames."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
import yaml

from keys import KEYS, PUBLIC, record
from workbench.config import default_configuration
from workbench.demo import SYSTEMS, demo_configuration
from workbench.exceptions import InputError, UnknownRecordError, WorkspaceError
from workbench.register import Register
from workbench.systems import AISystem, parse_systems, read_systems_file
from workbench.workspace import Workspace, find_workspace, init_workspace

SYSTEM_COLUMNS = ["id", "name", "owner", "purpose", "lifecycle_stage", "deployment_context",
                  "affected_stakeholders", "personal_data_categories", "tier", "registered_at"]
EVIDENCE_COLUMNS = ["run_id", "process", "system_id", "item_id", "period", "effective_date", "assessor", "status",
                    "recorded_at", "path", "html_sha256", "notebook_sha256", "results_sha256", "answers_sha256",
                    "ledger_hash", "workbench_version", "error", "headline", "review_round", "confirmed_by"]
RISK_COLUMNS = ["run_id", "risk_id", "system_id", "title", "risk_source", "inherent_score", "inherent_band",
                "residual_score", "residual_band", "treatment", "owner", "due_date", "above_appetite", "controls"]

CSV_HEADER = ("id,name,owner,purpose,lifecycle_stage,deployment_context,affected_stakeholders,"
              "personal_data_categories,tier\n")


def _system(**changes) -> dict:
    data = {"id": "fraud-alerts", "name": "Card fraud alerts", "owner": "lena",
            "purpose": "Flags card payments that look fraudulent for an analyst to check.",
            "lifecycle_stage": "deployment", "deployment_context": "Card payments in the EU.",
            "affected_stakeholders": ["card holders", "fraud analysts"],
            "personal_data_categories": ["transaction data"], "tier": "high"}
    data.update(changes)
    return data


REGISTER_BACKENDS = ("workspace", "empty")
pytestmark = pytest.mark.both_registers  # every test runs on SQLite and on PostgreSQL


@pytest.fixture
def empty(tmp_path: Path, register_backend) -> Workspace:
    """A workspace with the demo people and no systems."""
    return init_workspace(tmp_path / "empty", config=register_backend.config(demo_configuration(KEYS)))


def _ids(workspace: Workspace) -> list[str]:
    return [s.id for s in workspace.register.systems()]

ACME = default_configuration("My organisation", [PUBLIC["priya"]])


# The workspace folder

def test_init_creates_configuration_register_and_folders(tmp_path):
    ws = init_workspace(tmp_path / "new", config=default_configuration("Acme AI", [PUBLIC["priya"]]))
    assert sorted(p.name for p in ws.root.iterdir()) == ["drafts", "evidence", "register.db", "workbench.yaml"]
    assert ws.evidence_dir.is_dir() and ws.drafts_dir.is_dir()
    assert ws.config.organisation.name == "Acme AI"
    assert yaml.safe_load((ws.root / "workbench.yaml").read_text())["organisation"]["name"] == "Acme AI"


def test_init_creates_the_register_tables(tmp_path):
    ws = init_workspace(tmp_path / "new", config=ACME)
    with sqlite3.connect(ws.root / "register.db") as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
    assert {"systems", "evidence", "risks", "events", "impact_assessments", "soa_controls", "audits",
            "nonconformities", "action_updates", "documented_information", "competence", "gap_actions",
            "review_actions", "signoffs"} <= tables


def test_init_in_a_missing_nested_folder(tmp_path):
    ws = init_workspace(tmp_path / "a" / "b" / "ws", config=ACME)
    assert (ws.root / "workbench.yaml").is_file()


def test_init_twice_is_refused(tmp_path):
    init_workspace(tmp_path / "ws", config=ACME)
    with pytest.raises(WorkspaceError, match="is already a workspace"):
        init_workspace(tmp_path / "ws", config=ACME)


def test_init_with_a_bad_configuration_writes_nothing(tmp_path):
    config = demo_configuration(KEYS)
    config["risk_criteria"]["appetite"] = "Moderate"
    with pytest.raises(InputError, match="appetite 'Moderate' is not a band"):
        init_workspace(tmp_path / "ws", config=config)
    assert not (tmp_path / "ws").exists()


def test_opening_a_folder_that_is_not_a_workspace_is_refused(tmp_path):
    with pytest.raises(WorkspaceError, match=r"is not a workspace \(no workbench.yaml\)"):
        Workspace(tmp_path)


def test_opening_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(WorkspaceError, match="is not a workspace"):
        Workspace(tmp_path / "nowhere")


def test_reopening_a_workspace_sees_its_register(workspace):
    assert _ids(Workspace(workspace.root)) == ["credit-scoring", "cv-screening", "support-assistant"]


def test_broken_configuration_is_a_workspace_error(empty):
    (empty.root / "workbench.yaml").write_text("organisation: {name: ''}\npeople: []\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="organisation.name"):
        record(empty.root)


# Systems from Python

def test_add_system_from_python(empty):
    added = empty.add_system(_system())
    assert added.id == "fraud-alerts"
    assert empty.register.system("fraud-alerts") == AISystem.model_validate(_system())


def test_systems_are_listed_by_id(workspace):
    workspace.add_system(_system(id="a-first"))
    assert _ids(workspace) == ["a-first", "credit-scoring", "cv-screening", "support-assistant"]


def test_system_round_trips_lists(workspace):
    system = workspace.register.system("credit-scoring")
    assert system.affected_stakeholders == ["loan applicants", "credit officers", "regulators"]
    assert system.personal_data_categories == ["income", "credit history", "employment status", "age"]


def test_duplicate_system_id_is_refused(workspace):
    with pytest.raises(InputError, match=r"id: is already registered; choose another id \(got 'credit-scoring'\)"):
        workspace.add_system(_system(id="credit-scoring"))
    assert workspace.register.system("credit-scoring").name == "Retail credit scoring model"


def test_adding_several_systems_is_all_or_nothing(workspace):
    with pytest.raises(InputError, match="cv-screening"):
        workspace.add_systems([_system(), _system(id="cv-screening")])
    assert "fraud-alerts" not in _ids(workspace)


def test_unknown_system_lists_the_registered_ones(workspace):
    with pytest.raises(UnknownRecordError, match="registered: credit-scoring, cv-screening, support-assistant"):
        workspace.register.system("nope")


# Systems from files

def test_import_systems_from_a_yaml_list(empty, tmp_path):
    path = tmp_path / "systems.yaml"
    path.write_text(yaml.safe_dump(SYSTEMS), encoding="utf-8")
    empty.add_systems(read_systems_file(path))
    assert _ids(empty) == ["credit-scoring", "cv-screening", "support-assistant"]
    assert empty.register.system("support-assistant").tier == "medium"


def test_import_systems_from_a_yaml_systems_key(empty, tmp_path):
    path = tmp_path / "systems.yml"
    path.write_text(yaml.safe_dump({"systems": [_system()]}), encoding="utf-8")
    empty.add_systems(read_systems_file(path))
    assert _ids(empty) == ["fraud-alerts"]


def test_import_systems_from_csv_with_semicolon_lists(empty, tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text(CSV_HEADER
                    + "fraud-alerts,Card fraud alerts,lena,Flags card payments,deployment,Card payments,"
                      "card holders; fraud analysts;regulators,transaction data;location,high\n"
                    + "doc-reader,Document reader,amara,Reads forms,design-development,Back office,clerks,,low\n",
                    encoding="utf-8")
    empty.add_systems(read_systems_file(path))
    fraud = empty.register.system("fraud-alerts")
    assert fraud.affected_stakeholders == ["card holders", "fraud analysts", "regulators"]
    assert fraud.personal_data_categories == ["transaction data", "location"]
    reader = empty.register.system("doc-reader")
    assert (reader.affected_stakeholders, reader.personal_data_categories, reader.tier) == (["clerks"], [], "low")


def test_import_csv_with_a_byte_order_mark(empty, tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text(CSV_HEADER + "doc-reader,Reader,amara,Reads,deployment,Office,clerks,,low\n",
                    encoding="utf-8-sig")
    assert [s.id for s in parse_systems(read_systems_file(path), empty.validation_context())] == ["doc-reader"]


def test_a_bad_row_registers_nothing_and_names_the_row_and_field(empty, tmp_path):
    path = tmp_path / "systems.yaml"
    path.write_text(yaml.safe_dump({"systems": [_system(), _system(id="second", tier="extreme")]}), encoding="utf-8")
    with pytest.raises(InputError) as err:
        empty.add_systems(read_systems_file(path))
    assert str(err.value) == "systems file: systems[1].tier: unknown tier; allowed: high, medium, low (got 'extreme')"
    assert _ids(empty) == []


def test_a_bad_csv_row_registers_nothing(empty, tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text(CSV_HEADER
                    + "doc-reader,Reader,amara,Reads,deployment,Office,clerks,,low\n"
                    + "doc-writer,Writer,bob,Writes,launch,Office,clerks,,low\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        empty.add_systems(read_systems_file(path))
    message = str(err.value)
    assert message.startswith("systems file: 2 problems")
    assert "systems[1].owner: unknown person" in message and "(got 'bob')" in message
    assert "systems[1].lifecycle_stage" in message and "(got 'launch')" in message
    assert _ids(empty) == []


def test_an_id_already_registered_registers_nothing_from_the_file(workspace, tmp_path):
    path = tmp_path / "systems.yaml"
    path.write_text(yaml.safe_dump([_system(), _system(id="cv-screening")]), encoding="utf-8")
    with pytest.raises(InputError, match="'cv-screening'"):
        workspace.add_systems(read_systems_file(path))
    assert "fraud-alerts" not in _ids(workspace)


def test_an_id_twice_in_one_file_is_refused(empty, tmp_path):
    path = tmp_path / "systems.yaml"
    path.write_text(yaml.safe_dump([_system(), _system()]), encoding="utf-8")
    with pytest.raises(InputError, match=r"id: appears more than once in the file \(got 'fraud-alerts'\)"):
        parse_systems(read_systems_file(path), empty.validation_context())


def test_an_unsafe_system_id_in_a_file_is_refused(empty, tmp_path):
    path = tmp_path / "systems.yaml"
    path.write_text(yaml.safe_dump([_system(id="../escape")]), encoding="utf-8")
    with pytest.raises(InputError, match=r"systems\[0\].id: must be a safe slug"):
        parse_systems(read_systems_file(path), empty.validation_context())


@pytest.mark.parametrize("name, text, message", [
    ("systems.txt", "id: x\n", "unknown file type"),
    ("systems.yaml", "systems: [unclosed\n", "is not valid YAML"),
    ("systems.yaml", "id: x\n", "must hold a list of systems"),
    ("systems.csv", CSV_HEADER + "a,b,c,d,e,f,g,h,i,extra\n", "more cells than the header"),
])
def test_unreadable_systems_file(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        read_systems_file(path)
    assert str(err.value).startswith("file: ")


def test_missing_systems_file(tmp_path):
    with pytest.raises(InputError, match="file: no such file"):
        read_systems_file(tmp_path / "nope.csv")


# Tables as DataFrames

def test_systems_frame(workspace):
    frame = workspace.register.frame("systems")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == SYSTEM_COLUMNS
    assert sorted(frame["id"]) == ["credit-scoring", "cv-screening", "support-assistant"]


def test_empty_evidence_and_risks_frames_have_their_columns(workspace):
    evidence, risks = workspace.register.frame("evidence"), workspace.register.frame("risks")
    assert isinstance(evidence, pd.DataFrame) and isinstance(risks, pd.DataFrame)
    assert (list(evidence.columns), len(evidence)) == (EVIDENCE_COLUMNS, 0)
    assert (list(risks.columns), len(risks)) == (RISK_COLUMNS, 0)


def test_recorded_evidence_and_risks_appear_in_the_frames(workspace):
    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    entry = {"run_id": "ra-20261127T120000Z-abcdef", "process": "risk-assessment", "system_id": "credit-scoring",
             "period": "2026-Q4", "effective_date": date(2026, 11, 27), "assessor": "amara", "status": "submitted",
             "recorded_at": now, "path": "credit-scoring/risk-assessment/ra-20261127T120000Z-abcdef",
             "html_sha256": "a" * 64, "notebook_sha256": "b" * 64, "results_sha256": "c" * 64,
             "answers_sha256": "d" * 64, "ledger_hash": "e" * 64, "workbench_version": "0.1.0", "error": None}
    risk = {"risk_id": "R1", "title": "Unfair declines", "risk_source": "C.3.4", "inherent_score": 20,
            "inherent_band": "Critical", "residual_score": 8, "residual_band": "Medium", "treatment": "mitigate",
            "owner": "tomas", "due_date": date(2027, 3, 31), "above_appetite": False,
            "controls": ["A.7.4", "A.5.4"]}
    workspace.register.record_evidence(entry, {"risks": [risk]})
    evidence, risks = workspace.register.frame("evidence"), workspace.register.frame("risks")
    assert evidence.loc[0, "run_id"] == entry["run_id"] and evidence.loc[0, "status"] == "submitted"
    row = risks.iloc[0]
    assert (row["run_id"], row["system_id"], row["risk_id"], row["inherent_band"]) == (
        entry["run_id"], "credit-scoring", "R1", "Critical")
    assert row["controls"] == ["A.7.4", "A.5.4"]
    assert workspace.register.evidence_list(system_id="credit-scoring")[0]["run_id"] == entry["run_id"]
    assert workspace.register.evidence_list(system_id="cv-screening") == []


def test_workspace_frame_is_the_register_frame(workspace):
    assert workspace.frame("systems").equals(workspace.register.frame("systems"))


def test_unknown_table_is_refused(workspace):
    with pytest.raises(InputError, match=r"table: unknown table; allowed: systems, items, evidence, .*risks.* \(got .nope.\)"):
        workspace.register.frame("nope")


# Where the register lives

def test_register_url_env_var_points_at_another_sqlite_file(workspace, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere" / "shared.db"
    other.parent.mkdir()
    own = workspace.register_url
    monkeypatch.setenv("WORKBENCH_REGISTER_URL", f"sqlite:///{other}")
    ws = Workspace(workspace.root)
    assert ws.register.url == f"sqlite:///{other}"
    assert ws.register.systems() == []
    ws.add_system(_system())  # the new register first indexes the workspace's ledger, then the new system
    assert [s.id for s in Register(f"sqlite:///{other}").systems()] == [
        "credit-scoring", "cv-screening", "fraud-alerts", "support-assistant"]
    assert [s.id for s in Register(own).systems()] == ["credit-scoring", "cv-screening", "support-assistant"]


def test_without_the_env_var_the_register_is_in_the_workspace(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_REGISTER_URL", raising=False)
    workspace = init_workspace(tmp_path / "ws", config=ACME)
    assert Workspace(workspace.root).register.url == f"sqlite:///{workspace.root / 'register.db'}"


def test_find_workspace_uses_the_env_var_then_the_current_folder(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_WORKSPACE", str(workspace.root))
    assert find_workspace().root == workspace.root
    monkeypatch.delenv("WORKBENCH_WORKSPACE")
    monkeypatch.chdir(workspace.root)
    assert find_workspace().root == workspace.root
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError):
        find_workspace()


def test_an_entry_whose_table_lists_no_rows_adds_none(empty):
    """A management review without actions indexes ``{"review_actions": []}``: nothing, not a row of defaults."""
    before = empty.register.count("review_actions")
    empty.register.index([{"review_actions": []}])
    assert empty.register.count("review_actions") == before == 0

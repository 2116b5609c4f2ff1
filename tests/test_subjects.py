"""Records about more than systems: items of a system, a register made by an earlier version, the
process's own configuration section and CLI, and the plug-ins the contract refuses."""

from __future__ import annotations

import sqlite3
from importlib.metadata import EntryPoint

import pytest
import yaml
from click.testing import CliRunner

from keys import record
from workbench import processes as registry
from workbench.cli import main
from workbench.config import configuration_model
from workbench.exceptions import InputError, UnknownRecordError, WorkspaceError
from workbench.migrations import SchemaError, upgrade_register
from workbench.processes import Process, get_process
from workbench.records.acts import Act
from workbench.register import Register
from workbench.workspace import CONFIG_FILE


def cli(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


# items of a system

def test_items_are_registered_per_system_and_kind(workspace):
    register = workspace.register
    workspace.add_item("credit-scoring", {"id": "bureau-data", "kind": "supplier", "name": "Credit bureau feed"})
    workspace.add_item("credit-scoring", {"id": "scorecard-v7", "kind": "model-version", "name": "Scorecard 7"})
    workspace.add_item("cv-screening", {"id": "bureau-data", "kind": "supplier", "name": "Same id, other system"})
    assert [i.id for i in register.items("credit-scoring")] == ["bureau-data", "scorecard-v7"]
    assert [i.id for i in register.items("credit-scoring", "supplier")] == ["bureau-data"]
    assert register.item("cv-screening", "bureau-data").name == "Same id, other system"
    assert workspace.frame("items")[["system_id", "id", "kind"]].values.tolist() == [
        ["credit-scoring", "bureau-data", "supplier"], ["credit-scoring", "scorecard-v7", "model-version"],
        ["cv-screening", "bureau-data", "supplier"]]


def test_an_item_is_refused_twice_for_an_unknown_system_or_as_the_wrong_kind(workspace):
    workspace.add_item("credit-scoring", {"id": "bureau-data", "kind": "supplier", "name": "Feed"})
    with pytest.raises(InputError, match="id: is already an item of credit-scoring"):
        workspace.add_item("credit-scoring", {"id": "bureau-data", "kind": "supplier", "name": "Again"})
    with pytest.raises(UnknownRecordError, match="system: is not a registered AI system"):
        workspace.add_item("no-such-system", {"id": "x", "kind": "supplier", "name": "X"})
    with pytest.raises(UnknownRecordError, match="item: is not a dataset of AI system credit-scoring; registered: none"):
        workspace.register.item("credit-scoring", "bureau-data", kind="dataset")


@pytest.mark.parametrize("bad", ["../../etc", "Bureau Data", "", "a" * 65, "organisation/x", "<script>"])
def test_item_ids_are_safe_slugs(workspace, bad):
    result = cli("item", "add", "-w", workspace.root, "--system", "credit-scoring", "--id", bad, "--kind",
                 "supplier", "--name", "X")
    assert result.exit_code == 2 and "id:" in result.output and "safe slug" in result.output
    assert workspace.register.items() == []


def test_item_cli_adds_and_lists(workspace):
    added = cli("item", "add", "-w", workspace.root, "--system", "credit-scoring", "--id", "bureau-data",
                "--kind", "supplier", "--name", "Credit bureau <feed>")
    assert added.exit_code == 0 and "registered supplier bureau-data of credit-scoring" in added.output
    listed = cli("item", "list", "-w", workspace.root, "--kind", "supplier")
    assert listed.exit_code == 0 and "bureau-data" in listed.output and "Credit bureau <feed>" in listed.output
    assert cli("item", "list", "-w", workspace.root, "--kind", "dataset").output == ""


def test_a_process_about_the_system_refuses_an_item(workspace, answers):
    result = cli("run", "risk-assessment", "-w", workspace.root, "--system", "credit-scoring", "--item", "bureau-data",
                 "--answers", yaml.safe_dump(answers), "--assessor", "amara")
    assert result.exit_code == 2
    assert "item: risk-assessment is about the system itself; leave the item out" in result.output
    assert workspace.register.evidence_list() == []


# a register made by an earlier version

def test_a_register_without_the_item_and_headline_columns_is_upgraded(tmp_path, workspace):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # the evidence table as the previous version created it
        db.execute("CREATE TABLE evidence (run_id VARCHAR(80) PRIMARY KEY, process VARCHAR(64), "
                   "system_id VARCHAR(64), period VARCHAR(20), effective_date DATE, assessor VARCHAR(64), "
                   "status VARCHAR(20), recorded_at DATETIME, path TEXT, html_sha256 VARCHAR(64), "
                   "notebook_sha256 VARCHAR(64), results_sha256 VARCHAR(64), answers_sha256 VARCHAR(64), "
                   "ledger_hash VARCHAR(64), workbench_version VARCHAR(20), error TEXT)")
        db.execute("INSERT INTO evidence VALUES ('ra-1', 'risk-assessment', 'credit-scoring', '2026-Q3', "
                   "'2026-09-30', 'amara', 'approved', '2026-09-30 10:00:00', 'credit-scoring/risk-assessment/ra-1', "
                   "NULL, NULL, NULL, 'abc', NULL, '0.1.0', NULL)")
    with pytest.raises(SchemaError, match="made before schema versions"):
        Register(f"sqlite:///{path}")
    upgrade_register(f"sqlite:///{path}")  # workbench db upgrade
    register = Register(f"sqlite:///{path}")
    [record] = register.evidence_list()
    assert record["run_id"] == "ra-1" and record["item_id"] == "" and record["headline"] == ""
    assert register.latest_evidence("credit-scoring", "risk-assessment")["run_id"] == "ra-1"
    again = Register(f"sqlite:///{path}")  # a second open finds nothing left to add, and keeps the row
    assert again.evidence_list() == [record]


# the configuration: one section per process

def test_every_settings_section_comes_from_its_process(workspace):
    model = configuration_model()
    sections = {p.settings[0]: p.settings[1] for p in registry.processes().values() if p.settings}
    assert sections.keys() == {"risk_criteria", "impact_criteria", "readiness", "incidents", "model_release"}
    for key, settings in sections.items():
        assert model.model_fields[key].annotation is settings
        assert isinstance(getattr(workspace.config, key), settings)


def test_a_bad_process_section_is_refused_with_the_rest_of_the_configuration(workspace):
    path = workspace.root / CONFIG_FILE
    data = yaml.safe_load(path.read_text())
    data["risk_criteria"]["appetite"] = "Tolerable"
    data["readiness"]["target"] = 9
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(WorkspaceError) as caught:
        record(workspace.root)
    assert "appetite 'Tolerable' is not a band" in str(caught.value) and "readiness.target" in str(caught.value)


def test_an_unknown_section_and_an_unreviewable_process_are_refused(workspace):
    path = workspace.root / CONFIG_FILE
    data = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**data, "supplier_criteria": {}}))
    with pytest.raises(WorkspaceError, match="supplier_criteria"):
        record(workspace.root)
    data["review"]["processes"] = ["risk-assessment", "soa"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(WorkspaceError, match="review.processes: soa cannot be reviewed per system"):
        record(workspace.root)


def test_periodic_processes_are_the_review_default():
    assert configuration_model()(organisation={"name": "X"}, people=[
        {"id": "a", "name": "A", "roles": ["assessor"]}]).review.processes == ["data-quality", "impact-assessment", "monitoring",
                                                                     "risk-assessment",
                                                                     "supplier-assessment", "system-card"]


# the process's own commands

def test_the_internal_audit_brings_its_commands():
    assert "audit" in main.list_commands(None)
    result = cli("audit", "--help")
    assert result.exit_code == 0 and "plan" in result.output and "checklist" in result.output


def test_process_list_names_each_process_and_its_package():
    result = cli("process", "list")
    assert result.exit_code == 0
    assert "risk-assessment" in result.output and "workbench.processes.risk_assessment" in result.output
    assert "organisation" in result.output


# plug-ins that break the contract are refused by package; the others keep working

class _Dist:
    def __init__(self, name: str):
        self.name = name


def _point(name: str, value: str, package: str = "evil-plugin") -> EntryPoint:
    point = EntryPoint(name, value, registry.ENTRY_POINT_GROUP)
    return point._for(_Dist(package)) if hasattr(point, "_for") else point


@pytest.fixture
def install(monkeypatch):
    """Install entry points next to the real ones (as a plug-in's package would); rediscover after."""
    real = registry.entry_points(group=registry.ENTRY_POINT_GROUP)
    extra: list[EntryPoint] = []
    monkeypatch.setattr(registry, "entry_points", lambda group: [*real, *extra])

    def add(*points: EntryPoint) -> None:
        extra.extend(points)
        registry.discover.cache_clear()

    yield add
    registry.discover.cache_clear()


def test_broken_plug_ins_are_refused_by_package_and_the_others_keep_working(install, monkeypatch):
    import sys
    import types

    risk = get_process("risk-assessment")
    module = types.ModuleType("evil_plugin")
    module.not_a_process = object()
    module.clash = Process(**{**risk.__dict__, "name": "clash", "code": "ra"})
    module.no_template = Process(**{**risk.__dict__, "name": "no-template", "code": "nt", "package": "evil_plugin",
                                   "tables": (), "settings": None})
    module.taken_name = Process(**{**risk.__dict__, "code": "tn", "tables": (), "settings": None})
    module.bad_answers = Process(**{**risk.__dict__, "name": "bad-answers", "code": "ba", "answers": dict,
                                    "tables": (), "settings": None})
    monkeypatch.setitem(sys.modules, "evil_plugin", module)
    install(_point("not-a-process", "evil_plugin:not_a_process"), _point("clash", "evil_plugin:clash"),
            _point("no-template", "evil_plugin:no_template"), _point("risk-assessment", "evil_plugin:taken_name"),
            _point("bad-answers", "evil_plugin:bad_answers"), _point("import-fails", "evil_plugin_missing:PROCESS"))
    reasons = {err.entry + "/" + err.package: err.reason for err in registry.refused()}
    assert set(reasons) == {"not-a-process/evil-plugin", "clash/evil-plugin", "no-template/evil-plugin",
                            "risk-assessment/evil-plugin", "bad-answers/evil-plugin", "import-fails/evil-plugin"}
    assert "not a workbench Process" in reasons["not-a-process/evil-plugin"]
    assert "the run-id code 'ra' is taken by package 'aims-workbench'" in reasons["clash/evil-plugin"]
    assert "the table 'risks' is taken" in reasons["clash/evil-plugin"]
    assert "the settings section 'risk_criteria' is taken" in reasons["clash/evil-plugin"]
    assert "template.ipynb is missing" in reasons["no-template/evil-plugin"]
    assert "the name 'risk-assessment' is taken" in reasons["risk-assessment/evil-plugin"]
    assert "answers is not a pydantic model" in reasons["bad-answers/evil-plugin"]
    assert "cannot be imported (ModuleNotFoundError" in reasons["import-fails/evil-plugin"]
    # the built-in processes are untouched, and asking for a refused one says why
    assert get_process("risk-assessment") is risk and len(registry.processes()) == 17
    with pytest.raises(InputError, match="process 'clash' from package 'evil-plugin' is refused"):
        get_process("clash")
    listed = cli("process", "list")
    assert listed.exit_code == 1 and "refused: process 'no-template' from package 'evil-plugin'" in listed.output


def test_a_plug_in_may_not_index_a_ledger_kind_the_core_or_another_process_indexes(install, monkeypatch):
    import sys
    import types

    risk = get_process("risk-assessment")
    plain = {**risk.__dict__, "tables": (), "settings": None}
    module = types.ModuleType("ledger_plugin")
    module.CORE = Process(**{**plain, "name": "core-kind", "code": "ck", "records": {"signoff": lambda entry: {}},
                             "acts": {"signoff": Act("person")}})
    module.AUDIT = Process(**{**plain, "name": "audit-kind", "code": "ak", "records": {"audit-plan": lambda e: {}},
                              "acts": {"audit-plan": Act("planned_by")}})
    module.SHAPE = Process(**{**plain, "name": "bad-records", "code": "br", "records": {"Not a kind": None}})
    module.NOBODY = Process(**{**plain, "name": "no-actor", "code": "na", "records": {"complaint": lambda e: {}},
                               "acts": {}})
    module.WHO = Process(**{**plain, "name": "bad-act", "code": "bq", "records": {"complaint": lambda e: {}},
                            "acts": {"complaint": "recorded_by"}})
    monkeypatch.setitem(sys.modules, "ledger_plugin", module)
    install(_point("core-kind", "ledger_plugin:CORE"), _point("audit-kind", "ledger_plugin:AUDIT"),
            _point("bad-records", "ledger_plugin:SHAPE"), _point("no-actor", "ledger_plugin:NOBODY"),
            _point("bad-act", "ledger_plugin:WHO"))
    reasons = {err.entry: err.reason for err in registry.refused()}
    assert reasons["core-kind"] == "the ledger kind 'signoff' is taken by the core ledger"
    assert reasons["audit-kind"] == "the ledger kind 'audit-plan' is taken by package 'aims-workbench'"
    assert reasons["bad-records"].startswith("records is not {ledger kind (a slug)")
    # a kind of entry nobody is named as making could not be re-judged by verify
    assert reasons["no-actor"] == reasons["bad-act"] == ("acts is not {ledger kind: Act} for each kind of its records "
                                                         "(who acts, and the roles they need)")
    assert get_process("internal-audit").records.keys() == {"audit-plan"}


def test_a_record_needing_acceptance_names_the_role_in_its_approval(workspace):
    from workbench.records.signoff import acceptance

    assert acceptance(workspace, "risk-assessment", {"above_appetite": []}) is None
    role, reason = acceptance(workspace, "risk-assessment", {"above_appetite": ["R3"]})
    assert role == "top_management" and reason == "risk acceptance: residual risks R3 are above the appetite (Medium)"
    assert acceptance(workspace, "soa", {"above_appetite": ["R3"]}) is None  # the SoA declares no acceptance


def test_evidence_rows_carry_the_process_headline(copy_of_demo):
    rows = {(r["system_id"], r["process"]): r["headline"] for r in copy_of_demo.register.evidence_list()}
    assert rows["credit-scoring", "risk-assessment"] == "4 risks; 1 above appetite (R3)"
    assert rows["support-assistant", "risk-assessment"] == "4 risks; none above appetite"
    assert rows["cv-screening", "impact-assessment"] == "impact level III; 3 fairness breach(es)"
    assert rows["organisation", "soa"] == "38 controls included, 1 excluded"
    assert rows["organisation", "gap-analysis"].startswith("3 blocker(s) (6.1.4, 7.2, 9.3.3); readiness 49%; 36 gap(s)")
    assert rows["organisation", "context"] == ("1 flag(s); 3 system(s) in scope, 0 out; 5 issue(s); 7 of 8 party "
                                               "requirement(s) addressed")
    index = (copy_of_demo.evidence_dir / "index.html").read_text()
    assert "4 risks; 1 above appetite (R3)" in index and "38 controls included, 1 excluded" in index


def test_a_plug_in_whose_commands_break_leaves_the_cli_working(install, monkeypatch):
    import sys
    import types

    risk = get_process("risk-assessment")
    module = types.ModuleType("noisy_plugin")
    module.PROCESS = Process(**{**risk.__dict__, "name": "noisy", "code": "noisy", "tables": (), "records": {}, "acts": {},
                                "settings": None, "package": risk.package, "commands": "noisy_plugin_missing.cli:noisy"})
    module.SHADOW = Process(**{**risk.__dict__, "name": "shadow", "code": "shadow", "tables": (), "records": {}, "acts": {},
                               "settings": None, "package": risk.package, "commands": "workbench.cli:verify_cmd"})
    monkeypatch.setitem(sys.modules, "noisy_plugin", module)
    install(_point("noisy", "noisy_plugin:PROCESS"), _point("shadow", "noisy_plugin:SHADOW"))
    assert not registry.refused()
    helped = cli("--help")
    assert helped.exit_code == 0 and "verify" in helped.output and "audit" in helped.output
    assert "the commands of process 'noisy' (noisy_plugin_missing.cli:noisy) cannot be imported" in helped.output
    assert "the commands of process 'shadow' (workbench.cli:verify_cmd) is named 'verify'" in helped.output
    assert cli("audit", "--help").exit_code == 0

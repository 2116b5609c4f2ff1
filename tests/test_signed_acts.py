"""Signed decisions and the configuration in the ledger, tried as the attacks of issue 14 tried them.

Each test is an attack: acting under another person's name, giving oneself a role, rewriting a
record with every hash recomputed, planting an intent. Each must now be refused, or named by
``workbench verify``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from keys import KEYS
from workbench.cli import main
from workbench.demo import ANSWERS, SYSTEMS
from workbench.exceptions import InputError
from workbench.pipeline.archive import (LEDGER_FILE, MANIFEST_FILE, PENDING_DIR, canonical_json, entry_hash,
                                        ledger_entries, manifest_text, sha256_file)
from workbench.pipeline.run import run_process
from workbench.pipeline.verify import verify
from workbench.records.configuration import history, record_configuration
from workbench.records.identity import acting_person
from workbench.records.signoff import sign_off
from workbench.signing import KEY_VAR, armoured, new_key, public_key_line, load_key
from workbench.workspace import CONFIG_FILE, Workspace


@pytest.fixture(scope="module")
def assessed(tmp_path_factory) -> Path:
    """A workspace with cv-screening's risk assessment (risks above appetite) submitted by tomas."""
    from workbench.demo import demo_configuration
    from workbench.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("signed") / "ws", config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
    run_process(ws, "risk-assessment", "cv-screening", ANSWERS["cv-screening"], assessor="tomas")
    return ws.root


@pytest.fixture
def ws(assessed: Path, tmp_path: Path) -> Workspace:
    """A private copy of ``assessed`` that a test may attack."""
    shutil.copytree(assessed, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def holding(monkeypatch, *people: str) -> None:
    """Narrow this process's key ring to these people's keys."""
    monkeypatch.setenv(KEY_VAR, ":".join(str(KEYS[p]) for p in people))


def run_id(ws: Workspace) -> str:
    return next(e["run_id"] for e in ledger_entries(ws.evidence_dir) if e["kind"] == "evidence")


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def findings(ws: Workspace) -> list[str]:
    return [str(f) for f in verify(Workspace(ws.root)).findings]


def test_naming_another_person_without_their_key_is_refused(ws, monkeypatch):
    holding(monkeypatch, "priya")
    result = cli("signoff", "approve", run_id(ws), "-w", str(ws.root), "--as", "david", "--comment", "looks fine")
    assert result.exit_code == 2
    assert "who acts is who signs, and no key you hold is pinned for david" in result.output
    assert "your keys are pinned for: priya" in result.output
    assert not [e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "signoff"]


def test_jupyterhub_user_does_not_make_you_someone_else(ws, monkeypatch):
    holding(monkeypatch, "priya")
    result = cli("signoff", "approve", run_id(ws), "-w", str(ws.root), "--comment", "ok", env={"JUPYTERHUB_USER": "david"})
    assert result.exit_code == 2 and "no key you hold is pinned for david" in result.output


def test_one_person_cannot_be_assessor_and_approver(ws, monkeypatch):
    holding(monkeypatch, "tomas")
    with pytest.raises(InputError, match="no key you hold is pinned for david"):
        sign_off(ws, run_id(ws), "approve", "ok", person="david")
    with pytest.raises(InputError, match="no key you hold is pinned for amara"):
        run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara")


def test_the_ledger_names_the_signer_and_ssh_keygen_checks_the_signature(ws, tmp_path):
    entry = next(e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "evidence")
    assert entry["assessor"] == entry["signature"]["by"] == "tomas"
    assert entry["configuration"] == ws.recorded_configuration[1]
    if not shutil.which("ssh-keygen"):
        pytest.skip("ssh-keygen (openssh-client) is not installed")
    from workbench.signing import signed_message

    (tmp_path / "message").write_bytes(signed_message(entry))
    (tmp_path / "message.sig").write_text(armoured(entry["signature"]["sshsig"]))
    (tmp_path / "allowed").write_text(f"tomas {public_key_line(load_key(KEYS['tomas']))}\n")
    checked = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", "allowed", "-I", "tomas", "-n", "aims-workbench",
                              "-s", "message.sig"], cwd=tmp_path, input=(tmp_path / "message").read_bytes(),
                             capture_output=True)
    assert checked.returncode == 0, checked.stderr
    assert b'Good "aims-workbench" signature for tomas' in checked.stdout


def give_priya_top_management(ws: Workspace) -> None:
    path = ws.root / CONFIG_FILE
    data = yaml.safe_load(path.read_text())
    next(p for p in data["people"] if p["id"] == "priya")["roles"].append("top_management")
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_giving_oneself_a_role_in_the_file_gives_nothing(ws, monkeypatch):
    give_priya_top_management(ws)
    ws = Workspace(ws.root)
    assert ws.configuration_pending
    with pytest.raises(InputError, match="only the top_management role accepts them"):
        sign_off(ws, run_id(ws), "approve", "I accept", person="priya")
    holding(monkeypatch, "priya")
    with pytest.raises(InputError, match="segregation of duties: this change gives priya the role"):
        record_configuration(ws, "I need to approve", "priya")
    result = cli("status", "-w", str(ws.root))
    assert "workbench.yaml has edits that are not in force" in result.output


def test_only_an_aims_manager_records_the_configuration(ws, monkeypatch):
    give_priya_top_management(ws)
    holding(monkeypatch, "lena", "david")
    with pytest.raises(InputError, match="only an AIMS manager .aims_manager. of the configuration in force changes it; "
                                         "people who may: priya"):
        record_configuration(ws, "lena tries", "lena")


def test_a_configuration_entry_forged_with_ones_own_key_is_named_and_ignored(ws):
    """priya signs an entry that gives herself top_management, appended with a script past the API."""
    give_priya_top_management(ws)
    text = (ws.root / CONFIG_FILE).read_bytes()
    folder = ws.evidence_dir / "_configuration" / "cfg-0002"
    folder.mkdir()
    (folder / CONFIG_FILE).write_bytes(text)
    priya = acting_person(ws, "priya")
    last = ledger_entries(ws.evidence_dir)[-1]
    entry = priya.sign({"kind": "configuration", "number": 2, "person": "priya", "comment": "x", "changes": [],
                        "recorded_at": "2026-11-30T00:00:00+00:00", "workbench_version": "x",
                        "path": "_configuration/cfg-0002", "files": {CONFIG_FILE: sha256_file(folder / CONFIG_FILE)}})
    entry = {**entry, "seq": last["seq"] + 1, "prev": last["hash"]}
    entry["hash"] = entry_hash(entry)
    with open(ws.evidence_dir / LEDGER_FILE, "ab") as handle:
        handle.write(canonical_json(entry) + b"\n")
    (ws.evidence_dir / MANIFEST_FILE).write_text(manifest_text(ledger_entries(ws.evidence_dir)))
    fresh = Workspace(ws.root)
    assert "top_management" not in fresh.config.person("priya").roles
    assert any("configuration: ledger seq" in f and "gives its signer priya the role(s) top_management" in f
               for f in findings(ws))


def test_a_rewritten_record_with_every_hash_recomputed_is_named(ws):
    """The 20-line script: change the evidence, then recompute the file hashes, entry hashes, links and manifest."""
    entries = ledger_entries(ws.evidence_dir)
    target = next(e for e in entries if e["kind"] == "evidence")
    html = ws.evidence_dir / target["path"] / "evidence.html"
    html.write_text(html.read_text().replace("Ranking reproduces historical hiring bias", "Nothing to see"))
    target["files"]["evidence.html"] = sha256_file(html)
    prev = "0" * 64
    for entry in entries:
        entry["prev"] = prev
        entry["hash"] = entry_hash(entry)
        prev = entry["hash"]
    (ws.evidence_dir / LEDGER_FILE).write_bytes(b"".join(canonical_json(e) + b"\n" for e in entries))
    (ws.evidence_dir / MANIFEST_FILE).write_text(manifest_text(entries))
    assert subprocess.run(["sha256sum", "--quiet", "-c", MANIFEST_FILE], cwd=ws.evidence_dir).returncode == 0
    found = findings(ws)
    assert any(f.startswith(f"signature: ledger seq {target['seq']} (evidence {target['run_id']})")
               and "changed after signing" in f for f in found), found


def test_a_forged_intent_is_not_appended_by_recovery(ws):
    folder = ws.evidence_dir / "cv-screening" / "risk-assessment" / "ra-20261130T000000Z-000000"
    folder.mkdir()
    (folder / "evidence.html").write_text("<p>approved by everyone</p>")
    intent = {"kind": "evidence", "run_id": folder.name, "process": "risk-assessment", "system_id": "cv-screening",
              "assessor": "tomas", "status": "approved", "path": str(folder.relative_to(ws.evidence_dir)),
              "files": {"evidence.html": sha256_file(folder / "evidence.html")}}
    (ws.evidence_dir / PENDING_DIR).mkdir(exist_ok=True)
    (ws.evidence_dir / PENDING_DIR / f"{folder.name}.json").write_text(json.dumps(intent))
    found = findings(ws)
    assert not [e for e in ledger_entries(ws.evidence_dir) if e.get("run_id") == folder.name]
    assert not (ws.evidence_dir / PENDING_DIR / f"{folder.name}.json").exists()
    assert f"extra: {intent['path']}/evidence.html: on disk, listed by no ledger entry" in found


def test_an_act_by_someone_without_the_role_then_is_named(ws):
    """A sign-off signed with lena's real key, appended past the API: lena is no reviewer or approver."""
    lena = acting_person(ws, "lena")
    evidence = next(e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "evidence")
    last = ledger_entries(ws.evidence_dir)[-1]
    folder = ws.evidence_dir / "cv-screening" / "signoff" / "so-x"
    folder.mkdir(parents=True)
    (folder / "approval.html").write_text("<p>approved</p>")
    entry = lena.sign({"kind": "signoff", "signoff_id": "so-x", "run_id": evidence["run_id"], "decision": "approved",
                       "person": "lena", "roles": ["system_owner"], "comment": "ok", "evidence_hash": evidence["hash"],
                       "recorded_at": "2026-11-30T00:00:00+00:00", "path": "cv-screening/signoff/so-x",
                       "files": {"approval.html": sha256_file(folder / "approval.html")}})
    entry = {**entry, "seq": last["seq"] + 1, "prev": last["hash"]}
    entry["hash"] = entry_hash(entry)
    with open(ws.evidence_dir / LEDGER_FILE, "ab") as handle:
        handle.write(canonical_json(entry) + b"\n")
    (ws.evidence_dir / MANIFEST_FILE).write_text(manifest_text(ledger_entries(ws.evidence_dir)))
    assert any(f.startswith("role: ledger seq") and "lena held system_owner then" in f
               and "top_management" in f for f in findings(ws))


def test_a_recorded_change_is_in_force_signed_and_in_the_history(ws, monkeypatch):
    path = ws.root / CONFIG_FILE
    data = yaml.safe_load(path.read_text())
    next(p for p in data["people"] if p["id"] == "lena")["roles"].append("reviewer")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    holding(monkeypatch, "priya")
    result = cli("config", "record", "-w", str(ws.root), "-m", "lena reviews from December")
    assert result.exit_code == 0, result.output
    assert "configuration 2 recorded by priya" in result.output and "lena: roles +reviewer" in result.output
    ws = Workspace(ws.root)
    assert "reviewer" in ws.config.person("lena").roles and not ws.configuration_pending
    [first, second] = history(ws)
    assert (first["person"], second["person"], second["changes"]) == ("priya", "priya", ["lena: roles +reviewer"])
    assert "lena reviews from December" in cli("config", "history", "-w", str(ws.root)).output
    holding(monkeypatch, "lena")
    sign_off(ws, run_id(ws), "reject", "the bias tests are missing", person="lena")
    assert findings(ws) == []
    with pytest.raises(InputError, match="nothing to record"):
        holding(monkeypatch, "priya")
        record_configuration(ws, "again", "priya")


def test_keys_inside_the_workspace_and_with_a_passphrase_are_refused(ws, monkeypatch, tmp_path):
    inside = ws.root / "my-key"
    shutil.copy(KEYS["tomas"], inside)
    monkeypatch.setenv(KEY_VAR, str(inside))
    with pytest.raises(InputError, match="signing_key: is inside the workspace"):
        acting_person(ws, "tomas")
    if not shutil.which("ssh-keygen"):
        pytest.skip("ssh-keygen (openssh-client) is not installed")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", str(tmp_path / "locked")], check=True)
    monkeypatch.setenv(KEY_VAR, str(tmp_path / "locked"))
    with pytest.raises(InputError, match="is protected by a passphrase"):
        acting_person(ws, "tomas")


def test_a_workspace_without_a_recorded_configuration_acts_only_after_recording_it(ws, monkeypatch):
    """A workspace an earlier version made: its ledger has no configuration entry."""
    shutil.rmtree(ws.evidence_dir)
    ws.evidence_dir.mkdir()
    ws = Workspace(ws.root)
    with pytest.raises(InputError, match="is not recorded in the ledger yet"):
        run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara")
    holding(monkeypatch, "priya")
    entry = record_configuration(ws, "recording what we use", "priya")
    assert entry["number"] == 1 and entry["changes"][0].startswith("first configuration")


def test_a_new_key_is_made_private_and_never_overwritten(tmp_path):
    line = new_key(tmp_path / "k")
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "k.pub").read_text().strip() == line
    result = cli("key", "new", "--out", str(tmp_path / "k"))
    assert result.exit_code != 0 and "never overwritten" in result.output


def test_the_forms_offer_only_the_people_whose_keys_the_kernel_holds(ws, monkeypatch):
    """In JupyterLab the kernel holds its user's key: the assessor and the signer are that person, not a choice."""
    from workbench.processes.risk_assessment.form import RiskAssessmentForm
    from workbench.ui.signoff_form import SignoffForm

    holding(monkeypatch, "amara")
    form = RiskAssessmentForm(ws, system_id="credit-scoring", assessor="tomas")
    assert [v for _, v in form.header["assessor"].widget.options if v] == ["amara"]
    assert form.header["assessor"].value == "amara"
    holding(monkeypatch, "david")
    panel = SignoffForm(ws, person="priya")
    assert [v for _, v in panel.person.options] == ["david"] and panel.person.value == "david"


def test_a_key_ring_named_relative_to_where_the_command_runs_works_for_the_headless_kernel(ws, monkeypatch, tmp_path):
    """`./dev demo` named its keys relative to the repository; the kernel, which runs in the workspace,
    resolved them there and refused them as keys inside the workspace. The kernel signs nothing: its
    caller does, with the ring it was given."""
    (tmp_path / "keys").mkdir()
    shutil.copy(KEYS["amara"], tmp_path / "keys" / "amara")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(KEY_VAR, "keys/amara")
    evidence = run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara")
    assert evidence.ledger_entry["signature"]["by"] == "amara"


def test_only_a_manager_or_system_owner_registers_a_system_and_verify_names_one_who_did_not(ws, monkeypatch):
    """tomas, an assessor, registers a system: refused by the API; appended past it with his real key: named."""
    from workbench.pipeline.indexing import system_facts
    from workbench.systems import AISystem

    holding(monkeypatch, "tomas")
    fraud = {**SYSTEMS[0], "id": "fraud-alerts", "name": "Card fraud alerts"}
    with pytest.raises(InputError, match="only an AIMS manager or a system owner registers AI systems"):
        ws.add_system(fraud)
    tomas = acting_person(ws, "tomas")
    last = ledger_entries(ws.evidence_dir)[-1]
    from datetime import datetime, timezone

    entry = tomas.sign({**system_facts(AISystem.model_validate(fraud), datetime.now(timezone.utc)),
                        "recorded_by": "tomas"})
    entry = {**entry, "seq": last["seq"] + 1, "prev": last["hash"]}
    entry["hash"] = entry_hash(entry)
    with open(ws.evidence_dir / LEDGER_FILE, "ab") as handle:
        handle.write(canonical_json(entry) + b"\n")
    assert any(f.startswith("role: ledger seq") and "tomas held assessor then" in f
               and "aims_manager or system_owner" in f for f in findings(ws)), findings(ws)


def test_under_jupyterhub_the_hub_user_acts_and_naming_another_is_refused_even_holding_their_key(ws, monkeypatch):
    """Under JupyterHub the hub's user is who acts (tests/test_hub.py tries it through a real hub)."""
    from workbench.exceptions import NotYoursError

    holding(monkeypatch, "tomas", "david")  # david's key leaked to tomas's server
    monkeypatch.setenv("JUPYTERHUB_USER", "tomas")
    assert acting_person(ws).id == "tomas"  # two keys held, and still no choice to make
    with pytest.raises(NotYoursError, match="signed in to JupyterHub as tomas, who is tomas: you act as tomas only"):
        sign_off(ws, run_id(ws), "approve", "fine", person="david")
    result = cli("signoff", "approve", run_id(ws), "-w", str(ws.root), "--as", "david", "--comment", "ok")
    assert result.exit_code == 2 and "you act as tomas only, never as someone else" in result.output
    assert not [e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "signoff"]


def test_a_hub_user_is_the_person_whose_hub_user_it_is_and_an_unknown_one_is_refused(ws, monkeypatch):
    from workbench.exceptions import NotYoursError
    from workbench.processes.risk_assessment.form import RiskAssessmentForm
    from workbench.ui.signoff_form import SignoffForm

    path = ws.root / CONFIG_FILE
    data = yaml.safe_load(path.read_text())
    next(p for p in data["people"] if p["id"] == "david")["hub_user"] = "d.chen@northwind.example"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    record_configuration(ws, "David signs in to the hub with his e-mail address", "priya")
    ws = Workspace(ws.root)
    holding(monkeypatch, "david", "tomas")
    monkeypatch.setenv("JUPYTERHUB_USER", "d.chen@northwind.example")
    assert acting_person(ws).id == "david"
    assert [v for _, v in SignoffForm(ws).person.options] == ["david"]
    monkeypatch.setenv("JUPYTERHUB_USER", "david")  # his id is no longer his hub name
    with pytest.raises(NotYoursError, match="hub_user: is signed in to JupyterHub but is no person.*got 'david'"):
        acting_person(ws)
    monkeypatch.setenv("JUPYTERHUB_USER", "mallory")
    with pytest.raises(NotYoursError, match="is signed in to JupyterHub but is no person of the configuration in "
                                            "force: an AIMS manager adds them.*got 'mallory'"):
        RiskAssessmentForm(ws, system_id="credit-scoring")


@pytest.mark.parametrize("hub_user, problem", [
    ("tomas", r"JupyterHub user\(s\) tomas would be more than one person"),  # tomas's id is his hub name
    ("two words", "hub_user: must be a JupyterHub user name, without spaces or slashes"),
    ("../david", "hub_user: must be a JupyterHub user name, without spaces or slashes"),
])
def test_a_hub_name_names_one_person(ws, hub_user, problem):
    from workbench.exceptions import WorkspaceError
    from workbench.workspace import parse_configuration

    data = yaml.safe_load((ws.root / CONFIG_FILE).read_text())
    next(p for p in data["people"] if p["id"] == "amara")["hub_user"] = hub_user
    with pytest.raises(WorkspaceError, match=problem):
        parse_configuration(yaml.safe_dump(data).encode(), "workbench.yaml")


def test_workbench_init_in_a_hub_users_terminal_makes_them_the_aims_manager(tmp_path, monkeypatch):
    holding(monkeypatch, "priya")
    result = cli("init", str(tmp_path / "ours"), env={"JUPYTERHUB_USER": "p.raman"})
    assert result.exit_code == 0, result.output
    ws = Workspace(tmp_path / "ours")
    manager = ws.config.person("aims-manager")
    assert manager.hub_user == "p.raman" and manager.keys == [public_key_line(load_key(KEYS["priya"]))]
    monkeypatch.setenv("JUPYTERHUB_USER", "p.raman")
    assert acting_person(ws).id == "aims-manager"

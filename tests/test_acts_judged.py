"""Every kind of signed act re-judged by ``workbench verify``, tried as attacks on a copy of the demo.

Each attack appends to the ledger an entry with a valid signature by a real person whose key is
held, correctly chained, as a script past the API would: one that names someone else as the person
who acted, or one by a person the rule of its kind refuses (``workbench.records.acts.Act``).
``workbench verify`` must exit 1 naming it; the demo's own entries of each kind verify.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from keys import record
from workbench.cli import main
from workbench.pipeline.archive import append_entry, ledger_entries
from workbench.records.identity import acting_person
from workbench.workspace import CONFIG_FILE, Workspace

LINKS = ("seq", "prev", "hash", "signature", "configuration")  # what the signer and the chain add again

# (kind, which demo entry, the field naming who acted, the signer, whom the entry names instead)
NAMING_ANOTHER = [
    ("system", {}, "recorded_by", "priya", "lena"),
    ("item", {}, "recorded_by", "priya", "lena"),
    ("dataset", {}, "recorded_by", "priya", "lena"),
    ("supplier", {}, "recorded_by", "priya", "lena"),
    ("customer-obligations", {}, "recorded_by", "priya", "lena"),
    ("incident", {}, "recorded_by", "priya", "lena"),
    ("incident-update", {}, "updated_by", "priya", "lena"),
    ("measurement", {"method": "recorded"}, "recorded_by", "priya", "tomas"),
    ("documented-information", {}, "recorded_by", "tomas", "priya"),
    ("competence", {}, "recorded_by", "tomas", "priya"),
    ("nonconformity", {}, "opened_by", "tomas", "priya"),
    ("action-update", {"status": "in progress"}, "updated_by", "tomas", "priya"),
    ("treatment-update", {"status": "in progress"}, "updated_by", "tomas", "priya"),
    ("event", {}, "recorded_by", "tomas", "priya"),
    ("concern", {}, "raised_by", "tomas", "priya"),
    ("policy-acknowledgement", {}, "person", "tomas", "priya"),
    ("audit-plan", {}, "planned_by", "priya", "tomas"),
    ("risk-acceptance", {}, "person", "david", "priya"),
    ("signoff", {}, "person", "david", "priya"),
]

# (kind, which demo entry, changes, the signer, what verify says): a signer the kind's rule refuses
UNQUALIFIED = [
    ("system", {}, {"recorded_by": "tomas"}, "tomas",
     "tomas held assessor then; registering an AI system needs aims_manager or system_owner"),
    ("item", {}, {"recorded_by": "tomas"}, "tomas",
     "tomas held assessor then; registering an AI system's item needs aims_manager or system_owner"),
    ("dataset", {}, {"recorded_by": "tomas"}, "tomas",
     "tomas held assessor then; registering a dataset needs aims_manager or system_owner"),
    ("supplier", {}, {"recorded_by": "tomas"}, "tomas",
     "tomas held assessor then; registering a supplier needs aims_manager or system_owner"),
    ("customer-obligations", {}, {"recorded_by": "tomas"}, "tomas",
     "tomas held assessor then; recording what a system owes its customers needs aims_manager or system_owner"),
    ("incident", {}, {"recorded_by": "tomas"}, "tomas",
     "tomas held assessor then; recording an incident needs aims_manager or system_owner"),
    ("incident-update", {}, {"updated_by": "tomas"}, "tomas",
     "tomas held assessor then; updating an incident needs aims_manager or system_owner"),
    ("measurement", {"method": "recorded"}, {"recorded_by": "tomas"}, "tomas",
     "is recorded by who measures it (priya) or an AIMS manager"),
    ("policy-acknowledgement", {}, {"person": "scheduler"}, "scheduler",
     "scheduler is the scheduler identity: a person acknowledges the policy"),
    ("risk-acceptance", {}, {"person": "tomas"}, "tomas",
     "tomas: risk acceptance: only the top_management role accepts a residual risk above appetite; people who "
     "hold it: david"),
    ("audit-plan", {}, {"auditors": ["tomas"]}, "priya",
     "auditors[0] tomas does not hold the auditor role; people who do: sofia"),
    ("treatment-update", {"status": "verified effective"}, {"updated_by": "lena"}, "lena",
     "lena is the treatment's owner; effectiveness is verified by someone other than lena"),
    ("action-update", {"status": "verified effective"}, {"updated_by": "amara"}, "amara",
     "amara is the action's owner; effectiveness is verified by someone other than amara"),
    ("signoff", {}, {"person": "tomas"}, "tomas",
     "tomas is not among the approvers the RACI of credit-scoring named then (david, priya)"),
]


def demo_entry(ws: Workspace, kind: str, where: dict) -> dict:
    """The demo's first entry of ``kind`` whose fields have the values ``where`` gives."""
    return next(e for e in ledger_entries(ws.evidence_dir)
                if e["kind"] == kind and all(e.get(k) == v for k, v in where.items()))


def forge(ws: Workspace, entry: dict, signer: str, **changes) -> dict:
    """Append a copy of ``entry`` with ``changes``, signed by ``signer`` with their real key and chained."""
    facts = {**{k: v for k, v in entry.items() if k not in LINKS}, **changes}
    return append_entry(ws.evidence_dir, facts, acting_person(ws, signer))


def verified(root: Path) -> tuple[int, list[str]]:
    """``workbench verify``'s exit code and the lines it prints."""
    result = CliRunner().invoke(main, ["verify", "-w", str(root)])
    return result.exit_code, result.output.splitlines()


def named(lines: list[str], finding: str, entry: dict) -> list[str]:
    """The lines of ``finding`` (``role``, ``signature``) about the ledger entry ``entry``."""
    return [line for line in lines if f"{finding}: ledger seq {entry['seq']} ({entry['kind']}" in line]


@pytest.fixture(scope="module")
def demo(demo_root: Path, tmp_path_factory) -> Path:
    """A copy of the demo nobody attacks."""
    root = tmp_path_factory.mktemp("acts-demo") / "ws"
    shutil.copytree(demo_root, root)
    return root


@pytest.fixture(scope="module")
def attacked(demo: Path, tmp_path_factory) -> tuple[dict, int, list[str]]:
    """A copy of the demo with every attack appended: ``({(test, kind): forged entry}, exit code, lines)``."""
    root = tmp_path_factory.mktemp("acts-attacked") / "ws"
    shutil.copytree(demo, root)
    ws = Workspace(root)
    forged = {}
    for kind, where, actor, signer, other in NAMING_ANOTHER:
        forged["another", kind] = forge(ws, demo_entry(ws, kind, where), signer, **{actor: other})
    for kind, where, changes, signer, _said in UNQUALIFIED:
        forged["unqualified", kind] = forge(ws, demo_entry(ws, kind, where), signer, **changes)
    signed = demo_entry(ws, "signoff", {"process": "ai-policy"})
    assessor = next(e["assessor"] for e in ledger_entries(ws.evidence_dir) if e.get("run_id") == signed["run_id"])
    forged["own", "signoff"] = forge(ws, signed, assessor, person=assessor)
    concern_id = demo_entry(ws, "concern", {})["concern_id"]  # the demo reveals no one: these are the first
    for person in ("tomas", "priya"):
        forged["reveal", person] = forge(ws, {"kind": "concern-reveal", "concern_id": concern_id, "person": person,
                                              "recorded_at": "2026-11-30T12:00:00+00:00"}, person)
    return (forged, *verified(root))


def test_the_demo_s_own_entries_of_every_kind_verify(demo):
    entries = ledger_entries(Workspace(demo).evidence_dir)
    assert {k for k, *_ in NAMING_ANOTHER} | {k for k, *_ in UNQUALIFIED} <= {e["kind"] for e in entries}
    code, lines = verified(demo)
    assert code == 0 and len(lines) == 1 and lines[0].startswith(f"verify: ok, {len(entries)} ledger entries")


@pytest.mark.parametrize("kind, where, actor, signer, other", NAMING_ANOTHER, ids=[a[0] for a in NAMING_ANOTHER])
def test_an_act_naming_someone_else_than_its_signer_is_named(attacked, kind, where, actor, signer, other):
    forged, code, lines = attacked
    assert code == 1
    found = named(lines, "signature", forged["another", kind])
    assert len(found) == 1 and found[0].endswith(f": names {other!r} as {actor} but is signed by {signer}"), lines


@pytest.mark.parametrize("kind, where, changes, signer, said", UNQUALIFIED, ids=[a[0] for a in UNQUALIFIED])
def test_an_act_by_someone_its_rule_refuses_is_named(attacked, kind, where, changes, signer, said):
    forged, code, lines = attacked
    assert code == 1
    found = named(lines, "role", forged["unqualified", kind])
    assert any(line.endswith(said) for line in found), lines
    assert not named(lines, "signature", forged["unqualified", kind])  # a valid signature, by who it names


def test_signing_off_one_s_own_assessment_is_named(attacked):
    forged, code, lines = attacked
    own = forged["own", "signoff"]
    assert any(line.endswith(f"segregation of duties: {own['person']} assessed {own['run_id']}; nobody approves or "
                             "rejects their own assessment") for line in named(lines, "role", own)), lines


def test_seeing_who_raised_a_concern_without_being_an_aims_manager_is_named(attacked):
    forged, code, lines = attacked
    [found] = named(lines, "role", forged["reveal", "tomas"])
    assert found.endswith("tomas held assessor then; seeing who raised an anonymous concern needs aims_manager")
    assert not [line for line in lines if f"ledger seq {forged['reveal', 'priya']['seq']} " in line]


@pytest.fixture(scope="module")
def reconfigured(demo: Path, tmp_path_factory) -> tuple[dict, int, list[str]]:
    """A copy of the demo whose configuration gives amara top management and the auditor role and makes her
    credit-scoring's only assessor, then an acceptance by amara of the risks she assessed, an audit by her of
    the system she owns, and a run of credit-scoring by tomas."""
    root = tmp_path_factory.mktemp("acts-reconfigured") / "ws"
    shutil.copytree(demo, root)
    config = yaml.safe_load((root / CONFIG_FILE).read_text())
    for person in config["people"]:
        person["roles"] += ["top_management", "auditor"] if person["id"] == "amara" else []
    config["responsibilities"]["credit-scoring"]["assessors"] = ["amara"]
    (root / CONFIG_FILE).write_text(yaml.safe_dump(config, sort_keys=False))
    ws = record(root)
    evidence = {e.get("run_id"): e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "evidence"}
    accepted = demo_entry(ws, "risk-acceptance", {})
    assessed_by = evidence[accepted["run_id"]]["assessor"]
    owned = next(e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "system" and e["owner"] == "amara")
    forged = {"acceptance": forge(ws, accepted, assessed_by, person=assessed_by),
              "audit": forge(ws, demo_entry(ws, "audit-plan", {}), "priya", id="own-audit", auditors=["amara"],
                             systems=[owned["system_id"]]),
              "assessed": forge(ws, demo_entry(ws, "evidence", {"system_id": "credit-scoring",
                                                                  "process": "risk-assessment"}),
                                "tomas", assessor="tomas")}
    return (forged, *verified(root), assessed_by, owned["system_id"])


def test_accepting_the_risks_of_one_s_own_assessment_is_named_whatever_the_role(reconfigured):
    forged, code, lines, assessor, _system = reconfigured
    assert assessor == "amara"  # who now holds the acceptance role
    assert code == 1
    [found] = named(lines, "role", forged["acceptance"])
    assert found.endswith(f"amara: segregation of duties: amara assessed {forged['acceptance']['run_id']}; nobody "
                          "accepts the risks of their own assessment")


def test_an_auditor_planned_on_a_system_they_own_is_named(reconfigured):
    forged, code, lines, _assessor, system = reconfigured
    [found] = named(lines, "role", forged["audit"])
    assert found.endswith(f"auditors[0] amara impartiality: an auditor may not audit an AI system they own: amara "
                          f"owns AI system {system}; assign another auditor or take {system} out of scope")


def test_a_run_by_an_assessor_the_system_s_raci_does_not_name_is_named(reconfigured):
    forged, code, lines, _assessor, _system = reconfigured
    assert code == 1
    found = named(lines, "role", forged["assessed"])
    assert any(line.endswith("responsibilities: the RACI of credit-scoring names who assesses it: amara")
               for line in found), lines
    assert not named(lines, "signature", forged["assessed"])

"""``workbench verify`` over the register, written as the attacks: someone with write access edits
``register.db`` by hand. Each edit is named by ``workbench verify`` (exit 1), and ``workbench register
rebuild`` repairs it so that verify is ok again.

The workspace is the demo (real papermill runs of every process) with an item, an event and a
sign-off added, so every table the portfolio, the review status and the rules read has rows.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update
from sqlalchemy import types as sa_types

from keys import KEYS, record
from workbench.cli import main
from workbench.demo import SYSTEMS, demo_configuration
from workbench.exceptions import InputError
from workbench.pipeline.archive import append_entry, ledger_entries
from workbench.pipeline.portfolio import latest_records, portfolio_rows
from workbench.pipeline.recovery import rebuild
from workbench.records.identity import acting_person
from workbench.pipeline.verify import verify
from workbench.records.nonconformity import actions
from workbench.records.signoff import sign_off
from workbench.register import Register, engine, key_columns, known_tables, local_columns
from workbench.register_copy import copy_register
from workbench.workspace import Workspace, init_workspace


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def run_of(ws: Workspace, system_id: str, process: str) -> str:
    return ws.register.evidence_list(system_id, process)[0]["run_id"]


@pytest.fixture(scope="module")
def prepared(demo_root: Path, tmp_path_factory) -> Path:
    """The demo with a supplier of credit-scoring, an incident, and David's approval of the support
    assistant's risk assessment."""
    root = tmp_path_factory.mktemp("register-verify") / "ws"
    shutil.copytree(demo_root, root)
    ws = Workspace(root)
    ws.add_item("credit-scoring", {"id": "bureau-data", "kind": "supplier", "name": "Credit bureau feed"})
    ws.add_event("credit-scoring", "incident", "2026-11-02", "Scores drifted after a bureau outage")
    sign_off(ws, run_of(ws, "support-assistant", "risk-assessment"), "approve", "Treatments funded", person="david")
    report = verify(ws)
    assert report.ok, [str(f) for f in report.findings]
    ws.register.close()
    return root


REGISTER_BACKENDS = ("ws",)  # on SQLite; those marked both_registers on PostgreSQL too


@pytest.fixture(scope="module")
def prepared_url(prepared: Path, register_backend) -> str:
    """On PostgreSQL, the URL of a database holding the prepared register (moved with ``register copy``)."""
    if not register_backend.server:
        return ""
    url = register_backend.server.new_database(register=False)
    source = Register(f"sqlite:///{prepared / 'register.db'}")
    copy_register(source, url)
    source.close()
    return url


@pytest.fixture
def ws(prepared: Path, prepared_url: str, register_backend, tmp_path: Path, monkeypatch) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(prepared, root)
    if prepared_url:  # a database of its own, and no register file that anything could read instead
        monkeypatch.setenv("WORKBENCH_REGISTER_URL", register_backend.server.clone(prepared_url))
        (root / "register.db").unlink()
    return Workspace(root)


def sql(ws: Workspace, *statements: str) -> None:
    """Edit the register as an attacker would: behind the workbench's back, in its database."""
    made = engine(ws.register_url)
    with made.begin() as db:
        for statement in statements:
            db.execute(text(statement))
    made.dispose()


def named(ws: Workspace) -> list[str]:
    """``workbench verify`` fails; the register findings it prints."""
    result = cli("verify", "-w", ws.root)
    assert result.exit_code == 1, result.output
    return [line for line in result.output.splitlines() if line.startswith("register: ")]


def repaired(ws: Workspace) -> None:
    """``workbench register rebuild`` succeeds, and ``workbench verify`` is ok again."""
    rebuilt = cli("register", "rebuild", "-w", ws.root)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "register rebuilt from" in rebuilt.output and "risks" in rebuilt.output
    result = cli("verify", "-w", ws.root)
    assert result.exit_code == 0 and "verify: ok" in result.output, result.output


def portfolio_status(ws: Workspace, system_id: str, process: str) -> str:
    systems = portfolio_rows(ws, latest_records(ws), [])
    rows = next(s["rows"] for s in systems if s["system"].id == system_id)
    return next(r["record_status"] for r in rows if r["state"].process == process and not r["item"])


@pytest.mark.both_registers
def test_setting_an_unapproved_assessment_to_approved_is_named(ws):
    run = run_of(ws, "credit-scoring", "risk-assessment")  # residual risks above appetite, never signed off
    assert portfolio_status(ws, "credit-scoring", "risk-assessment") == "awaiting approval"
    sql(ws, f"update evidence set status='approved' where run_id='{run}'")
    assert portfolio_status(ws, "credit-scoring", "risk-assessment") == "approved"  # what the attack buys
    assert named(ws) == [f"register: evidence {run}: status is 'approved'; the ledger says 'submitted'"]
    repaired(ws)
    assert portfolio_status(ws, "credit-scoring", "risk-assessment") == "awaiting approval"
    assert "awaiting approval" in (ws.evidence_dir / "index.html").read_text(encoding="utf-8")


def test_lowering_a_risk_band_and_level_is_named(ws):
    run = run_of(ws, "credit-scoring", "risk-assessment")
    [risk] = [r for r in ws.register.rows("risks", run_id=run) if r["above_appetite"]]
    sql(ws, f"update risks set residual_band='Low', residual_score=2, above_appetite=false "
            f"where run_id='{run}' and risk_id='{risk['risk_id']}'")
    item = f"register: risks {run}/{risk['risk_id']}"
    assert named(ws) == [f"{item}: residual_score is 2; the ledger says {risk['residual_score']}",
                         f"{item}: residual_band is 'Low'; the ledger says '{risk['residual_band']}'",
                         f"{item}: above_appetite is False; the ledger says True"]
    repaired(ws)
    assert ws.register.rows("risks", run_id=run, risk_id=risk["risk_id"])[0]["residual_band"] == risk["residual_band"]


def test_lowering_an_impact_level_is_named(ws):
    run = run_of(ws, "cv-screening", "impact-assessment")
    level = ws.register.rows("impact_assessments", run_id=run)[0]["level"]
    sql(ws, f"update impact_assessments set level='I', fria_required=false where run_id='{run}'")
    found = named(ws)
    assert f"register: impact_assessments {run}: level is 'I'; the ledger says '{level}'" in found
    repaired(ws)


def test_lowering_a_systems_tier_is_named(ws):
    sql(ws, "update systems set tier='low' where id='cv-screening'")
    assert named(ws) == ["register: systems cv-screening: tier is 'low'; the ledger says 'high'"]
    repaired(ws)
    assert ws.register.system("cv-screening").tier == "high"


def test_moving_an_event_is_named(ws):
    [event] = [e for e in ws.register.events("credit-scoring") if e["kind"] == "incident"]
    sql(ws, f"update events set occurred_on='2020-01-01' where ledger_hash='{event['ledger_hash']}'")
    assert named(ws) == [f"register: events {event['ledger_hash']}: occurred_on is '2020-01-01'; "
                         "the ledger says '2026-11-02'"]
    repaired(ws)
    assert [e["occurred_on"] for e in ws.register.events("credit-scoring") if e["kind"] == "incident"] == [
        date(2026, 11, 2)]


def test_changing_an_assessor_is_named(ws):
    """The assessor is what segregation of duties reads: changed, the assessor could approve their own work."""
    run = run_of(ws, "credit-scoring", "risk-assessment")
    sql(ws, f"update evidence set assessor='david' where run_id='{run}'")
    assert named(ws) == [f"register: evidence {run}: assessor is 'david'; the ledger says 'amara'"]
    repaired(ws)


def test_changing_a_hash_column_is_named(ws):
    run = run_of(ws, "credit-scoring", "risk-assessment")
    [signoff] = ws.register.rows("signoffs", run_id=run_of(ws, "support-assistant", "risk-assessment"))
    sql(ws, f"update evidence set html_sha256='{'0' * 64}' where run_id='{run}'",
        f"update signoffs set record_sha256='{'1' * 64}' where signoff_id='{signoff['signoff_id']}'")
    found = named(ws)
    assert [f.split(":")[1].strip() for f in found] == [f"evidence {run}", f"signoffs {signoff['signoff_id']}"]
    assert f"html_sha256 is '{'0' * 64}'; the ledger says '" in found[0]
    repaired(ws)


def test_deleting_a_sign_off_row_is_named(ws):
    """The sign-off is the ledger's last entry, yet recovery does not quietly index it again: it was indexed once."""
    [signoff] = ws.register.rows("signoffs", run_id=run_of(ws, "support-assistant", "risk-assessment"))
    assert ledger_entries(ws.evidence_dir)[-1]["signoff_id"] == signoff["signoff_id"]
    sql(ws, f"delete from signoffs where signoff_id='{signoff['signoff_id']}'",
        f"update evidence set status='submitted' where run_id='{signoff['run_id']}'")
    assert named(ws) == [
        f"register: evidence {signoff['run_id']}: status is 'submitted'; the ledger says 'approved'",
        f"register: signoffs {signoff['signoff_id']}: is recorded in the ledger; missing from the register"]
    repaired(ws)
    assert ws.register.evidence(signoff["run_id"])["status"] == "approved"


@pytest.mark.both_registers
def test_inserting_evidence_with_no_ledger_entry_is_named(ws):
    run = run_of(ws, "cv-screening", "risk-assessment")
    sql(ws, "insert into evidence select 'ra-20261101T000000Z-f0f0f0', process, system_id, item_id, period, "
            "effective_date, assessor, 'approved', recorded_at, path, html_sha256, notebook_sha256, results_sha256, "
            f"answers_sha256, ledger_hash, workbench_version, error, headline, NULL, NULL from evidence where run_id='{run}'")
    assert named(ws) == ["register: evidence ra-20261101T000000Z-f0f0f0: is in the register; "
                         "no ledger entry records it"]
    repaired(ws)
    assert [r["run_id"] for r in ws.register.evidence_list("cv-screening", "risk-assessment")] == [run]


def test_deleting_a_nonconformity_update_is_named(ws):
    [updated] = [a for a in actions(ws) if a["updates"] == 2]
    sql(ws, f"delete from action_updates where nc_id='{updated['nc_id']}' and seq=2")
    assert [a["status"] for a in actions(ws) if a["nc_id"] == updated["nc_id"]] == ["open"]  # the update undone
    assert named(ws) == [f"register: action_updates {updated['nc_id']}/2: is recorded in the ledger; "
                         "missing from the register"]
    repaired(ws)
    assert [a["status"] for a in actions(ws) if a["nc_id"] == updated["nc_id"]] == [updated["status"]]


@pytest.mark.both_registers
@pytest.mark.parametrize("table, edit, item", [
    ("items", "update items set kind='dataset'", "items credit-scoring/bureau-data: kind is 'dataset'"),
    ("nonconformities", "update nonconformities set grade='minor nonconformity' where grade='major nonconformity'",
     "grade is 'minor nonconformity'; the ledger says 'major nonconformity'"),
    ("nonconformities", "update nonconformities set finding_key='0000' where grade='minor nonconformity' and source='audit'",
     "finding_key is '0000'"),
    ("documented_information", "update documented_information set next_review='2099-01-01' where doc_id='ai-policy'",
     "documented_information ai-policy/1: next_review is '2099-01-01'"),
    ("competence", "delete from competence where id='comp-0001'",
     "competence comp-0001: is recorded in the ledger; missing from the register"),
    ("audits", "update audits set auditors='[\"amara\"]'", "auditors is ['amara']; the ledger says ['sofia']"),
    ("soa_controls", "update soa_controls set included=false where control_id='A.2.2'", "/A.2.2: included is False"),
    ("gap_actions", "update gap_actions set owner='nobody'", "owner is 'nobody'"),
    ("review_actions", "update review_actions set due_date='2099-12-31'", "due_date is '2099-12-31'"),
])
def test_editing_a_fact_in_any_table_is_named(ws, table, edit, item):
    sql(ws, edit)
    found = named(ws)
    assert found and all(f.startswith(f"register: {table} ") for f in found), found
    assert any(item in f for f in found), found
    repaired(ws)


def edited(value, column):
    """Another value of the column's type than ``value`` (one where it was empty)."""
    kind = column.type.python_type if not isinstance(column.type, sa_types.JSON) else dict
    if kind is dict:
        return {"edited": value}
    if value is None:
        return {str: "edited", int: 7, float: 0.5, bool: True, date: date(2026, 1, 2),
                datetime: datetime(2026, 1, 2, 3, 4, 5)}[kind]
    if kind is bool:
        return not value
    if kind in (date, datetime):
        return value - timedelta(days=1)
    if kind is str:  # as long as it was: a column may hold no more
        return value[:-1] + ("y" if value.endswith("x") else "x") if value else "x"
    return value + 1


@pytest.mark.both_registers
def test_every_column_of_every_table_is_checked(ws):
    """Every column a ledger entry gives, in every table of the core and of each process: one row of each
    table the demo fills is edited in all its columns at once (but its key and references to other tables'
    keys), and verify names each column."""
    edits = {}
    made = engine(ws.register_url)
    with made.begin() as db:
        for name, model in known_tables().items():
            keys, columns = key_columns(model), model.__table__.columns
            row = db.execute(select(columns).order_by(*(columns[k] for k in keys)).limit(1)).mappings().first()
            if row is None:
                continue
            changes = {c.name: edited(row[c.name], c) for c in columns  # a reference: its own table's key
                       if c.name not in keys and c.name not in local_columns(model) and not c.foreign_keys}
            db.execute(update(model.__table__).where(*(columns[k] == row[k] for k in keys)).values(**changes))
            edits[name] = changes
    made.dispose()
    assert len(edits) >= 35 and sum(map(len, edits.values())) >= 250  # the demo fills nearly every table
    found = named(ws)
    missed = [f"{name}.{column}" for name, changes in edits.items() for column in changes
              if not any(f.startswith(f"register: {name} ") and f": {column} is " in f for f in found)]
    assert missed == [], missed
    repaired(ws)


@pytest.mark.parametrize("table, edit", [
    ("systems", "update systems set registered_at='2026-13-45 99:00:00'"),
    ("evidence", "update evidence set effective_date='tomorrow'"),
    ("systems", "update systems set affected_stakeholders='[\"applicants\"] trailing'"),
    ("documented_information", "update documented_information set next_review='9999-99-99'"),
])
def test_a_value_its_column_cannot_hold_is_named_not_a_crash(ws, table, edit):
    """SQLite stores whatever text an attacker writes into a date or JSON column: verify names the table."""
    sql(ws, edit)
    found = named(ws)
    assert any(f.startswith(f"register: {table}: holds a value that cannot be read (") for f in found), found
    repaired(ws)


@pytest.mark.both_registers
def test_a_rebuild_counts_each_table_as_the_register_had_it(ws):
    before = {name: len(ws.register.rows(name)) for name in ("systems", "items", "events", "evidence", "signoffs",
                                                               "risks", "action_updates", "documented_information")}
    done = rebuild(ws)
    assert done.entries == len(ledger_entries(ws.evidence_dir)) and done.problems == []
    assert {name: done.counts[name] for name in before} == before
    assert verify(ws).ok


def test_a_rebuild_refuses_an_archive_that_does_not_verify(ws):
    run = run_of(ws, "credit-scoring", "risk-assessment")
    results = ws.evidence_dir / ws.register.evidence(run)["path"] / "results.json"
    results.write_text(results.read_text(encoding="utf-8").replace('"High"', '"Low"'), encoding="utf-8")
    sql(ws, f"update evidence set status='approved' where run_id='{run}'")
    with pytest.raises(InputError, match="archive: .*the register is rebuilt only from an archive that verifies"):
        rebuild(ws)
    assert ws.register.evidence(run)["status"] == "approved"  # nothing replaced


def test_a_register_that_is_not_a_file_is_not_rebuilt(ws, monkeypatch):
    monkeypatch.setenv("WORKBENCH_REGISTER_URL", "sqlite://")
    result = cli("register", "rebuild", "-w", ws.root)
    assert result.exit_code == 2 and "an in-memory register is not rebuilt" in result.output


def test_an_unknown_kind_adds_no_rows_and_a_kind_lacking_its_facts_is_named(ws):
    priya = acting_person(ws, "priya")
    append_entry(ws.evidence_dir, {"kind": "later-kind", "note": "a later version's entry"}, priya)
    assert verify(ws).ok
    entry = append_entry(ws.evidence_dir, {"kind": "system", "system_id": "half-written", "name": "No owner",
                                           "recorded_by": "priya"}, priya)
    assert named(ws) == [f"register: ledger entry {entry['seq']} (system half-written): cannot be indexed: "
                         "lacks 'owner'"]


def test_an_entry_whose_writer_died_before_the_register_is_indexed_by_the_next(ws):
    """A writer killed between its ledger line and its register rows: the next one (here verify) indexes it."""
    facts = {**SYSTEMS[0], "id": "fraud-alerts", "name": "Card fraud alerts"}
    from workbench.pipeline.indexing import system_facts
    from workbench.systems import AISystem

    append_entry(ws.evidence_dir, {**system_facts(AISystem.model_validate(facts), datetime.now(timezone.utc)),
                                   "recorded_by": "priya"}, acting_person(ws, "priya"))
    assert verify(ws).ok
    assert ws.register.system("fraud-alerts").name == "Card fraud alerts"


# a workspace made by an earlier version ---------------------------------------------------------

def test_what_an_earlier_version_kept_only_in_the_register_is_recorded_once(tmp_path):
    """Systems, an item and an event only in the register, a nonconformity whose entry lacks its action,
    an update and a document version numbered only in the register, and no register head: the first
    write records them in the ledger (marked adopted), verify and a rebuild lose nothing, and a system
    row slipped in afterwards is named, never adopted."""
    ws = init_workspace(tmp_path / "old", config=demo_configuration(KEYS))
    shutil.rmtree(ws.evidence_dir)  # an earlier version recorded no configuration in the ledger
    ws.evidence_dir.mkdir()
    ws = Workspace(ws.root)
    at = datetime(2026, 10, 1, 9, 30, 15, 123456)
    ws.register.index([{"systems": [{**s, "registered_at": at} for s in SYSTEMS],
                        "items": [{"system_id": "credit-scoring", "id": "bureau-data", "kind": "supplier",
                                   "name": "Bureau", "description": "", "registered_at": at}],
                        "events": [{"system_id": "credit-scoring", "kind": "incident", "occurred_on": date(2026, 9, 1),
                                    "note": "outage", "recorded_at": at}]}])
    state = {"status": "open", "root_cause": "", "correction": "", "corrective_action": "", "owner": "amara",
             "due_date": "2026-11-01", "effectiveness_check": "", "note": "opened"}
    opened = append_entry(ws.evidence_dir, {
        "kind": "nonconformity", "id": "nc-0001", "source": "internal-audit", "source_ref": "A.5.2",
        "system_id": "credit-scoring", "grade": "minor nonconformity", "description": "No impact assessment",
        "evidence_ref": "audit-1", "opened_by": "sofia", "recorded_at": "2026-10-02T08:00:00+00:00"})
    update = append_entry(ws.evidence_dir, {  # its "seq" (2) was overwritten by the ledger's sequence number
        "kind": "action-update", "nc_id": "nc-0001", "seq": 2, **state, "status": "in progress", "note": "started",
        "updated_by": "amara", "recorded_at": "2026-10-03T08:00:00+00:00"})
    document = append_entry(ws.evidence_dir, {
        "kind": "documented-information", "doc_id": "ai-policy", "seq": 1, "title": "AI policy", "requirement": "",
        "owner": "david", "version": "1", "location": "policy.md", "location_sha256": None,
        "last_review": "2026-01-01", "next_review": "2027-01-01", "recorded_by": "priya",
        "recorded_at": "2026-10-04T08:00:00+00:00"})
    ws.register.index([{
        "nonconformities": [{**{k: opened[k] for k in ("id", "source", "source_ref", "system_id", "grade",
                                                        "description", "evidence_ref", "opened_by")},
                             "opened_at": datetime(2026, 10, 2, 8, 0, 0, 654321), "finding_key": None}],
        "action_updates": [{"nc_id": "nc-0001", "seq": 1, **state, "updated_by": "sofia",
                            "updated_at": datetime(2026, 10, 2, 8, 0, 0, 654321), "ledger_hash": opened["hash"]},
                           {"nc_id": "nc-0001", "seq": 2, **state, "status": "in progress", "note": "started",
                            "updated_by": "amara", "updated_at": datetime(2026, 10, 3, 8),
                            "ledger_hash": update["hash"]}],
        "documented_information": [{**{k: document[k] for k in ("doc_id", "title", "requirement", "owner", "version",
                                                                 "location", "location_sha256", "last_review",
                                                                 "next_review", "recorded_by")},
                                    "seq": 1, "recorded_at": datetime(2026, 10, 4, 8),
                                    "ledger_hash": document["hash"]}]}])
    sql(ws, "drop table ledger_head", "update nonconformities set finding_key=NULL")
    old = Workspace(ws.root)

    # verify's recovery adopts what only the register held; left is a column an earlier version left empty
    assert named(old) == ["register: nonconformities nc-0001: finding_key is None; the ledger says '"
                          + ledger_finding_key(old) + "'"]
    adopted = [e for e in ledger_entries(old.evidence_dir) if e.get("adopted")]
    assert [e["kind"] for e in adopted] == ["system"] * 3 + ["item", "event", "action-update"]
    repaired(old)
    assert [s.id for s in old.register.systems()] == sorted(s["id"] for s in SYSTEMS)
    assert [(i.id, i.kind) for i in old.register.items()] == [("bureau-data", "supplier")]
    assert [(e["kind"], e["note"]) for e in old.register.events()] == [("incident", "outage")]
    assert [(r["seq"], r["status"]) for r in sorted(old.register.rows("action_updates"), key=lambda r: r["seq"])] == [
        (1, "open"), (2, "in progress")]
    assert [r["seq"] for r in old.register.rows("documented_information")] == [1]

    sql(old, "insert into systems select 'slipped-in', name, owner, purpose, lifecycle_stage, deployment_context, "
             "affected_stakeholders, personal_data_categories, tier, registered_at from systems "
             "where id='cv-screening'")
    old = record(old.root)  # the upgraded workspace's first signed act: its manager records the configuration
    old.add_event("credit-scoring", "incident", "2026-11-01")  # a write: nothing is adopted any more
    assert named(old) == ["register: systems slipped-in: is in the register; no ledger entry records it"]
    assert len([e for e in ledger_entries(old.evidence_dir) if e.get("adopted")]) == len(adopted)


def ledger_finding_key(ws: Workspace) -> str:
    from workbench.records.nonconformity import finding_key

    [entry] = [e for e in ledger_entries(ws.evidence_dir) if e["kind"] == "nonconformity"]
    return finding_key(entry["source"], entry["system_id"], entry["source_ref"], entry["description"])


@pytest.mark.both_registers
def test_the_ledger_file_is_the_only_source(ws, register_backend, monkeypatch):
    """Nothing but the ledger and the archive is read: a register on an empty database gets every table
    back whole from verify's recovery, a deleted register file from a rebuild (never silently empty)."""
    before = verify(ws)
    counts = {name: ws.register.count(name) for name in known_tables()}
    assert all(counts[name] for name in ("systems", "nonconformities", "action_updates", "audits",
                                         "documented_information", "competence"))
    ws.register.close()
    if register_backend.server:  # the workspace pointed at an empty database
        monkeypatch.setenv("WORKBENCH_REGISTER_URL", register_backend.server.new_database())
        assert not Workspace(ws.root).register.rows("systems")
    else:
        (ws.root / "register.db").unlink()
        with pytest.raises(InputError, match="the register is missing while the ledger has entries"):
            Workspace(ws.root).register
        rebuild(Workspace(ws.root))
    fresh = Workspace(ws.root)
    assert verify(fresh).ok and verify(fresh).entries == before.entries
    assert {name: fresh.register.count(name) for name in known_tables()} == counts

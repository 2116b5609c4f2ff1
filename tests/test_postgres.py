"""PostgreSQL as the register (a real server, tests/postgres.py), schema versions and upgrades (Alembic),
and moving a whole register between SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner

from keys import KEYS
from workbench import migrations
from workbench.cli import main
from workbench.demo import SYSTEMS, demo_configuration
from workbench.exceptions import InputError
from workbench.migrations import SchemaError
from workbench.pipeline.archive import ledger_entries
from workbench.pipeline.verify import verify
from workbench.register import LedgerHeadRow, Register, engine, known_tables
from workbench.signing import KEY_VAR
from workbench.register_copy import copy_register, register_tables, table_hash
from workbench.workspace import REGISTER_FILE, Workspace, init_workspace


@pytest.fixture(autouse=True)
def _no_ambient_register(monkeypatch):
    monkeypatch.delenv("WORKBENCH_REGISTER_URL", raising=False)
    monkeypatch.delenv("WORKBENCH_WORKSPACE", raising=False)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# the driver and the server: a clear error, nothing written -----------------------------------------

def test_a_postgresql_url_without_the_driver_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as where the [postgres] extra is not installed
    monkeypatch.setenv("WORKBENCH_REGISTER_URL", "postgresql://aims:pw@db.example:5432/register")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # a person without a signing key: init would make one
    keys = os.environ[KEY_VAR]
    monkeypatch.delenv(KEY_VAR)
    result = invoke("init", tmp_path / "ws")
    assert result.exit_code == 2
    assert "register_url: needs a database driver that is not installed (psycopg); install the extra: " \
           "pip install 'aims-workbench[postgres]'" in result.output
    assert "Traceback" not in result.output and "pw@" not in result.output
    assert not (tmp_path / "ws").exists() and not (tmp_path / "home").exists()
    monkeypatch.delenv("WORKBENCH_REGISTER_URL")
    monkeypatch.setenv(KEY_VAR, keys)
    with pytest.raises(InputError, match=r"aims-workbench\[postgres\]"):  # the URL in the configuration
        init_workspace(tmp_path / "ws", config={**demo_configuration(KEYS),
                                                "register_url": "postgresql://aims@db.example/register"})
    assert not (tmp_path / "ws").exists()


def test_a_url_naming_another_database_or_driver_is_refused(tmp_path):
    with pytest.raises(InputError, match="names a database the register does not support; allowed: sqlite, postgresql"):
        Register("mysql://aims@db.example/register")
    with pytest.raises(InputError, match=r"\(psycopg2\); use postgresql://"):
        Register("postgresql+psycopg2://aims@db.example/register")
    with pytest.raises(InputError, match="is not a database URL"):
        Register("register.db")


@pytest.mark.parametrize("change, said, fix", [
    ({"port": 1}, "Connection refused", "start the database server, or fix the host and port"),
    ({"password": "wrong"}, 'password authentication failed for user "workbench"', "fix the user and password"),
    ({"user": "nobody"}, 'password authentication failed for user "nobody"', "fix the user and password"),
    ({"database": "nowhere"}, 'database "nowhere" does not exist', "create the database first (createdb nowhere)"),
], ids=["unreachable", "wrong-password", "unknown-user", "no-database"])
def test_a_database_that_cannot_be_opened_is_named_with_what_to_fix(tmp_path, postgres, change, said, fix):
    url = postgres.url(**change)
    with pytest.raises(InputError) as raised:
        init_workspace(tmp_path / "ws", config={**demo_configuration(KEYS), "register_url": url})
    message = str(raised.value)
    assert message.startswith("register_url: cannot open the register: ")
    assert said in message and fix in message
    assert postgres.url().split("@")[0].split(":")[-1] not in message  # the password is never shown
    assert not (tmp_path / "ws").exists()
    result = CliRunner(env={"WORKBENCH_REGISTER_URL": url}).invoke(main, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output
    assert not (tmp_path / "ws").exists()


def test_a_database_holding_another_workspaces_register_is_refused_by_init(tmp_path, postgres):
    url = postgres.new_database()
    init_workspace(tmp_path / "first", config={**demo_configuration(KEYS), "register_url": url})
    with pytest.raises(InputError, match="holds another workspace's register; give each workspace a database"):
        init_workspace(tmp_path / "second", config={**demo_configuration(KEYS), "register_url": url})
    assert not (tmp_path / "second").exists()


def test_a_missing_register_file_is_named_not_made_empty_and_a_rebuild_makes_it_again(workspace):
    systems = [s.id for s in workspace.register.systems()]
    workspace.register.close()
    (workspace.root / REGISTER_FILE).unlink()  # a URL set only in the environment, now unset, looks the same
    with pytest.raises(InputError, match="the register is missing while the ledger has entries: set "
                                         "WORKBENCH_REGISTER_URL or register_url"):
        Workspace(workspace.root).register
    assert not (workspace.root / REGISTER_FILE).exists()
    assert invoke("register", "rebuild", "-w", workspace.root).exit_code == 0
    assert [s.id for s in Workspace(workspace.root).register.systems()] == systems


# schema versions ----------------------------------------------------------------------------------

def first_layout() -> sa.MetaData:
    """The register as the first commit with one made it (2b872f5): systems, evidence with ``system_id``
    a foreign key to systems, and risks; no schema version."""
    def col(name, kind, *args, nullable=False, **kw):
        return sa.Column(name, kind, *args, nullable=nullable, **kw)

    old = sa.MetaData()
    sa.Table("systems", old, col("id", sa.String(64), primary_key=True), col("name", sa.String(200)),
             col("owner", sa.String(64)), col("purpose", sa.Text), col("lifecycle_stage", sa.String(40)),
             col("deployment_context", sa.Text), col("affected_stakeholders", sa.JSON),
             col("personal_data_categories", sa.JSON), col("tier", sa.String(64)),
             col("registered_at", sa.DateTime(timezone=True)))
    sa.Table("evidence", old, col("run_id", sa.String(80), primary_key=True), col("process", sa.String(64), index=True),
             col("system_id", sa.String(64), sa.ForeignKey("systems.id"), index=True),
             col("period", sa.String(20)), col("effective_date", sa.Date), col("assessor", sa.String(64)),
             col("status", sa.String(20)), col("recorded_at", sa.DateTime(timezone=True)), col("path", sa.Text),
             *(col(c, sa.String(64), nullable=True) for c in ("html_sha256", "notebook_sha256", "results_sha256")),
             col("answers_sha256", sa.String(64)), col("ledger_hash", sa.String(64), nullable=True),
             col("workbench_version", sa.String(20)), col("error", sa.Text, nullable=True))
    sa.Table("risks", old, col("run_id", sa.String(80), sa.ForeignKey("evidence.run_id"), primary_key=True),
             col("risk_id", sa.String(32), primary_key=True), col("system_id", sa.String(64), index=True),
             col("title", sa.String(200)), col("risk_source", sa.String(20)), col("inherent_score", sa.Integer),
             col("inherent_band", sa.String(40)), col("residual_score", sa.Integer), col("residual_band", sa.String(40)),
             col("treatment", sa.String(20)), col("owner", sa.String(64)), col("due_date", sa.Date),
             col("above_appetite", sa.Boolean), col("controls", sa.JSON))
    return old


AT = datetime(2026, 9, 30, 10, 0, 0, tzinfo=timezone.utc)
OLD_ROWS = {
    "systems": [{**{k: s[k] for k in ("id", "name", "owner", "purpose", "lifecycle_stage", "deployment_context",
                                      "affected_stakeholders", "personal_data_categories", "tier")},
                 "registered_at": AT} for s in SYSTEMS],
    "evidence": [{"run_id": "ra-1", "process": "risk-assessment", "system_id": "credit-scoring", "period": "2026-Q3",
                  "effective_date": date(2026, 9, 30), "assessor": "amara", "status": "approved", "recorded_at": AT,
                  "path": "credit-scoring/risk-assessment/ra-1", "html_sha256": "a" * 64, "notebook_sha256": "b" * 64,
                  "results_sha256": "c" * 64, "answers_sha256": "d" * 64, "ledger_hash": "e" * 64,
                  "workbench_version": "0.1.0", "error": None}],
    "risks": [{"run_id": "ra-1", "risk_id": "R-01", "system_id": "credit-scoring", "title": "Proxy discrimination",
               "risk_source": "ai", "inherent_score": 16, "inherent_band": "high", "residual_score": 6,
               "residual_band": "medium", "treatment": "mitigate", "owner": "amara", "due_date": date(2026, 12, 31),
               "above_appetite": True, "controls": ["A.5.4", "A.7.4"]}],
}


def old_register(url: str) -> None:
    made = engine(url)
    first_layout().create_all(made)
    with made.begin() as connection:
        for table in first_layout().sorted_tables:
            connection.execute(table.insert(), OLD_ROWS[table.name])
    made.dispose()


def as_utc(value):
    return value.astimezone(timezone.utc).replace(tzinfo=None) if isinstance(value, datetime) and value.tzinfo else value


def schema_differences(url: str) -> list:
    """What differs between the register at ``url`` and the models of this workbench (Alembic's compare)."""
    tables = [LedgerHeadRow.__table__, *(m.__table__ for m in known_tables().values())]
    wanted = sa.MetaData()
    for table in tables:
        table.to_metadata(wanted)
    made = engine(url)
    with made.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), wanted)
    made.dispose()
    # SQLite reflects a server default of '' as "''": not a difference in what the column holds
    return [d for d in found if not (isinstance(d, list) and d and d[0][0] == "modify_default")]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.db'}"
    return request.getfixturevalue("postgres").new_database(register=False)


def test_a_new_register_records_this_schema_version_and_matches_its_migrations(empty_url, tmp_path, postgres):
    Register(empty_url).close()
    made = engine(empty_url)
    with made.connect() as connection:
        assert migrations.current(connection) == migrations.head() == "0002"
    made.dispose()
    # the same schema when the migrations make it from nothing as when the register makes it from its models
    other = (f"sqlite:///{tmp_path / 'migrated.db'}" if empty_url.startswith("sqlite")
             else postgres.new_database(register=False))
    migrations.upgrade(engine(other, foreign_keys=False))
    assert schema_differences(other) == []
    assert schema_differences(empty_url) == []


def test_a_register_of_the_first_layout_is_refused_then_upgraded_with_its_data_intact(empty_url):
    old_register(empty_url)
    with pytest.raises(SchemaError, match="made before schema versions; this workbench writes schema 0002. Back it "
                                          "up, then run 'workbench db upgrade'"):
        Register(empty_url)
    made = engine(empty_url)
    with made.connect() as connection:  # the refusal wrote nothing: no version, no new table
        assert migrations.current(connection) is None
        assert set(sa.inspect(connection).get_table_names()) == {"systems", "evidence", "risks"}
    made.dispose()

    assert migrations.upgrade_register(empty_url) == (None, "0002")
    assert schema_differences(empty_url) == []
    register = Register(empty_url)
    for name, rows in OLD_ROWS.items():
        key = "id" if name == "systems" else "run_id"
        found = sorted(register.rows(name), key=lambda r: (r[key], r.get("risk_id", "")))
        for old, new in zip(sorted(rows, key=lambda r: r[key]), found, strict=True):
            assert {k: as_utc(new[k]) for k in old} == {k: as_utc(v) for k, v in old.items()}
    [record] = register.evidence_list()
    assert record["item_id"] == "" and record["headline"] == "" and record["review_round"] is None
    assert register.head() is None  # an earlier version's register: recovery adopts what only it held
    # the foreign key that made an organisation-wide record fail is gone; the unique indexes hold
    soa = {**OLD_ROWS["evidence"][0], "run_id": "soa-1", "process": "soa", "system_id": "organisation",
           "item_id": "", "headline": "", "review_round": 1}
    register.record_evidence(soa)
    with pytest.raises(InputError, match="is already recorded"):
        register.record_evidence({**soa, "run_id": "soa-2"})
    register.close()
    assert migrations.upgrade_register(empty_url) == ("0002", "0002")  # a second upgrade has nothing to do


def test_a_register_of_a_newer_schema_is_refused_and_not_downgraded(empty_url):
    Register(empty_url).close()
    made = engine(empty_url)
    with made.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    made.dispose()
    for attempt in (lambda: Register(empty_url), lambda: migrations.upgrade_register(empty_url)):
        with pytest.raises(SchemaError, match="schema 0099 was written by a newer workbench \\(this one knows up to "
                                              "0002\\); install that workbench version or newer"):
            attempt()
    made = engine(empty_url)
    with made.connect() as connection:
        assert migrations.current(connection) == "0099"
    made.dispose()


def test_db_upgrade_on_the_command_line(tmp_path, monkeypatch):
    path = tmp_path / "ws"
    init_workspace(path, config=demo_configuration(KEYS)).register.close()
    (path / REGISTER_FILE).unlink()
    old_register(f"sqlite:///{path / REGISTER_FILE}")
    refused = invoke("system", "list", "-w", path)
    assert refused.exit_code == 2 and "run 'workbench db upgrade'" in refused.output
    done = invoke("db", "upgrade", "-w", path)
    assert done.exit_code == 0, done.output
    assert "schema before versions -> 0002" in done.output
    assert "credit-scoring" in invoke("system", "list", "-w", path).output
    assert "nothing to upgrade" in invoke("db", "upgrade", "-w", path).output


# moving a whole register --------------------------------------------------------------------------

def test_a_whole_register_moves_to_postgresql_and_back_and_verifies(copy_of_demo, postgres, tmp_path, monkeypatch):
    source = copy_of_demo.register
    before = {t.name: table_hash(source, t) for t in register_tables()}
    assert sum(1 for count, _ in before.values() if count) >= 15  # the demo fills nearly every table
    url = postgres.new_database(register=False)
    result = invoke("register", "copy", "--to", url, "-w", copy_of_demo.root)
    assert result.exit_code == 0, result.output
    assert f"copied {sum(c for c, _ in before.values())} rows in {len(before)} tables" in result.output
    assert postgres.url().split(":")[2].split("@")[0] not in result.output  # no password printed
    moved = Register(url)
    assert {t.name: table_hash(moved, t) for t in register_tables()} == before

    # the workspace on the copy: verify agrees with the archive, and a new event gets a new id
    monkeypatch.setenv("WORKBENCH_REGISTER_URL", url)
    on_postgres = Workspace(copy_of_demo.root)
    assert verify(on_postgres).ok, [str(f) for f in verify(on_postgres).findings]
    ids = {e["id"] for e in moved.events()}
    added = on_postgres.add_event("credit-scoring", "incident", "2026-11-02", person="david")
    assert added["id"] not in ids and verify(on_postgres).ok

    # back to SQLite: refused into a register with rows, then replaced on request
    back = f"sqlite:///{tmp_path / 'back.db'}"
    copy_register(moved, back)
    with pytest.raises(InputError, match="already holds a register .* pass --replace"):
        copy_register(moved, back)
    copy_register(moved, back, replace=True)
    assert {t.name: table_hash(Register(back), t) for t in register_tables()} == {
        t.name: table_hash(moved, t) for t in register_tables()}
    moved.close()
    with pytest.raises(InputError, match="is the register being copied"):
        copy_register(Register(back), back)


def test_a_copy_that_would_not_match_is_refused_into_a_database_of_unknown_tables(workspace, postgres):
    url = postgres.new_database(register=False)
    made = engine(url)
    with made.begin() as connection:
        connection.execute(sa.text("CREATE TABLE payroll (id integer)"))
    made.dispose()
    with pytest.raises(SchemaError, match="made before schema versions"):
        copy_register(workspace.register, url)  # a database with other tables is no empty register
    with sqlite3.connect(workspace.root / REGISTER_FILE) as db:
        db.execute("CREATE TABLE payroll (id integer)")
    with pytest.raises(InputError, match=r"tables: are in the register but no installed process declares them"):
        copy_register(Workspace(workspace.root).register, postgres.new_database(register=False))


# one database, two workspace folders ---------------------------------------------------------------

def test_a_second_workspace_on_the_same_register_writes_nothing_and_verify_names_its_rows(tmp_path, postgres,
                                                                                          monkeypatch):
    url = postgres.new_database()
    first = init_workspace(tmp_path / "first", config={**demo_configuration(KEYS), "register_url": url})
    first.add_systems(SYSTEMS)
    assert verify(first).ok
    second = init_workspace(tmp_path / "second", config=demo_configuration(KEYS))
    second.add_systems(SYSTEMS)  # its own ledger, as long as the first's: its entries differ
    ledger = (second.evidence_dir / "ledger.jsonl").read_bytes()
    monkeypatch.setenv("WORKBENCH_REGISTER_URL", url)  # the second folder pointed at the first's database
    with pytest.raises(InputError, match="is not in this workspace's ledger: it is another workspace's register"):
        Workspace(second.root).add_systems(SYSTEMS[:1])
    assert (second.evidence_dir / "ledger.jsonl").read_bytes() == ledger
    assert len(first.register.systems()) == len(SYSTEMS)
    monkeypatch.delenv("WORKBENCH_REGISTER_URL")

    # a writer elsewhere moved the register on: the first folder's verify names it, writing nothing
    last = ledger_entries(first.evidence_dir)[-1]["seq"]
    first.register.index([{"events": [{"system_id": "credit-scoring", "kind": "incident", "note": "elsewhere",
                                       "occurred_on": date(2026, 11, 1), "recorded_at": AT,
                                       "ledger_hash": "f" * 64}]}], head={"seq": last, "hash": "f" * 64})
    findings = [str(f) for f in verify(Workspace(first.root)).findings]
    assert findings == [f"register: events {'f' * 64}: is in the register; no ledger entry records it"]
    with pytest.raises(InputError, match=f"the register's last indexed ledger entry \\({last}, ffffffffffff\\) is "
                                         "not in this workspace's ledger"):
        Workspace(first.root).add_event("credit-scoring", "incident", "2026-11-02", person="david")

"""Incidents and concerns: the Art. 73 clock at its boundaries, the timeline appended and never
edited, refusals that write nothing, concerns whose anonymous reporter only an AIMS manager sees
(searched for in every file written and every line printed), and the incident report on a real kernel."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from keys import KEYS
from workbench.cli import main
from workbench.exceptions import InputError, UnknownRecordError
from workbench.pipeline.archive import append_entry, ledger_entries
from workbench.processes.incident_report.concerns import concerns, raise_concern, reveal
from workbench.processes.incident_report.incidents import (add_incident, authority_clock, authority_due,
                                                           close_incident, current, incidents, timeline,
                                                           update_incident)
from workbench.processes.incident_report.settings import AuthorityPeriods, IncidentSettings

SYSTEM = "credit-scoring"  # tier high in the demo
FRIDAY = date(2026, 11, 27)


def facts(aware: date, **more) -> dict:
    return {"title": "Older applicants declined", "what_happened": "Declines of applicants aged 55+ doubled.",
            "detected_on": aware.isoformat(), "detected_by": "a complaint to customer service",
            "aware_on": aware.isoformat(), "severity": "major", "harm_category": "discrimination",
            "affected": ["loan applicants aged 55+"], **more}


def serious(aware: date, ground: str = "other-serious-harm", **more) -> dict:
    return facts(aware, serious=True, serious_ground=ground, **more)


def lines(workspace) -> int:
    return len(ledger_entries(workspace.evidence_dir))


# the clock

@pytest.mark.parametrize("ground, days, due", [
    ("widespread-infringement", 2, date(2026, 11, 29)),  # Friday + 2 calendar days: a Sunday, weekends count
    ("critical-infrastructure", 2, date(2026, 11, 29)),
    ("death", 10, date(2026, 12, 7)),
    ("other-serious-harm", 15, date(2026, 12, 12))])
def test_the_report_is_due_awareness_plus_the_period_in_calendar_days(ground, days, due):
    scale = IncidentSettings()
    assert scale.authority_periods.days(ground) == days
    assert authority_due(FRIDAY, ground, scale) == due


def clock(today: date, ground: str = "widespread-infringement", told: date | None = None, tier: str = "high",
          scale: IncidentSettings | None = None, is_serious: bool = True) -> dict:
    state = {"serious": is_serious, "serious_ground": ground if is_serious else "", "aware_on": FRIDAY.isoformat(),
             "communications": [{"recipient": "affected-persons", "on": FRIDAY.isoformat()}]
             + ([{"recipient": "market-surveillance-authority", "on": told.isoformat()}] if told else [])}
    return authority_clock(state, tier, scale or IncidentSettings(), today)


def test_the_clock_at_its_boundaries():
    sunday = date(2026, 11, 29)
    assert clock(FRIDAY)["days_left"] == 2 and clock(FRIDAY)["status"] == "due"  # the awareness day: 2 days left
    assert clock(sunday)["status"] == "due" and clock(sunday)["days_left"] == 0  # the due day: not yet overdue
    assert clock(sunday + timedelta(days=1))["status"] == "overdue"
    assert clock(sunday + timedelta(days=1), told=sunday)["status"] == "reported"  # on the due day: on time
    assert clock(sunday + timedelta(days=5), told=sunday + timedelta(days=1))["status"] == "reported late"
    fifteen = date(2026, 12, 12)
    assert clock(fifteen - timedelta(days=4), "other-serious-harm")["status"] == "running"
    assert clock(fifteen - timedelta(days=3), "other-serious-harm")["status"] == "due"  # due_within_days = 3
    assert clock(fifteen, "other-serious-harm")["rule"] == ("other-serious-harm: aware on 2026-11-27 + 15 calendar "
                                                            "days = 2026-12-12")
    assert clock(sunday + timedelta(days=30), tier="medium")["status"] == "not required"
    assert clock(sunday + timedelta(days=30), is_serious=False)["status"] == "not required"


def test_the_periods_are_configuration():
    scale = IncidentSettings(authority_periods=AuthorityPeriods(death=5), due_within_days=0, high_risk_tiers=["medium"])
    assert authority_due(FRIDAY, "death", scale) == date(2026, 12, 2)
    assert clock(date(2026, 12, 1), "death", tier="medium", scale=scale)["status"] == "running"
    assert clock(date(2026, 12, 2), "death", tier="medium", scale=scale)["status"] == "due"
    assert clock(date(2026, 12, 2), "death", tier="high", scale=scale)["status"] == "not required"
    with pytest.raises(ValueError):
        AuthorityPeriods(death=-1)


# the register and its timeline

def test_an_incident_is_recorded_with_its_event_and_makes_the_assessments_due(workspace):
    from workbench.scheduling.cadence import review_states

    aware = date.today() - timedelta(days=20)
    row = add_incident(workspace, SYSTEM, serious(aware), person="priya")
    assert (row["incident_id"], row["status"], row["seq"]) == ("inc-0001", "open", 1)
    assert row["clock"]["status"] == "overdue" and row["clock"]["due_on"] == (aware + timedelta(days=15)).isoformat()
    [event] = workspace.register.events(SYSTEM)
    assert (event["kind"], event["occurred_on"], event["ledger_hash"]) == ("incident", aware, row["event"])
    assert workspace.register.item(SYSTEM, "inc-0001", "incident").name == "Older applicants declined"
    due = {s.process: s for s in review_states(workspace) if s.system_id == SYSTEM}
    assert due["risk-assessment"].status == "due" and due["impact-assessment"].status == "due"


def test_every_change_is_appended_and_the_register_is_rebuilt_from_the_ledger(workspace):
    from workbench.pipeline.recovery import rebuild
    from workbench.pipeline.verify import verify

    aware = date.today() - timedelta(days=3)
    add_incident(workspace, SYSTEM, serious(aware, "death"), person="priya")
    update_incident(workspace, "inc-0001", person="lena", note="model switched off",
                    containment={"action": "Scores replaced by manual underwriting", "by": "lena",
                                 "on": aware.isoformat()})
    update_incident(workspace, "inc-0001", person="lena", severity="critical",
                    communication={"recipient": "market-surveillance-authority", "to": "BaFin", "on": date.today(),
                                   "what": "Art. 73 report"})
    row = close_incident(workspace, "inc-0001", "Monitor decline rates by age band weekly.", person="priya",
                         root_cause="A feature proxied age.")
    entries = timeline(workspace, "inc-0001")
    assert [(e["seq"], e["updated_by"], e["changed"]) for e in entries] == [
        (1, "priya", []), (2, "lena", ["containment"]), (3, "lena", ["communications", "severity"]),
        (4, "priya", ["closed_on", "lessons_learned", "root_cause", "status"])]
    assert entries[0]["state"]["severity"] == "major" and entries[2]["state"]["severity"] == "critical"  # kept
    assert row["clock"]["status"] == "reported" and row["status"] == "closed"
    kinds = [e["kind"] for e in ledger_entries(workspace.evidence_dir)]
    assert kinds[-6:] == ["item", "event", "incident", "incident-update", "incident-update", "incident-update"]
    before = workspace.register.rows("incident_updates")
    rebuild(workspace)
    assert sorted(workspace.register.rows("incident_updates"), key=lambda r: r["seq"]) == sorted(
        before, key=lambda r: r["seq"])
    assert verify(workspace).ok


def test_bad_input_names_the_field_and_writes_nothing(workspace):
    aware = date.today() - timedelta(days=2)
    start = lines(workspace)
    refusals = [
        (dict(severity="catastrophic"), "severity", "negligible, minor, moderate, major, critical"),
        (dict(harm_category="vibes"), "harm_category", "discrimination"),
        (dict(serious=True), "serious_ground", "death"),
        (dict(serious_ground="death"), "serious_ground", "only a serious incident"),
        (dict(aware_on=(aware - timedelta(days=1)).isoformat()), "aware_on", "before"),
        (dict(detected_on=(date.today() + timedelta(days=1)).isoformat(),
              aware_on=(date.today() + timedelta(days=1)).isoformat()), "detected_on", "future"),
        (dict(status="closed"), "status", "incident close"),
        (dict(affected=[]), "affected", ""),
    ]
    for change, field, allowed in refusals:
        with pytest.raises(InputError) as err:
            add_incident(workspace, SYSTEM, {**facts(aware), **change}, person="priya")
        assert field in str(err.value) and allowed in str(err.value), (change, str(err.value))
    with pytest.raises(InputError, match="recorded_by.*only an AIMS manager or a system owner"):
        add_incident(workspace, SYSTEM, facts(aware), person="tomas")  # an assessor records concerns, not incidents
    with pytest.raises(UnknownRecordError, match="system"):
        add_incident(workspace, "no-such-system", facts(aware), person="priya")
    assert lines(workspace) == start
    add_incident(workspace, SYSTEM, serious(aware), person="priya")
    start = lines(workspace)
    with pytest.raises(InputError, match="status.*is not a field an update changes"):
        update_incident(workspace, "inc-0001", person="priya", status="closed")
    with pytest.raises(InputError, match="communication.*recipient"):
        update_incident(workspace, "inc-0001", person="priya",
                        communication={"recipient": "the press", "to": "x", "on": aware, "what": "y"})
    with pytest.raises(InputError, match="root_cause"):
        close_incident(workspace, "inc-0001", "lessons", person="priya")
    with pytest.raises(InputError, match="communications.*market surveillance authority"):
        close_incident(workspace, "inc-0001", "lessons", person="priya", root_cause="cause")  # not reported yet
    with pytest.raises(UnknownRecordError, match="incident.*known: inc-0001.*inc-0009"):
        update_incident(workspace, "inc-0009", person="priya", note="x")
    assert lines(workspace) == start


def test_a_closed_incident_takes_no_update(workspace):
    aware = date.today() - timedelta(days=2)
    add_incident(workspace, SYSTEM, facts(aware), person="priya")
    close_incident(workspace, "inc-0001", "Lessons.", person="priya", root_cause="Cause.")
    start = lines(workspace)
    for attempt in (lambda: update_incident(workspace, "inc-0001", person="priya", note="late"),
                    lambda: close_incident(workspace, "inc-0001", "Again.", person="priya")):
        with pytest.raises(InputError) as err:
            attempt()
        assert err.value.problems[0].field == "incident" and "closed" in str(err.value)
    assert lines(workspace) == start and current(workspace, "inc-0001")["seq"] == 2


def test_verify_names_a_timeline_entry_signed_by_someone_else(workspace):
    from workbench.pipeline.verify import verify
    from workbench.records.identity import acting_person

    add_incident(workspace, SYSTEM, facts(date.today()), person="priya")
    last = timeline(workspace, "inc-0001")[-1]
    forged = {"kind": "incident-update", "system_id": SYSTEM, "incident_id": "inc-0001", "update_seq": 2,
              "state": {**last["state"], "severity": "negligible"}, "changed": ["severity"], "note": "",
              "updated_by": "priya", "recorded_at": "2026-11-30T00:00:00+00:00"}
    append_entry(workspace.evidence_dir, forged, acting_person(workspace, "tomas"))  # tomas signs as priya
    report = verify(workspace)
    assert not report.ok and "names 'priya' as updated_by but is signed by tomas" in str(report.findings)


# concerns

def test_an_anonymous_concern_names_nobody_and_only_an_aims_manager_opens_it(workspace):
    from workbench.pipeline.verify import verify

    row = raise_concern(workspace, SYSTEM, "Older applicants seem to be declined more.", anonymous=True,
                        person="tomas")
    assert (row["raised_by"], row["anonymous"], row["identity_visible_to"]) == ("anonymous", True, "priya")
    entry = ledger_entries(workspace.evidence_dir)[-1]
    assert "signature" not in entry and "tomas" not in json.dumps(entry)
    start = lines(workspace)
    for person in ("amara", "lena", "david", "sofia", "tomas"):  # the reporter may not open it either
        with pytest.raises(InputError) as err:
            reveal(workspace, row["concern_id"], person)
        assert err.value.problems[0].field == "person" and "only an AIMS manager" in str(err.value)
    assert lines(workspace) == start
    found = reveal(workspace, row["concern_id"], "priya")
    assert (found["reporter"], found["name"], found["signature"]) == ("tomas", "Tomas Novak", "verified")
    [seen] = workspace.register.rows("concern_reveals")
    assert (seen["concern_id"], seen["person"]) == (row["concern_id"], "priya")
    assert "tomas" not in json.dumps(ledger_entries(workspace.evidence_dir)[-1])
    named = raise_concern(workspace, SYSTEM, "The chatbot gave a wrong fee.", person="amara")
    assert named["raised_by"] == "amara" and ledger_entries(workspace.evidence_dir)[-1]["signature"]["by"] == "amara"
    assert verify(workspace).ok


def test_a_swapped_sealed_identity_is_refused(workspace):
    raise_concern(workspace, SYSTEM, "First.", anonymous=True, person="tomas")
    raise_concern(workspace, SYSTEM, "Second.", anonymous=True, person="amara")
    ledger = workspace.evidence_dir / "ledger.jsonl"
    first, second = (json.loads(line) for line in ledger.read_text().splitlines()[-2:])
    # an insider replaces the second concern's box with the first's, to pin it on tomas: the box is
    # part of a hash-chained entry, and even re-hashed it no longer matches the statement inside
    second["sealed_reporter"] = first["sealed_reporter"]
    from workbench.pipeline.archive import entry_hash

    second["hash"] = entry_hash(second)
    ledger.write_text("\n".join(ledger.read_text().splitlines()[:-1] + [json.dumps(second)]) + "\n")
    with pytest.raises(InputError, match="does not match the ledger's commitment"):
        reveal(workspace, "con-0002", "priya")


def test_verify_refuses_an_unsigned_concern_that_is_not_anonymous(workspace):
    from workbench.pipeline.verify import verify

    append_entry(workspace.evidence_dir, {"kind": "concern", "concern_id": "con-0001", "system_id": SYSTEM,
                                          "text": "planted", "anonymous": False, "raised_by": "amara",
                                          "raised_at": "2026-11-30T00:00:00+00:00"})
    report = verify(workspace)
    assert not report.ok and "only an anonymous concern" in str(report.findings)


def test_concern_errors(workspace):
    with pytest.raises(InputError, match="text"):
        raise_concern(workspace, SYSTEM, "   ", person="tomas")
    with pytest.raises(UnknownRecordError, match="system"):
        raise_concern(workspace, "nope", "text", person="tomas")
    with pytest.raises(UnknownRecordError, match="concern.*con-0042"):
        reveal(workspace, "con-0042", "priya")


# the command line

def invoke(workspace, *args):
    return CliRunner().invoke(main, [args[0], args[1], "-w", str(workspace.root), *[str(a) for a in args[2:]]])


def test_the_commands_and_the_overdue_exit_status_for_cron(workspace):
    aware = (date.today() - timedelta(days=3)).isoformat()
    common = ["--title", "Wrong fee quoted", "--what", "The assistant quoted an old fee.", "--detected-on", aware,
              "--detected-by", "agent review", "--aware-on", aware, "--severity", "minor", "--harm", "financial-loss",
              "--affected", "customers", "--as", "priya"]
    result = invoke(workspace, "concern", "raise", "--system", "support-assistant", "--text", "Fees look wrong",
                    "--anonymous", "--as", "tomas")
    assert result.exit_code == 0 and "recorded concern con-0001" in result.output and "tomas" not in result.output
    result = invoke(workspace, "incident", "add", "--system", "support-assistant", *common, "--concern", "con-0001")
    assert result.exit_code == 0, result.output
    assert "recorded incident inc-0001 of support-assistant; authority report: not required" in result.output
    assert invoke(workspace, "incident", "list", "--overdue").exit_code == 0
    result = invoke(workspace, "incident", "add", "--system", SYSTEM, *common, "--serious", "widespread-infringement")
    assert "authority report: overdue" in result.output
    result = invoke(workspace, "incident", "list", "--overdue")
    assert result.exit_code == 1 and "inc-0002" in result.output and "inc-0001" not in result.output
    result = invoke(workspace, "incident", "update", "inc-0002", "--communication-to", "market-surveillance-authority",
                    "--to", "BaFin", "--message", "Art. 73 report", "--containment", "Fee table fixed", "--as", "priya")
    assert result.exit_code == 0 and "authority report: reported late" in result.output, result.output
    assert invoke(workspace, "incident", "list", "--overdue").exit_code == 0
    result = invoke(workspace, "incident", "update", "inc-0002", "--severity", "apocalyptic", "--as", "priya")
    assert result.exit_code == 2 and "severity" in result.output and "allowed" in result.output
    result = invoke(workspace, "incident", "close", "inc-0002", "--lessons", "Check fee tables.", "--root-cause",
                    "Stale table.", "--as", "priya")
    assert result.exit_code == 0 and "closed incident inc-0002" in result.output
    result = invoke(workspace, "incident", "update", "inc-0002", "--note", "again", "--as", "priya")
    assert result.exit_code == 2 and "incident" in result.output and "closed" in result.output
    shown = json.loads(invoke(workspace, "incident", "show", "inc-0002", "--json").output)
    assert [e["seq"] for e in shown["timeline"]] == [1, 2, 3] and shown["containment"][0]["by"] == "priya"
    result = invoke(workspace, "concern", "list")
    assert "con-0001" in result.output and "anonymous" in result.output and "incident inc-0001" in result.output
    result = invoke(workspace, "concern", "reveal", "con-0001", "--as", "amara")
    assert result.exit_code == 2 and "person" in result.output and "tomas" not in result.output
    result = invoke(workspace, "concern", "reveal", "con-0001", "--as", "priya")
    assert result.exit_code == 0 and "raised by tomas (Tomas Novak" in result.output


# on a real kernel, and the anonymity search

@pytest.mark.kernel
def test_the_report_archives_the_timeline_and_cites_what_the_incident_leads_to(workspace, answers):
    from workbench.pipeline.run import run_process
    from workbench.pipeline.verify import verify

    aware = date.today() - timedelta(days=20)
    concern_row = raise_concern(workspace, SYSTEM, "Declines for <script>alert(1)</script> applicants.",
                                anonymous=True, person="tomas")
    add_incident(workspace, SYSTEM, serious(aware, concern=concern_row["concern_id"]), person="priya")
    update_incident(workspace, "inc-0001", person="lena", containment={"action": "Manual review of declines",
                                                                        "by": "lena", "on": aware.isoformat()})
    first = run_process(workspace, "incident-report", SYSTEM, {"note": ""}, assessor="priya", item_id="inc-0001")
    html = first.html.read_text()
    assert "OVERDUE" in html and "opens the incident's nonconformity" in html and "<script>alert" not in html
    [nc] = workspace.register.rows("nonconformities", source="incident")
    assert (nc["source_ref"], nc["evidence_ref"], nc["grade"]) == ("inc-0001", first.run_id, "major nonconformity")
    assert current(workspace, "inc-0001")["nonconformity"] == nc["id"]
    risk = run_process(workspace, "risk-assessment", SYSTEM, answers, assessor="amara")
    second = run_process(workspace, "incident-report", SYSTEM, {"note": "after the re-assessment"},
                         assessor="priya", item_id="inc-0001")
    record = json.loads((second.folder / "results.json").read_text())["results"]
    assert record["nonconformity"]["nc_id"] == nc["id"] and record["clock"]["status"] == "overdue"
    assert [r["run_id"] for r in record["reassessments"]] == [risk.run_id]
    assert [e["note"] for e in record["timeline"]] == ["recorded", "", f"opened nonconformity {nc['id']}"]
    assert record["concern"]["raised_by"] == "anonymous"
    html = second.html.read_text()
    assert nc["id"] in html and f"../../../../{risk.ledger_entry['path']}/evidence.html" in html
    assert workspace.register.rows("nonconformities", source="incident") == [nc]  # opened once
    [row] = workspace.register.rows("incident_reports", run_id=second.run_id)
    assert (row["timeline_entries"], row["authority_report"], row["nonconformity"]) == (3, "overdue", nc["id"])
    index = (workspace.evidence_dir / "index.html").read_text()
    assert "report to the market surveillance authority overdue" in index
    assert verify(workspace).ok


REPORTER = {"id": "quentin-okafor", "name": "Quentin Okafor-Lindqvist", "email": "q.okafor-lindqvist@example.net",
            "roles": ["assessor"]}


@pytest.mark.kernel
def test_the_anonymous_reporter_appears_in_no_file_written_nor_any_line_printed(tmp_path, monkeypatch):
    """Every file the concern and what follows write (ledger lines, register, evidence, portfolio,
    exports, run logs) and everything printed to others is searched for the reporter's id, name and e-mail."""
    from workbench.demo import SYSTEMS, demo_configuration
    from workbench.signing import KEY_VAR, new_key
    from workbench.workspace import init_workspace

    key = tmp_path / "keys" / "quentin"
    config = demo_configuration(KEYS)
    config["people"].append({**REPORTER, "keys": [new_key(key)]})
    monkeypatch.setenv(KEY_VAR, ":".join([str(key)] + [str(p) for p in KEYS.values()]))
    workspace = init_workspace(tmp_path / "ws", config=config)
    workspace.add_systems(SYSTEMS)
    root = workspace.root
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    runner = CliRunner()
    printed = []

    def run(*args, code=0):
        result = runner.invoke(main, [*args[:2], "-w", str(root), *args[2:]])
        assert result.exit_code == code, result.output
        printed.append(result.output)
        return result

    aware = (date.today() - timedelta(days=1)).isoformat()
    run("concern", "raise", "--system", SYSTEM, "--text", "Scores drift for older applicants.", "--anonymous",
        "--as", REPORTER["id"])
    run("incident", "add", "--system", SYSTEM, "--title", "Drift for older applicants", "--what", "Scores drifted.",
        "--detected-on", aware, "--detected-by", "an anonymous concern", "--aware-on", aware, "--severity", "moderate",
        "--harm", "discrimination", "--affected", "applicants aged 55+", "--concern", "con-0001", "--as", "priya")
    run("incident", "update", "inc-0001", "--containment", "Threshold frozen", "--as", "lena")
    run("run", "incident-report", "--system", SYSTEM, "--item", "inc-0001", "--answers", '{"note": ""}',
        "--assessor", "priya")
    run("concern", "reveal", "con-0001", "--as", "amara", code=2)
    run("concern", "list")
    run("concern", "list", "--json")
    run("incident", "show", "inc-0001", "--json")
    run("export", "concerns", "--csv", str(root / "concerns.csv"), "--xlsx", str(root / "concerns.xlsx"))
    run("export", "incident_updates", "--csv", str(root / "incident_updates.csv"))
    run("verify")
    run("register", "rebuild")
    run("index")
    revealed = runner.invoke(main, ["concern", "reveal", "con-0001", "-w", str(root), "--as", "priya"])
    assert REPORTER["name"] in revealed.output  # shown to the AIMS manager alone, and not written anywhere
    secrets = [REPORTER["id"], REPORTER["name"], REPORTER["email"], "Okafor-Lindqvist", "quentin"]
    written = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and before.get(p) != p.read_bytes()}
    assert {"ledger.jsonl", "register.db", "evidence.html", "notebook.ipynb", "results.json", "index.html",
            "concerns.csv", "concerns.xlsx", "incident_updates.csv"} <= {p.name for p in written}
    for path, data in written.items():
        if path.name == "ledger.jsonl":
            data = data[len(before[path]):]  # the configuration lists staff; only what was appended is the concern's
        if path.suffix == ".xlsx":  # a zip: search what it holds
            with zipfile.ZipFile(path) as sheet:
                data = b"".join(sheet.read(name) for name in sheet.namelist())
        for secret in secrets:
            assert secret.encode() not in data, f"{secret!r} found in {path.relative_to(root)}"
            assert secret.lower().encode() not in data.lower(), f"{secret!r} found in {path.relative_to(root)}"
    for output in printed:
        assert not any(s.lower() in output.lower() for s in secrets), output
    [row] = concerns(workspace)
    assert row["raised_by"] == "anonymous" and incidents(workspace)[0]["concern"] == "con-0001"


# the form, in JupyterLab and Voila

def test_the_concern_form_raises_a_concern_and_never_shows_who(workspace):
    from workbench.processes.incident_report.concern_form import ConcernForm

    form = ConcernForm(workspace, "cv-screening")
    assert form.system.value == "cv-screening" and "Priya Raman" in form.anonymous.description
    form.person.value, form.text.value = "tomas", "   "
    form.submit.click()
    assert "Not recorded" in form.message.value and "text" in form.message.value and not concerns(workspace)
    form.text.value, form.anonymous.value = "Ranks drop for <b>career breaks</b>", True
    form.submit.click()
    assert "Recorded concern <strong>con-0001</strong> about cv-screening, anonymously" in form.message.value
    assert "tomas" not in form.message.value.lower() and form.text.value == ""
    [row] = concerns(workspace)
    assert (row["raised_by"], row["text"]) == ("anonymous", "Ranks drop for <b>career breaks</b>")


@pytest.mark.kernel
def test_the_concern_notebook_runs_headless_and_shows_the_form(workspace):
    import nbformat

    from workbench.pipeline.execute import execute
    from workbench.processes.incident_report.concern_form import concern_notebook

    path = concern_notebook(workspace, "credit-scoring")
    assert path.parent == workspace.drafts_dir
    nb = nbformat.read(path, as_version=4)
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") for c in nb.cells if c.cell_type == "code")
    executed = path.with_name("executed.ipynb")
    execute(path, executed, {}, workspace.root)
    outputs = [o for c in nbformat.read(executed, as_version=4).cells for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs), outputs


def test_open_incidents_is_a_measure_and_the_management_review_lists_incidents_and_concerns(workspace):
    from workbench.processes.incident_report.incidents import open_incidents, review_section

    aware = date.today() - timedelta(days=10)
    add_incident(workspace, SYSTEM, facts(aware), person="priya")
    add_incident(workspace, SYSTEM, facts(aware, title="Second"), person="priya")
    close_incident(workspace, "inc-0002", "Lessons.", person="priya", root_cause="Cause.")
    raise_concern(workspace, SYSTEM, "<b>Declines</b> of older applicants", anonymous=True, person="tomas")
    assert open_incidents(workspace, date.today()) == (1.0, f"incidents open on {date.today()}: inc-0001")
    assert open_incidents(workspace, aware - timedelta(days=1))[0] == 0.0  # not yet aware
    section = review_section(workspace, aware - timedelta(days=1), date.today())
    kinds = [(row[0], row[1]) for row in section["rows"]]
    assert kinds == [("incident", "inc-0001"), ("incident", "inc-0002"), ("concern", "con-0001")]
    assert "tomas" not in json.dumps(section)
    # a review after the closed incident lists only what is still open and what came since
    later = review_section(workspace, date.today(), date.today())
    assert [(row[0], row[1]) for row in later["rows"]] == [("incident", "inc-0001")]

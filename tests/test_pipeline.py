"""The whole pipeline on real kernels: validate, papermill run, render, archive, register."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from keys import KEYS
from workbench import __version__
from workbench.pipeline.archive import GENESIS, LEDGER_FILE, MANIFEST_FILE, canonical_json, entry_hash, ledger_entries
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.exceptions import RunError
from workbench.pipeline.run import HTML_FILE, NOTEBOOK_FILE, RESULTS_FILE, run_process
from workbench.pipeline.request import build_request
from workbench.processes import Process
from workbench.processes.risk_assessment.assessment import assess
from workbench.workspace import init_workspace

pytestmark = [pytest.mark.kernel, pytest.mark.both_registers]  # on SQLite and on PostgreSQL

FILES = (HTML_FILE, NOTEBOOK_FILE, RESULTS_FILE)
PERIOD, ASSESSOR, EFFECTIVE = "2026-Q3", "amara", "2026-09-30"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


REGISTER_BACKENDS = ("archived", "workspace")


@pytest.fixture(scope="module")
def archived(tmp_path_factory, register_backend):
    """One workspace with two real runs of the credit-scoring risk assessment."""
    ws = init_workspace(tmp_path_factory.mktemp("pipeline") / "ws",
                        config=register_backend.config(demo_configuration(KEYS)))
    ws.add_systems(SYSTEMS)
    answers = copy.deepcopy(ANSWERS["credit-scoring"])
    first = run_process(ws, "risk-assessment", "credit-scoring", copy.deepcopy(answers),
                        period=PERIOD, assessor=ASSESSOR, effective_date=EFFECTIVE)
    second = run_process(ws, "risk-assessment", "credit-scoring", copy.deepcopy(answers),
                         period=PERIOD, assessor=ASSESSOR, effective_date=EFFECTIVE)
    yield ws, answers, first, second
    ws.register.close()


def test_run_archives_its_three_files(archived):
    ws, _, ev, _ = archived
    assert ev.folder == ws.evidence_dir / "credit-scoring" / "risk-assessment" / ev.run_id
    assert sorted(p.name for p in ev.folder.iterdir()) == sorted(FILES)
    for path in (ev.html, ev.notebook, ev.results):
        assert path.is_file() and path.stat().st_size > 0
    assert ev.run_id.startswith("ra-")
    # nothing is left behind in staging, and nothing counted as failed
    assert not ws.staging_dir.exists() or not any(ws.staging_dir.iterdir())
    assert [e["kind"] for e in ledger_entries(ws.evidence_dir)] == ["configuration"] + ["system"] * 3 + ["evidence"] * 2


def test_file_hashes_agree_with_ledger_and_register(archived):
    ws, _, ev, _ = archived
    entry = next(e for e in ledger_entries(ws.evidence_dir) if e.get("run_id") == ev.run_id)
    assert entry == ev.ledger_entry
    actual = {name: sha256(ev.folder / name) for name in FILES}
    assert entry["files"] == actual
    row = ws.register.evidence(ev.run_id)
    assert row["html_sha256"] == actual[HTML_FILE]
    assert row["notebook_sha256"] == actual[NOTEBOOK_FILE]
    assert row["results_sha256"] == actual[RESULTS_FILE]
    assert row["ledger_hash"] == entry["hash"]
    assert row["status"] == "submitted"
    assert row["path"] == entry["path"] == f"credit-scoring/risk-assessment/{ev.run_id}"
    assert (row["system_id"], row["process"], row["period"], row["assessor"]) == (
        "credit-scoring", "risk-assessment", PERIOD, ASSESSOR)
    assert row["effective_date"].isoformat() == EFFECTIVE
    assert row["error"] is None


def test_ledger_entry_records_the_facts(archived):
    ws, answers, ev, _ = archived
    entry = ev.ledger_entry
    assert entry["kind"] == "evidence"
    assert entry["status"] == "submitted"
    assert (entry["process"], entry["system_id"], entry["period"], entry["assessor"], entry["effective_date"]) == (
        "risk-assessment", "credit-scoring", PERIOD, ASSESSOR, EFFECTIVE)
    assert entry["workbench_version"] == __version__
    assert entry["answers_sha256"] == hashlib.sha256(canonical_json(answers)).hexdigest()


def test_ledger_is_a_hash_chain(archived):
    ws, _, first, second = archived
    entries = ledger_entries(ws.evidence_dir)
    assert [e.get("run_id") for e in entries] == [None] * 4 + [first.run_id, second.run_id]  # the configuration, the systems
    assert entries[0]["prev"] == GENESIS == "0" * 64
    for i, entry in enumerate(entries):
        assert entry["seq"] == i + 1
        assert entry_hash(entry) == entry["hash"]
        # the hash is SHA-256 over the canonical JSON of every other key, computed here independently
        body = {k: v for k, v in entry.items() if k != "hash"}
        raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert hashlib.sha256(raw).hexdigest() == entry["hash"]
        if i:
            assert entry["prev"] == entries[i - 1]["hash"]
    # each line on disk is exactly the canonical form of its entry
    lines = (ws.evidence_dir / LEDGER_FILE).read_bytes().splitlines()
    assert lines == [canonical_json(e) for e in entries]


def test_sha256sum_accepts_the_manifest(archived):
    ws, _, first, second = archived
    if not shutil.which("sha256sum"):
        pytest.fail("coreutils sha256sum is not on PATH")
    proc = subprocess.run(["sha256sum", "-c", MANIFEST_FILE], cwd=ws.evidence_dir, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    checked = [line.rsplit(": ", 1) for line in proc.stdout.splitlines()]
    assert all(status == "OK" for _, status in checked)
    expected = sorted([f"credit-scoring/risk-assessment/{ev.run_id}/{name}" for ev in (first, second) for name in FILES]
                      + ["_configuration/cfg-0001/workbench.yaml"])
    assert sorted(name for name, _ in checked) == expected


def test_sha256sum_notices_a_changed_byte(archived, tmp_path):
    """The manifest check is not vacuous: a copy of the archive with one changed byte fails it."""
    ws, _, ev, _ = archived
    copy_dir = tmp_path / "evidence"
    shutil.copytree(ws.evidence_dir, copy_dir)
    results = copy_dir / "credit-scoring" / "risk-assessment" / ev.run_id / RESULTS_FILE
    data = bytearray(results.read_bytes())
    data[10] ^= 1
    results.write_bytes(bytes(data))
    proc = subprocess.run(["sha256sum", "-c", MANIFEST_FILE], cwd=copy_dir, capture_output=True, text=True)
    assert proc.returncode != 0
    assert f"{ev.run_id}/{RESULTS_FILE}: FAILED" in proc.stdout


def test_results_json_holds_answers_and_computed_results(archived):
    ws, answers, ev, _ = archived
    record = json.loads(ev.results.read_text(encoding="utf-8"))
    assert record["answers"] == answers
    assert {k: record[k] for k in ("run_id", "process", "system_id", "period", "assessor", "effective_date")} == {
        "run_id": ev.run_id, "process": "risk-assessment", "system_id": "credit-scoring", "period": PERIOD,
        "assessor": ASSESSOR, "effective_date": EFFECTIVE}

    request = build_request(ws, "risk-assessment", "credit-scoring", copy.deepcopy(answers), PERIOD, ASSESSOR, EFFECTIVE)
    expected = assess(request.answers, ws.config.risk_criteria).model_dump(mode="json")
    assert record["results"] == expected

    # and the arithmetic itself, worked out here from the configuration's bands
    criteria = ws.config.risk_criteria
    names = [b.name for b in criteria.bands]

    def band(score):
        return next(b.name for b in criteria.bands if b.min <= score <= b.max)

    results = record["results"]
    assert [a["risk"]["id"] for a in results["risks"]] == [r["id"] for r in answers["risks"]]
    for risk, got in zip(answers["risks"], results["risks"]):
        inherent = risk["inherent_likelihood"] * risk["inherent_impact"]
        residual = risk["residual_likelihood"] * risk["residual_impact"]
        assert got["inherent"]["score"] == inherent and got["inherent"]["band"] == band(inherent)
        assert got["residual"]["score"] == residual and got["residual"]["band"] == band(residual)
        assert got["above_appetite"] == (names.index(band(residual)) > names.index(criteria.appetite))
    # credit-scoring: R1 20 Critical -> 8 Medium; R2 12 High -> 6 Medium; R3 16 High -> 12 High; R4 12 High -> 4 Low
    assert [(a["inherent"]["band"], a["residual"]["band"]) for a in results["risks"]] == [
        ("Critical", "Medium"), ("High", "Medium"), ("High", "High"), ("High", "Low")]
    assert results["above_appetite"] == ["R3"]
    assert results["inherent_by_band"] == {"Low": 0, "Medium": 0, "High": 3, "Critical": 1}
    assert results["residual_by_band"] == {"Low": 1, "Medium": 2, "High": 1, "Critical": 0}


def test_executed_notebook_carries_provenance_and_parameters(archived):
    ws, answers, ev, _ = archived
    nb = nbformat.read(str(ev.notebook), as_version=4)
    meta = nb.metadata["workbench"]
    assert meta["run_id"] == ev.run_id
    assert meta["system_id"] == "credit-scoring"
    assert meta["answers_sha256"] == hashlib.sha256(canonical_json(answers)).hexdigest() == ev.ledger_entry["answers_sha256"]
    assert meta["assessor"] == ASSESSOR and meta["period"] == PERIOD and meta["effective_date"] == EFFECTIVE
    assert meta["version"] == __version__

    params = nb.metadata["papermill"]["parameters"]
    assert params["system_id"] == "credit-scoring"
    assert params["run_id"] == ev.run_id
    assert params["period"] == PERIOD and params["assessor"] == ASSESSOR and params["effective_date"] == EFFECTIVE
    assert Path(params["workspace"]) == ws.root
    assert json.loads(params["answers"]) == answers
    assert nb.metadata["papermill"]["exception"] in (None, False)
    # papermill injected the parameters as a cell of their own, after the template's defaults
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags.index(["injected-parameters"]) == tags.index(["parameters"]) + 1
    # every code cell ran, none raised
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]


def test_risks_table_has_one_row_per_risk(archived):
    ws, answers, first, second = archived
    record = json.loads(first.results.read_text(encoding="utf-8"))["results"]
    risks = ws.frame("risks")
    mine = risks[risks.run_id == first.run_id].set_index("risk_id")
    assert sorted(mine.index) == sorted(r["id"] for r in answers["risks"])
    assert len(mine) == len(answers["risks"]) == 4
    for a in record["risks"]:
        row = mine.loc[a["risk"]["id"]]
        assert row.system_id == "credit-scoring"
        assert (row.inherent_score, row.inherent_band) == (a["inherent"]["score"], a["inherent"]["band"])
        assert (row.residual_score, row.residual_band) == (a["residual"]["score"], a["residual"]["band"])
        assert bool(row.above_appetite) is a["above_appetite"]
        assert row.controls == a["risk"]["existing_controls"] + a["risk"]["planned_controls"]
        assert row.due_date.isoformat() == a["risk"]["due_date"]
    # the second run has its own rows; nothing of the first was replaced
    assert len(risks) == 8 and len(risks[risks.run_id == second.run_id]) == 4


def test_two_runs_never_overwrite(archived):
    ws, _, first, second = archived
    assert first.run_id != second.run_id
    assert first.folder != second.folder
    assert first.folder.parent == second.folder.parent
    for ev in (first, second):
        assert ev.ledger_entry["files"] == {name: sha256(ev.folder / name) for name in FILES}
    assert len(list(first.folder.parent.iterdir())) == 2
    evidence = ws.frame("evidence")
    assert sorted(evidence.run_id) == sorted([first.run_id, second.run_id])
    assert set(evidence.status) == {"submitted"}


# a failing run -------------------------------------------------------------------------------

PARAMETERS = ("workspace", "system_id", "answers", "period", "assessor", "effective_date", "run_id")


def use_broken_templates(folder: Path, monkeypatch) -> Path:
    """Point the pipeline at ``folder``, whose risk_assessment.ipynb raises RuntimeError('boom')."""
    folder.mkdir()
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# A template that fails"),
        v4.new_code_cell("\n".join(f'{name} = ""' for name in PARAMETERS), metadata={"tags": ["parameters"]}),
        v4.new_code_cell("print('started', system_id)"),
        v4.new_code_cell('raise RuntimeError("boom")'),
        v4.new_code_cell("print('never reached')"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / "risk_assessment.ipynb"))
    monkeypatch.setattr(Process, "template", property(lambda _process: folder / "risk_assessment.ipynb"))
    return folder


@pytest.fixture
def broken_templates(tmp_path, monkeypatch):
    """The pipeline's templates replaced by one that fails on a real kernel."""
    return use_broken_templates(tmp_path / "broken-notebooks", monkeypatch)


def test_failed_run_is_archived_as_a_failed_run_record(workspace, answers, broken_templates):
    ws = workspace
    with pytest.raises(RunError) as caught:
        run_process(ws, "risk-assessment", "credit-scoring", answers, period=PERIOD, assessor=ASSESSOR,
                    effective_date=EFFECTIVE)
    err = caught.value
    assert err.exit_code == 1
    assert err.ename == "RuntimeError"
    assert "boom" in err.evalue
    assert "RuntimeError" in str(err) and "boom" in str(err)

    relative = f"credit-scoring/risk-assessment/{err.run_id}"
    kept = ws.evidence_dir / relative
    assert Path(err.notebook_path) == kept / NOTEBOOK_FILE
    assert (kept / NOTEBOOK_FILE).is_file()
    assert "RuntimeError: boom" in (kept / "error.txt").read_text(encoding="utf-8")
    partial = nbformat.read(str(kept / NOTEBOOK_FILE), as_version=4)
    errors = [o for c in partial.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert [(o.ename, o.evalue) for o in errors] == [("RuntimeError", "boom")]
    streams = "".join(o.get("text", "") for c in partial.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "started credit-scoring" in streams and "never reached" not in streams

    row = ws.register.evidence(err.run_id)
    assert row["status"] == "failed"
    assert "RuntimeError" in row["error"] and "boom" in row["error"]
    assert row["html_sha256"] is None and row["results_sha256"] is None
    assert row["path"] == relative
    assert ws.frame("risks").empty

    # the failure is a ledger entry: the partial notebook and the error hashed, no evidence HTML
    [entry] = [e for e in ledger_entries(ws.evidence_dir) if e["kind"] not in ("configuration", "system")]
    assert entry["kind"] == "failed-run" and entry["status"] == "failed" and entry["path"] == relative
    assert entry["files"] == {"error.txt": sha256(kept / "error.txt"), NOTEBOOK_FILE: sha256(kept / NOTEBOOK_FILE)}
    assert row["ledger_hash"] == entry["hash"] and row["notebook_sha256"] == entry["files"][NOTEBOOK_FILE]
    assert not (kept / HTML_FILE).exists()
    done = subprocess.run(["sha256sum", "-c", MANIFEST_FILE], cwd=ws.evidence_dir, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not ws.staging_dir.exists() or not any(ws.staging_dir.iterdir())


def test_failed_run_only_appends_to_an_existing_ledger(workspace, answers, monkeypatch, tmp_path):
    """A good run, then a failing one: the ledger and manifest keep their bytes and grow by the failure."""
    ws = workspace
    good = run_process(ws, "risk-assessment", "credit-scoring", copy.deepcopy(answers), period=PERIOD,
                       assessor=ASSESSOR, effective_date=EFFECTIVE)
    ledger = (ws.evidence_dir / LEDGER_FILE).read_bytes()
    manifest = (ws.evidence_dir / MANIFEST_FILE).read_bytes()
    use_broken_templates(tmp_path / "broken-notebooks", monkeypatch)
    with pytest.raises(RunError):
        run_process(ws, "risk-assessment", "credit-scoring", copy.deepcopy(answers), period=PERIOD,
                    assessor=ASSESSOR, effective_date=EFFECTIVE)
    assert (ws.evidence_dir / LEDGER_FILE).read_bytes().startswith(ledger)
    assert (ws.evidence_dir / MANIFEST_FILE).read_bytes().startswith(manifest)
    assert [e["kind"] for e in ledger_entries(ws.evidence_dir)][4:] == ["evidence", "failed-run"]
    statuses = ws.frame("evidence").set_index("run_id").status.to_dict()
    assert statuses.pop(good.run_id) == "submitted"
    assert list(statuses.values()) == ["failed"]

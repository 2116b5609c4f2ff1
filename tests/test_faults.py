"""Faults: a kernel that dies, a process SIGKILLed while it archives, two runs at once, a full disk.

Afterwards the archive verifies, the register and the ledger agree, nothing is half-written, and the
failure is recorded where it can be. The crashes are real: child processes killed with SIGKILL
(``WORKBENCH_FAULT`` names the archive step to die at) and file-size limits set with ``setrlimit``.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from keys import record
from workbench.pipeline.archive import FAULT_VAR, LEDGER_FILE, MANIFEST_FILE, ledger_entries
from workbench.demo import ANSWERS
from workbench.exceptions import RunError
from workbench.pipeline.run import run_process
from workbench.pipeline.verify import verify
from workbench.processes import Process
from workbench.workspace import Workspace

pytestmark = pytest.mark.kernel

PARAMETERS = ("workspace", "system_id", "answers", "period", "assessor", "effective_date", "run_id")
RUN = textwrap.dedent("""
    import sys
    from workbench.demo import ANSWERS
    from workbench.pipeline.run import run_process
    from workbench.workspace import Workspace
    evidence = run_process(Workspace(sys.argv[1]), "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"],
                           assessor="amara")
    print(evidence.run_id)
""")


def run_child(root: Path, fault: str = "", file_limit: int | None = None, wait: bool = True):
    env = {**os.environ, FAULT_VAR: fault} if fault else dict(os.environ)

    def limit():
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    proc = subprocess.Popen([sys.executable, "-c", RUN, str(root)], env=env, preexec_fn=limit,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return proc
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def assert_consistent(root: Path) -> list[dict]:
    """Verify passes (after recovery: the register is the one the ledger implies); returns the ledger's
    entries after the fixture's three systems."""
    ws = Workspace(root)
    report = verify(ws)
    assert report.ok, [str(f) for f in report.findings]
    entries = ledger_entries(ws.evidence_dir)
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    entries = [e for e in entries if e["kind"] != "configuration"]
    ledger_runs = sorted(e["run_id"] for e in entries if e["kind"] in ("evidence", "failed-run"))
    assert sorted(ws.frame("evidence").run_id) == ledger_runs
    assert not list(ws.evidence_dir.glob(".pending/*"))
    assert not list(ws.evidence_dir.rglob("*.tmp-*"))
    done = subprocess.run(["sha256sum", "--quiet", "-c", MANIFEST_FILE], cwd=ws.evidence_dir)
    assert not (ws.evidence_dir / MANIFEST_FILE).exists() or done.returncode == 0
    ws.register.close()
    assert [e["kind"] for e in entries[:3]] == ["system"] * 3
    return entries[3:]


def test_a_kernel_that_dies_mid_run_is_a_failed_run(workspace, answers, tmp_path, monkeypatch):
    folder = tmp_path / "killer"
    folder.mkdir()
    nb = v4.new_notebook()
    nb.cells = [v4.new_code_cell("\n".join(f'{name} = ""' for name in PARAMETERS), metadata={"tags": ["parameters"]}),
                v4.new_code_cell("print('started')"),
                v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
                v4.new_code_cell("print('never reached')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / "risk_assessment.ipynb"))
    monkeypatch.setattr(Process, "template", property(lambda _process: folder / "risk_assessment.ipynb"))
    with pytest.raises(RunError) as caught:
        run_process(workspace, "risk-assessment", "credit-scoring", answers, assessor="amara")
    assert "DeadKernel" in caught.value.ename or "died" in caught.value.evalue.lower()
    [entry] = assert_consistent(workspace.root)
    assert entry["kind"] == "failed-run" and entry["run_id"] == caught.value.run_id
    assert "error.txt" in entry["files"] and "notebook.ipynb" in entry["files"]
    assert workspace.register.evidence(caught.value.run_id)["status"] == "failed"
    # the notebook as far as it ran: written once, after the kernel died
    partial = nbformat.read(caught.value.notebook_path, as_version=4)
    printed = ["".join(o.get("text", "") for o in c.get("outputs", [])) for c in partial.cells if c.cell_type == "code"]
    assert "started\n" in printed and "never reached\n" not in printed


@pytest.mark.parametrize("fault, archived", [("archive-before-rename", False), ("archive-after-rename", True),
                                             ("archive-after-ledger", True), ("archive-before-register", True)])
def test_sigkill_while_archiving_loses_nothing(workspace, fault, archived):
    code, out, err = run_child(workspace.root, fault)
    assert code == -signal.SIGKILL, err
    entries = assert_consistent(workspace.root)  # recovery finished or rolled back the interrupted archive
    assert [e["kind"] for e in entries] == (["evidence"] if archived else [])
    if archived:
        folder = workspace.evidence_dir / entries[0]["path"]
        assert sorted(p.name for p in folder.iterdir()) == ["evidence.html", "notebook.ipynb", "results.json"]
        assert Workspace(workspace.root).register.evidence(entries[0]["run_id"])["status"] == "submitted"
        assert len(Workspace(workspace.root).frame("risks")) == len(ANSWERS["credit-scoring"]["risks"])
    else:
        assert not (workspace.evidence_dir / "credit-scoring").exists()


def test_a_run_after_a_crash_continues_the_chain(workspace):
    assert run_child(workspace.root, "archive-after-ledger")[0] == -signal.SIGKILL
    code, out, err = run_child(workspace.root)
    assert code == 0, err
    entries = assert_consistent(workspace.root)
    assert [e["seq"] for e in entries] == [5, 6] and entries[1]["run_id"] == out.strip()


def test_two_runs_at_once_are_both_archived(workspace):
    procs = [run_child(workspace.root, wait=False) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outputs]
    entries = assert_consistent(workspace.root)
    assert sorted(e["run_id"] for e in entries) == sorted(o.strip() for o, _ in outputs)
    assert entries[1]["prev"] == entries[0]["hash"]


def test_a_file_size_limit_mid_run_is_recorded_as_a_failed_run(workspace):
    """Under a 1 MB file limit the 5 MB evidence HTML (interactive charts) cannot be written: a failed run,
    nothing half-written."""
    config = workspace.root / "workbench.yaml"
    config.write_text(config.read_text() + "evidence_charts: interactive\n")
    record(workspace.root)
    code, out, err = run_child(workspace.root, file_limit=1_000_000)
    assert code == 1, err
    assert "File too large" in err
    [entry] = assert_consistent(workspace.root)
    assert entry["kind"] == "failed-run" and "File too large" in entry["error"]
    assert "evidence.html" not in entry["files"]
    assert not list(workspace.evidence_dir.rglob("evidence.html"))
    assert not Path(workspace.root / ".staging").exists() or not any((workspace.root / ".staging").iterdir())


def test_a_ledger_line_cut_short_by_a_full_disk_is_removed(workspace, tmp_path):
    """An append that hits the file-size limit leaves the ledger's bytes as they were."""
    code, out, err = run_child(workspace.root)
    assert code == 0, err
    ledger = workspace.evidence_dir / LEDGER_FILE
    before = ledger.read_bytes()
    script = textwrap.dedent("""
        import resource, sys
        from pathlib import Path
        from workbench.pipeline.archive import append_entry
        ledger = Path(sys.argv[1]) / "ledger.jsonl"
        resource.setrlimit(resource.RLIMIT_FSIZE, (ledger.stat().st_size + 100, resource.RLIM_INFINITY))
        try:
            append_entry(Path(sys.argv[1]), {"kind": "note", "text": "x" * 10_000})
        except OSError as err:
            print(type(err).__name__, err.errno)
    """)
    done = subprocess.run([sys.executable, "-c", script, str(workspace.evidence_dir)], capture_output=True, text=True)
    assert done.stdout.split() == ["OSError", "27"], done.stderr  # EFBIG
    assert ledger.read_bytes() == before
    assert_consistent(workspace.root)


def test_the_register_waits_for_a_busy_database(workspace):
    """Another connection holds the write lock for a second: recording waits instead of failing."""
    import sqlite3
    import threading
    from datetime import date, datetime, timezone

    holder = sqlite3.connect(workspace.root / "register.db", check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    released = []

    def commit():
        released.append(True)
        holder.commit()

    release = threading.Timer(1.0, commit)
    release.start()
    workspace.register.record_evidence(
        {"run_id": "ra-20261127T174501Z-3f9a1c", "process": "risk-assessment", "system_id": "credit-scoring",
         "period": "2026-Q4", "effective_date": date(2026, 11, 27), "assessor": "amara", "status": "submitted",
         "recorded_at": datetime.now(timezone.utc), "path": "x", "answers_sha256": "0" * 64,
         "workbench_version": "0", "error": None})
    assert released == [True]  # it returned only after the lock was released, instead of 'database is locked'
    release.join()
    holder.close()
    assert list(workspace.frame("evidence").run_id) == ["ra-20261127T174501Z-3f9a1c"]


@pytest.mark.parametrize("fault", ["archive-after-rename", "archive-before-register"])
def test_sigkill_during_a_sign_off_loses_nothing(workspace, fault):
    code, out, err = run_child(workspace.root)
    assert code == 0, err
    run_id = out.strip()
    script = ("import sys\nfrom workbench.records.signoff import sign_off\nfrom workbench.workspace import Workspace\n"
              "sign_off(Workspace(sys.argv[1]), sys.argv[2], 'reject', 'No owner for R3', person='priya')\n")
    done = subprocess.run([sys.executable, "-c", script, str(workspace.root), run_id],
                          env={**os.environ, FAULT_VAR: fault}, capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr
    entries = assert_consistent(workspace.root)
    assert [e["kind"] for e in entries] == ["evidence", "signoff"]
    ws = Workspace(workspace.root)
    assert ws.register.evidence(run_id)["status"] == "rejected"
    assert [s["signoff_id"] for s in ws.register.signoffs(run_id)] == [entries[1]["signoff_id"]]

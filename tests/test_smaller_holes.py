"""The smaller holes of issue 14, each tried as the attack: it is refused with an error naming the
field, the value and what is allowed, and nothing is archived or half-written."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
import time

import nbformat
import psutil
import pytest
from click.testing import CliRunner

from keys import nothing_archived, record
from workbench.cli import main
from workbench.exceptions import InputError, WorkspaceError
from workbench.pipeline.run import prepare_notebook, run_process


SYSTEM = """- id: {id}
  name: Fraud screening
  owner: amara
  purpose: Flags card payments for review.
  lifecycle_stage: operation-monitoring
  deployment_context: Card payments, EU.
  affected_stakeholders: [card holders]
  tier: high
"""
CLI = "from workbench.cli import main; main()"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_system_import_refuses_yaml_aliases(workspace, tmp_path):
    bomb = tmp_path / "systems.yaml"
    bomb.write_text(LAUGHS + "systems:\n" + SYSTEM.format(id="fraud"), encoding="utf-8")
    assert bomb.stat().st_size < 700
    result = invoke("system", "import", bomb, "-w", workspace.root)
    assert result.exit_code == 2, result.output
    assert "file: is not valid YAML: aliases (*name) are not allowed" in result.output and str(bomb) in result.output
    assert "fraud" not in [s.id for s in workspace.register.systems()]


def test_a_duplicate_yaml_key_is_refused_not_silently_overwritten(workspace, tmp_path):
    twice = tmp_path / "systems.yaml"
    twice.write_text("systems:\n" + SYSTEM.format(id="fraud") + "systems:\n" + SYSTEM.format(id="other"),
                     encoding="utf-8")
    result = invoke("system", "import", twice, "-w", workspace.root)
    assert result.exit_code == 2, result.output
    assert "duplicate key 'systems'" in result.output
    assert {"fraud", "other"}.isdisjoint(s.id for s in workspace.register.systems())


def test_a_duplicate_key_in_answers_is_refused(workspace, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("scope: first\nscope: second\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate key 'scope'"):
        run_process(workspace, "risk-assessment", "credit-scoring", answers, assessor="tomas")


def test_a_duplicate_key_in_the_configuration_is_refused(workspace):
    config = workspace.root / "workbench.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "tiers: [high]\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="duplicate key 'tiers'"):
        record(workspace.root)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_control_characters_are_refused_at_the_edge(workspace, answers, char):
    result = invoke("system", "add", "-w", workspace.root, "--id", "fraud", "--name", f"Fraud{char}[2J",
                    "--owner", "amara", "--purpose", "Flags payments.", "--lifecycle-stage", "operation-monitoring",
                    "--deployment-context", "EU", "--stakeholder", "card holders", "--tier", "high")
    assert result.exit_code == 2, result.output
    assert "name: must not contain control characters" in result.output
    assert "fraud" not in [s.id for s in workspace.register.systems()]
    answers["scope"] = f"Scoring{char}model"
    with pytest.raises(InputError, match="scope: must not contain control characters"):
        run_process(workspace, "risk-assessment", "credit-scoring", answers, assessor="tomas")
    assert nothing_archived(workspace)


def test_a_negative_timeout_is_refused(workspace, answers, tmp_path):
    (tmp_path / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    result = invoke("run", "risk-assessment", "--system", "credit-scoring", "--answers", tmp_path / "answers.json",
                    "--assessor", "tomas", "--timeout", "-5", "-w", workspace.root)
    assert result.exit_code == 2, result.output
    assert "timeout" in result.output and "-5" in result.output and "at least 1" in result.output
    with pytest.raises(InputError, match="timeout: must be at least 1 second"):
        run_process(workspace, "risk-assessment", "credit-scoring", answers, assessor="tomas", timeout=-5)
    assert nothing_archived(workspace)


def _full_disk() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_a_full_disk_is_a_clear_error_not_a_traceback(workspace):
    done = subprocess.run([sys.executable, "-c", CLI, "index", "-w", str(workspace.root)],
                          preexec_fn=_full_disk, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and "index.html" in done.stderr


KILLED_RUN = """
import os, signal, sys
import workbench.pipeline.run as run
from workbench.demo import ANSWERS
from workbench.workspace import Workspace

run.execute = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)  # killed while the kernel runs
run.run_process(Workspace(sys.argv[1]), "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="tomas")
"""


@pytest.mark.kernel
def test_a_killed_run_leaves_no_staging_folder_behind(workspace, answers):
    done = subprocess.run([sys.executable, "-c", KILLED_RUN, str(workspace.root)], capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL
    assert len(list(workspace.staging_dir.iterdir())) >= 1
    run_process(workspace, "risk-assessment", "credit-scoring", answers, assessor="tomas", refresh_index=False)
    assert list(workspace.staging_dir.iterdir()) == []


def test_a_planted_draft_is_refused_and_a_persons_draft_kept(workspace):
    draft = prepare_notebook(workspace, "risk-assessment", "credit-scoring")
    nb = nbformat.read(draft, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("my notes"))
    nbformat.write(nb, draft)
    assert prepare_notebook(workspace, "risk-assessment", "credit-scoring") == draft
    assert "my notes" in draft.read_text(encoding="utf-8")
    nb.cells.append(nbformat.v4.new_code_cell("import os; os.system('curl attacker')"))
    nbformat.write(nb, draft)
    with pytest.raises(InputError, match="drafts: holds code that is not the risk-assessment template's"):
        prepare_notebook(workspace, "risk-assessment", "credit-scoring")
    assert [p.name for p in workspace.drafts_dir.iterdir()] == [draft.name]


def test_a_notebook_without_a_system_leaves_the_choice_to_the_form(workspace):
    draft = prepare_notebook(workspace, "risk-assessment")
    assert draft.name == "risk-assessment.ipynb"
    injected = next(c for c in nbformat.read(draft, as_version=4).cells if "injected-parameters" in c.metadata.tags)
    assert "workspace = " in injected.source and "system_id" not in injected.source
    with pytest.raises(InputError, match="item: names an item of a system: give the system too"):
        prepare_notebook(workspace, "risk-assessment", item_id="bureau-data")


def test_a_symlinked_drafts_folder_is_refused_before_writing(workspace, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    workspace.drafts_dir.rmdir()
    workspace.drafts_dir.symlink_to(outside)
    with pytest.raises(InputError, match="drafts: is a link to"):
        prepare_notebook(workspace, "risk-assessment", "credit-scoring")
    assert list(outside.iterdir()) == []


def _cmdline(process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.NoSuchProcess:
        return []


@pytest.mark.kernel
def test_killing_review_stops_its_workers_and_their_kernels(copy_of_demo):
    review = subprocess.Popen([sys.executable, "-c", CLI, "review", "--all",
                               "--workers", "2", "--period", "2030-Q1", "--no-progress", "-w", str(copy_of_demo.root)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent, workers = psutil.Process(review.pid), []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and sum("ipykernel" in " ".join(_cmdline(p)) for p in workers) < 2:
        time.sleep(0.2)  # until both workers are running a kernel
        workers = parent.children(recursive=True)
    review.kill()
    review.wait()
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert alive == [], [_cmdline(p) for p in alive]

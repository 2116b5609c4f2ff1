"""The periodic review on a real Dask cluster whose workers stand for other machines.

The scheduler and two workers run as processes of their own (``dask scheduler``, ``dask worker``);
each worker works in a folder of its own, in a mount namespace where the test's temporary folders
(every workspace) and the signing keys are empty folders, so it cannot read the
workspace: it gets what a run needs in a bundle, and the test
process (the coordinator) alone archives. A worker killed mid-run makes that run a failed run; the
review completes the others.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from keys import KEYS, KEYS_DIR, nothing_archived
from subprocesses import free_port
from workbench.cli import main
from workbench.exceptions import InputError
from workbench.pipeline.archive import ledger_entries
from workbench.pipeline.compute import Computed, _safe_parts, bundle, commit
from workbench.pipeline.request import build_request
from workbench.pipeline.verify import verify
from workbench.scheduling.executor import LocalExecutor, get_executor
from workbench.scheduling.review import plan_review, run_review
from workbench.signing import KEY_VAR
from workbench.workspace import Workspace

distributed = pytest.importorskip("distributed")
SYSTEM = "credit-scoring"

def can_hide() -> bool:
    """Whether workers can be started in a mount namespace of their own (root, with ``unshare``)."""
    return os.geteuid() == 0 and shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"], capture_output=True).returncode == 0


class Cluster:
    """A scheduler and two worker processes on 127.0.0.1, each worker in a folder of its own."""

    def __init__(self, hidden: list[Path], workers: int = 2):
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.folders = [Path(tempfile.mkdtemp(prefix="workbench-dask-worker-")) for _ in range(workers)]
        self.logs = Path(tempfile.mkdtemp(prefix="workbench-dask-logs-"))
        dask = str(Path(sys.executable).parent / "dask")
        # a worker lost is reported at once (the default gives its task to another worker 3 times), and a
        # worker holds only the task it runs (the default queues one more on it, lost with it)
        env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
               "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
        self.scheduler = self._start([dask, "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--no-dashboard"], env, Path(self.logs), "scheduler")
        self.workers = []
        # each worker sees an empty folder where the workspaces and the signing keys are
        hide = " && ".join(f"mount -t tmpfs -o size=1m,mode=000 workbench-hidden {shlex.quote(str(p))}" for p in hidden)
        for i, folder in enumerate(self.folders):
            worker_env = {k: v for k, v in env.items() if k not in (KEY_VAR, "WORKBENCH_WORKSPACE")}
            worker_env.update(HOME=str(folder), TMPDIR=str(folder), JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
                              JUPYTER_DATA_DIR=str(folder / "data"), JUPYTER_CONFIG_DIR=str(folder / "config"),
                              IPYTHONDIR=str(folder / "ipython"), MPLCONFIGDIR=str(folder / "mpl"))
            worker = shlex.join([sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--nthreads", "1",
                                 "--no-nanny", "--no-dashboard", "--name", f"machine-{i}", "--local-directory",
                                 str(folder)])
            self.workers.append(self._start(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                                             f"{hide} && exec {worker}"], worker_env, folder, f"worker-{i}"))
        with distributed.Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def _start(self, cmd: list[str], env: dict, cwd: Path, name: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")
        return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self) -> str:
        """The end of each process's log, for a failure message."""
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
                         for log in sorted(self.logs.iterdir()))

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)
        for folder in [*self.folders, self.logs]:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def cluster(tmp_path_factory):
    if not can_hide():
        pytest.skip("hiding the workspace from the workers needs root and unshare (a mount namespace)")
    found = Cluster([tmp_path_factory.getbasetemp(), KEYS_DIR])
    yield found
    found.stop()


@pytest.fixture
def private_demo(demo_root, tmp_path) -> Workspace:
    """A copy of the demo workspace in a folder only its owner (root) may enter."""
    tmp_path.chmod(0o700)
    return Workspace(shutil.copytree(demo_root, tmp_path / "ws"))


def _records(workspace: Workspace, run_ids: list[str]) -> dict:
    """The results.json of each run, by subject, without what names the run itself."""
    found = {}
    for run_id in run_ids:
        row = workspace.register.evidence(run_id)
        record = json.loads((workspace.evidence_dir / row["path"] / "results.json").read_text())
        found[(record["process"], record.get("item_id", ""))] = {k: v for k, v in record.items() if k != "run_id"}
    return found


@pytest.mark.kernel
def test_a_review_on_workers_without_the_workspace_archives_what_the_local_executor_does(
        cluster, private_demo, demo_root, tmp_path):
    with distributed.Client(cluster.address, timeout=30) as client:  # the workers really cannot see the workspace
        seen = client.run(lambda paths: [os.path.exists(p) for p in paths], [str(private_demo.root), str(next(iter(KEYS.values())))])
    assert list(seen.values()) == [[False, False], [False, False]]
    before = len(ledger_entries(private_demo.evidence_dir))
    summary_path = tmp_path / "summary.json"
    result = CliRunner().invoke(main, ["review", "--workspace", str(private_demo.root), "--system", SYSTEM, "--force",
                                       "--executor", "dask", "--scheduler", cluster.address, "--no-progress",
                                       "--summary", str(summary_path)])
    assert summary_path.exists(), f"{result.output}\n{result.exception!r}\n{cluster.log_tail()}"
    outcomes = json.loads(summary_path.read_text())["outcomes"]
    assert {o["status"] for o in outcomes} == {"recalculated"}, f"{result.output}\n{cluster.log_tail()}"
    assert {o["process"] for o in outcomes} >= {"risk-assessment", "impact-assessment", "data-quality", "system-card"}
    assert len(ledger_entries(private_demo.evidence_dir)) > before
    assert verify(private_demo).ok
    assert list(private_demo.staging_dir.iterdir()) == []
    # the evidence names no folder of a worker, and the notebook names its workspace as '.'
    for o in outcomes:
        folder = Path(o["evidence"]).parent
        for path in folder.iterdir():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not any(str(f) in text for f in cluster.folders), path
        nb = json.loads((folder / "notebook.ipynb").read_text())
        assert nb["metadata"]["papermill"]["parameters"]["workspace"] == "."

    local = Workspace(shutil.copytree(demo_root, tmp_path / "local"))
    jobs, known = plan_review(local, system_id=SYSTEM, force=True)
    local_summary = run_review(local, jobs, known, LocalExecutor(1), progress=False)
    assert _records(private_demo, [o["run_id"] for o in outcomes]) == \
        _records(local, [o.run_id for o in local_summary.outcomes])


def _kernel_running(proc: subprocess.Popen) -> bool:
    import psutil

    try:
        return any("ipykernel" in " ".join(c.cmdline()) for c in psutil.Process(proc.pid).children(recursive=True))
    except psutil.Error:
        return False


@pytest.mark.kernel
def test_a_worker_killed_mid_run_makes_a_failed_run_and_the_review_completes(cluster, private_demo):
    jobs, known = plan_review(private_demo, system_id=SYSTEM, force=True)
    assert len(jobs) >= 3
    executor = get_executor("dask", scheduler=cluster.address)
    found = {}
    review = threading.Thread(target=lambda: found.update(
        summary=run_review(private_demo, jobs, known, executor, progress=False)))
    review.start()
    deadline = time.monotonic() + 300
    while not any(_kernel_running(w) for w in cluster.workers):
        assert time.monotonic() < deadline, "no worker started a kernel"
        time.sleep(0.05)
    victim = next(w for w in cluster.workers if _kernel_running(w))
    os.killpg(victim.pid, signal.SIGKILL)
    review.join(600)
    executor.close()
    outcomes = found["summary"].outcomes
    failed = [o for o in outcomes if o.status == "failed"]
    assert failed and all("KilledWorker" in o.error for o in failed), outcomes
    assert len([o for o in outcomes if o.status == "recalculated"]) == len(jobs) - len(failed) >= 1
    for outcome in failed:
        row = private_demo.register.evidence(outcome.run_id)
        assert row["status"] == "failed"
        assert "KilledWorker" in (private_demo.evidence_dir / row["path"] / "error.txt").read_text()
        assert outcome.nonconformities  # a failed review run opens a nonconformity, as a failed kernel does
    assert verify(private_demo).ok


def test_a_scheduler_that_does_not_answer_is_named_and_nothing_is_written(copy_of_demo):
    ledger = (copy_of_demo.evidence_dir / "ledger.jsonl").read_bytes()
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["review", "--workspace", str(copy_of_demo.root), "--force", "--no-progress",
                                       "--executor", "dask", "--scheduler", address])
    assert result.exit_code != 0 and time.monotonic() - started < 60
    assert address in result.output and "dask scheduler" in result.output and "tcp://HOST:PORT" in result.output
    assert (copy_of_demo.evidence_dir / "ledger.jsonl").read_bytes() == ledger
    assert not copy_of_demo.staging_dir.exists() or list(copy_of_demo.staging_dir.iterdir()) == []


@pytest.mark.parametrize("name, scheduler, field", [("pool", "", "executor"), ("local", "tcp://127.0.0.1:1", "scheduler")])
def test_an_executor_is_chosen_by_name_and_refuses_options_it_has_no_use_for(name, scheduler, field):
    with pytest.raises(InputError) as err:
        get_executor(name, scheduler=scheduler)
    assert err.value.problems[0].field == field
    assert isinstance(get_executor("local", workers=2), LocalExecutor)


def test_a_bundle_carries_what_the_run_reads_and_a_worker_cannot_plant_files(workspace, answers, tmp_path):
    request = build_request(workspace, "risk-assessment", SYSTEM, answers, assessor="tomas")
    packed = bundle(workspace, request)
    assert set(packed.files) == {"workbench.yaml", "register.db"}
    assert packed.files["workbench.yaml"] == workspace.recorded_configuration[0].read_bytes()
    for name in ("../escape", "/etc/passwd", "a/../../b", ""):
        with pytest.raises(ValueError):
            _safe_parts(name)
    planted = Computed(packed.started.run_id, {"notebook.ipynb": b"{}", "../../outside.txt": b"x"}, {}, None)
    with pytest.raises(Exception) as err:
        commit(workspace, request, packed, planted)
    assert "outside.txt" in str(err.value)
    assert not (workspace.root.parent / "outside.txt").exists()
    # the planted name is refused before anything is staged: the run is archived as failed, and named so
    assert workspace.register.evidence(packed.started.run_id)["status"] == "failed"
    assert not nothing_archived(workspace)

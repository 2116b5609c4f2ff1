"""Benchmark: the periodic review on a Dask cluster of 1, 2 and 4 workers on this machine, against the
local executor at 1 and 2 workers, over the same runs.

Each review is ``workbench review --all --force`` in its own process; a Dask review connects to a
scheduler and workers started beforehand (``dask scheduler``, ``dask worker --nthreads 1``), so the
time is the review's, not the cluster's start. Every run travels as a bundle (what it reads) to a
worker and back as files; the table gives the mean bundle size. Writes its section of BENCHMARKS.md.
Usage: ``.venv/bin/python bench/review_dask.py [--systems 12]``
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import workbench
from workbench.pipeline.compute import bundle
from workbench.pipeline.request import build_request
from workbench.scheduling.review import plan_review
from workbench.workspace import Workspace

from benchmarks_md import write_section
from review import portfolio, review

BIN = Path(sys.executable).parent
START, END = "<!-- review-dask:start -->", "<!-- review-dask:end -->"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(workers: int, folder: Path) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and ``workers`` single-threaded worker processes on 127.0.0.1."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    log = open(folder / "cluster.log", "ab")
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"], stdout=log, stderr=log,
                              start_new_session=True)]
    for i in range(workers):
        local = folder / f"worker-{i}"
        local.mkdir()
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny",
                                       "--no-dashboard", "--local-directory", str(local)], cwd=local, stdout=log,
                                      stderr=log, start_new_session=True))
    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)


def peak_pss(measured: tuple[float, int, dict[str, float]]) -> tuple[float, int, float]:
    """Seconds, runs and the peak PSS (MB) of a measured review."""
    seconds, runs, peak = measured
    return seconds, runs, peak["Pss"]


def bundle_size(workspace: Workspace) -> float:
    """The mean size of a review run's bundle, in KB."""
    jobs, _ = plan_review(workspace, "all", period="2026-Q4", force=True)
    sizes = [bundle(workspace, build_request(workspace, j.process, j.system_id, j.answers, j.period, j.assessor,
                                             j.effective_date, j.item_id)).size for j in jobs]
    return sum(sizes) / len(sizes) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=12)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-review-dask-"))
    base = portfolio(tmp / "base", args.systems)
    size = bundle_size(base)
    base.register.close()
    results = {}
    for name, workers in (("local, 1 worker", 1), ("local, 2 workers", 2)):
        copy = Workspace(shutil.copytree(base.root, tmp / f"local-{workers}"))
        results[name] = peak_pss(review(copy, ["--workers", str(workers)]))
    for workers in (1, 2, 4):
        folder = tmp / f"cluster-{workers}"
        folder.mkdir()
        address, procs = start_cluster(workers, folder)
        try:
            copy = Workspace(shutil.copytree(base.root, tmp / f"dask-{workers}"))
            results[f"dask, {workers} worker{'s' if workers > 1 else ''}"] = peak_pss(review(
                copy, ["--executor", "dask", "--scheduler", address]))
        finally:
            stop(procs)
    shutil.rmtree(tmp, ignore_errors=True)
    write(results, args.systems, size)


def write(results: dict, systems: int, size: float) -> None:
    one = results["local, 1 worker"][0]
    lines = [START, "## Periodic review on Dask (`bench/review_dask.py`)", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"workbench {workbench.__version__}. {systems} systems, every reviewed process; each contender does "
             "the same runs with `workbench review --all --force`: `--workers N` on the local executor, or "
             "`--executor dask --scheduler ADDRESS` on a Dask scheduler and N single-threaded workers on this "
             "machine, started beforehand. Every run is packed as a bundle of what it reads (mean "
             f"{size:.0f} KB here) and committed by the review's process. Peak PSS is the review command's process "
             "tree: with the local executor it holds the kernels, with Dask the kernels run in the workers.", "",
             "| contender | runs | seconds | runs per minute | speed-up over local, 1 worker | peak PSS of the review (MB) |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, (seconds, runs, pss) in results.items():
        lines.append(f"| {name} | {runs} | {seconds:.1f} | {60 * runs / seconds:.1f} | {one / seconds:.2f} | {pss:.0f} |")
    best = min((r for r in results if r.startswith("dask")), key=lambda r: results[r][0])
    lines += ["", f"On {os.cpu_count()} cores the fastest Dask review ({best}) takes {results[best][0]:.1f} s against "
              f"{one:.1f} s for the local executor with 1 worker and {results['local, 2 workers'][0]:.1f} s with 2. "
              "With Dask the review's own process holds no kernel: it packs and commits while the workers compute. "
              "The contenders run one after another on a machine other jobs may share: compare rows of one table.",
              END]
    write_section(START, END, "\n".join(lines))


if __name__ == "__main__":
    main()

"""Benchmark: a periodic review of N systems with all their processes, at 1 and 2 workers, against
a shell loop of the papermill CLI plus the nbconvert CLI over the same runs, side by side in one run.

Also records the peak memory (RSS of this process and its children) of the 2-worker review.
Writes its section of BENCHMARKS.md. Usage: ``.venv/bin/python bench/review.py [--systems 50]``
"""

from __future__ import annotations

import argparse
import json
import platform
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import workbench
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.executor import LocalExecutor
from workbench.impact_demo import ANSWERS as IMPACT_ANSWERS, write_predictions
from workbench.pipeline import run_process
from workbench.resources import notebooks_dir, templates_dir
from workbench.review import plan_review, run_review
from workbench.workspace import Workspace, init_workspace

from benchmarks_md import write_section

BIN = Path(sys.executable).parent
START, END = "<!-- review:start -->", "<!-- review:end -->"


def portfolio(root: Path, count: int) -> Workspace:
    """A workspace with ``count`` systems, each assessed once for every reviewed process."""
    workspace = init_workspace(root, config=demo_configuration())
    systems = []
    for i in range(count):
        base = SYSTEMS[i % len(SYSTEMS)]
        systems.append({**base, "id": f"{base['id']}-{i:03d}", "name": f"{base['name']} #{i}"})
    workspace.add_systems(systems)
    answers = {"risk-assessment": ANSWERS, "impact-assessment": IMPACT_ANSWERS}
    for source in ANSWERS:
        write_predictions(root, source)
    for system in systems:
        source = system["id"].rsplit("-", 1)[0]
        for process in workspace.config.review.processes:
            run_process(workspace, process, system["id"], answers[process][source], assessor="tomas",
                        effective_date="2026-01-15", period="2026-Q1", refresh_index=False)
    return workspace


class TreeMemory(threading.Thread):
    """Samples the memory of this process and all its descendants (from /proc) until stopped: the
    summed PSS (each shared page counted once, split between the processes that map it) and the
    summed RSS (shared pages counted in every process)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = {"Pss": 0, "Rss": 0}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            for key, value in tree_memory(os.getpid()).items():
                self.peak[key] = max(self.peak[key], value)


def tree_memory(root: int) -> dict[str, int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    total = {"Pss": 0, "Rss": 0}
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                key = line.split(":")[0]
                if key in total:
                    total[key] += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def review(workspace: Workspace, workers: int) -> tuple[float, int]:
    start = time.perf_counter()
    jobs, known = plan_review(workspace, "all", period="2026-Q4", force=True)
    summary = run_review(workspace, jobs, known, LocalExecutor(workers), progress=False)
    assert summary.counts().get("archived") == len(jobs), summary.counts()
    return time.perf_counter() - start, len(jobs)


def cli_loop(workspace: Workspace, out: Path) -> tuple[float, int]:
    """What a user scripts by hand: one papermill CLI and one nbconvert CLI call per run."""
    out.mkdir()
    jobs, _ = plan_review(workspace, "all", period="2026-Q4", force=True)
    start = time.perf_counter()
    for n, job in enumerate(jobs):
        target = out / f"{n}.ipynb"
        params = {"workspace": str(workspace.root), "system_id": job.system_id, "answers": json.dumps(job.answers),
                  "assessor": job.assessor, "period": job.period, "run_id": f"cli-{n}"}
        cmd = [str(BIN / "papermill"), str(notebooks_dir() / f"{job.process.replace('-', '_')}.ipynb"), str(target),
               "-k", "python3", "--no-progress-bar"]
        for key, value in params.items():
            cmd += ["-p", key, value]
        subprocess.run(cmd, check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        f"--TemplateExporter.extra_template_basedirs={templates_dir()}", "--template", "evidence",
                        str(target)], check=True, capture_output=True)
    return time.perf_counter() - start, len(jobs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-review-"))
    base = portfolio(tmp / "base", args.systems)
    base.register.close()
    results = {}
    for name, workers in (("1 worker", 1), ("2 workers", 2)):
        copy = Workspace(shutil.copytree(base.root, tmp / name.replace(" ", "-")))
        sampler = TreeMemory()
        sampler.start()
        results[name] = review(copy, workers)
        sampler.stopped.set()
        sampler.join()
        if workers == 2:
            peak_mb = {key: value / 2**20 for key, value in sampler.peak.items()}
    results["CLI loop"] = cli_loop(Workspace(base.root), tmp / "cli")
    shutil.rmtree(tmp, ignore_errors=True)
    write(results, args.systems, peak_mb)


def write(results: dict, systems: int, peak_mb: dict[str, float]) -> None:
    one = results["1 worker"][0]
    lines = [START, "## Periodic review (`bench/review.py`)", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}, workbench {workbench.__version__}. "
             f"{systems} systems, every reviewed process; each contender does the same runs.", "",
             "| contender | runs | seconds | runs per minute | speed-up over 1 worker |", "|---|---:|---:|---:|---:|"]
    for name, (seconds, runs) in results.items():
        lines.append(f"| {name} | {runs} | {seconds:.1f} | {60 * runs / seconds:.1f} | {one / seconds:.2f} |")
    two, cli = results["2 workers"][0], results["CLI loop"][0]
    lines += ["", f"2 workers are {one / two:.2f}x faster than 1 worker and {cli / two:.1f}x faster than the CLI loop. "
              f"Peak memory of the 2-worker review, its process tree with the kernels, sampled every 0.2 s: "
              f"{peak_mb['Pss']:.0f} MB as summed PSS (what the tree costs the machine: each shared page counted once), "
              f"{peak_mb['Rss']:.0f} MB as summed RSS (shared libraries counted again in every process).", END]
    section = "\n".join(lines)
    write_section(START, END, section)


if __name__ == "__main__":
    main()

"""Benchmark: a periodic review of N systems with all their processes, at 1 and 2 workers, against
a shell loop of the papermill CLI plus the nbconvert CLI over the same runs, side by side in one run.

Each review is the command a scheduler runs, ``workbench review --all --force --workers N``, in its
own process; its peak memory (that process and all its children, kernels included) is recorded.
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
from workbench.demo.impact_data import ANSWERS as IMPACT_ANSWERS, write_predictions
from workbench.pipeline.run import run_process
from workbench.processes import get_process
from workbench.resources import templates_dir
from workbench.scheduling.review import plan_review
from workbench.workspace import Workspace, init_workspace

from benchmarks_md import hold_demo_keys, write_section

BIN = Path(sys.executable).parent
START, END = "<!-- review:start -->", "<!-- review:end -->"


def portfolio(root: Path, count: int) -> Workspace:
    """A workspace with ``count`` systems, each with a risk assessment and an impact assessment whose
    fairness is measured on a predictions file: the processes reviewed (the others need answers of their own)."""
    config = demo_configuration(hold_demo_keys())
    config["review"]["processes"] = ["risk-assessment", "impact-assessment"]
    workspace = init_workspace(root, config=config)
    systems = [{**SYSTEMS[i % len(SYSTEMS)], "id": f"{SYSTEMS[i % len(SYSTEMS)]['id']}-{i:03d}",
                "name": f"{SYSTEMS[i % len(SYSTEMS)]['name']} #{i}"} for i in range(count)]
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
    """Samples the memory of a process and all its descendants (from /proc) until stopped: the
    summed PSS (each shared page counted once, split between the processes that map it) and the
    summed RSS (shared pages counted in every process)."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak = {"Pss": 0, "Rss": 0}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            for key, value in tree_memory(self.root).items():
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


def review(workspace: Workspace, options: list[str]) -> tuple[float, int, dict[str, float]]:
    """Seconds, runs and peak memory (MB: PSS and RSS of the command's process tree, with its kernels) of
    ``workbench review`` over every system and reviewed process, with the command line's ``options``."""
    summary_file = workspace.root.parent / f"summary-{workspace.root.name}.json"
    start = time.perf_counter()
    child = subprocess.Popen([str(BIN / "workbench"), "review", "-w", str(workspace.root), "--all", "--period",
                              "2026-Q4", "--force", "--no-progress", "--summary", str(summary_file), *options],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = TreeMemory(child.pid)
    sampler.start()
    _, errors = child.communicate()
    seconds = time.perf_counter() - start
    sampler.stopped.set()
    sampler.join()
    counts = json.loads(summary_file.read_text())["counts"]
    assert set(counts) == {"recalculated"}, (counts, errors.decode()[-2000:])  # exit 1 may only mean overdue
    return seconds, counts["recalculated"], {key: value / 2**20 for key, value in sampler.peak.items()}


def cli_loop(workspace: Workspace, out: Path) -> tuple[float, int]:
    """What a user scripts by hand: one papermill CLI and one nbconvert CLI call per run."""
    out.mkdir()
    jobs, _ = plan_review(workspace, "all", period="2026-Q4", force=True)
    start = time.perf_counter()
    for n, job in enumerate(jobs):
        target = out / f"{n}.ipynb"
        params = {"workspace": str(workspace.root), "system_id": job.system_id, "answers": json.dumps(job.answers),
                  "assessor": job.assessor, "period": job.period, "run_id": f"cli-{n}"}
        cmd = [str(BIN / "papermill"), str(get_process(job.process).template), str(target),
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
    results, memory = {}, {}
    for name, workers in (("1 worker", 1), ("2 workers", 2)):
        copy = Workspace(shutil.copytree(base.root, tmp / name.replace(" ", "-")))
        seconds, runs, memory[name] = review(copy, ["--workers", str(workers)])
        results[name] = (seconds, runs)
    results["CLI loop"] = cli_loop(Workspace(base.root), tmp / "cli")
    shutil.rmtree(tmp, ignore_errors=True)
    write(results, args.systems, memory)


def write(results: dict, systems: int, memory: dict[str, dict[str, float]]) -> None:
    one = results["1 worker"][0]
    lines = [START, "## Periodic review (`bench/review.py`)", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"workbench {workbench.__version__}. {systems} systems, every reviewed process; each contender does "
             "the same runs. The reviews are `workbench review --all --force --workers N` as a scheduler runs it; "
             "memory is that command's process tree with its kernels, sampled every 0.2 s: PSS counts each shared "
             "page once (what the tree costs the machine), RSS counts shared libraries again in every process.", "",
             "| contender | runs | seconds | runs per minute | speed-up over 1 worker | peak PSS (MB) | peak RSS (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, (seconds, runs) in results.items():
        peak = memory.get(name)
        used = f"{peak['Pss']:.0f} | {peak['Rss']:.0f}" if peak else "– | –"
        lines.append(f"| {name} | {runs} | {seconds:.1f} | {60 * runs / seconds:.1f} | {one / seconds:.2f} | {used} |")
    two, cli = results["2 workers"][0], results["CLI loop"][0]
    lines += ["", f"2 workers are {one / two:.2f}x faster than 1 worker and {cli / two:.1f}x faster than the CLI loop; "
              f"the 2-worker review peaks at {memory['2 workers']['Pss']:.0f} MB (PSS).", END]
    section = "\n".join(lines)
    write_section(START, END, section)


if __name__ == "__main__":
    main()

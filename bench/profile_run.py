"""Where the time of one evidence goes: a cold risk assessment with 20 risks, split into its phases.

The kernel side comes from the cell times papermill records in the executed notebook; the host side
from timing the pipeline's own steps. Medians over several runs in one process (the first run,
which imports everything once, is left out). Writes its section of BENCHMARKS.md.
Usage: ``.venv/bin/python bench/profile_run.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat

import workbench
import workbench.pipeline.run as pipeline
from workbench.demo import SYSTEMS, demo_configuration
from workbench.workspace import init_workspace

from benchmarks_md import hold_demo_keys, write_section
from evidence_run import twenty_risks

START, END = "<!-- profile:start -->", "<!-- profile:end -->"
STEPS = {"execute": "papermill run (kernel start, cells, kernel stop)", "render_html": "render the evidence HTML",
         "_archive": "archive (ledger, manifest, register rows)", "build_index": "refresh the portfolio index"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    ws = init_workspace(Path(tempfile.mkdtemp(prefix="wb-profile-")) / "ws", config=demo_configuration(hold_demo_keys()))
    ws.add_systems(SYSTEMS)
    answers = twenty_risks()
    times: dict[str, list[float]] = {}
    for name in STEPS:  # time the pipeline's own steps where the pipeline calls them
        setattr(pipeline, name, _timed(getattr(pipeline, name), times.setdefault(name, [])))
    phases: dict[str, list[float]] = {}
    for run in range(args.repeat + 1):
        start = time.perf_counter()
        began = datetime.now().astimezone()
        evidence = pipeline.run_process(ws, "risk-assessment", "credit-scoring", answers, assessor="amara")
        total = time.perf_counter() - start
        if run == 0:
            for series in times.values():
                series.clear()
            continue
        code = [c for c in nbformat.read(evidence.notebook, 4).cells if c.cell_type == "code"]
        cells = [c.metadata.papermill for c in code]
        first, last = (datetime.fromisoformat(cells[0]["start_time"]), datetime.fromisoformat(cells[-1]["end_time"]))
        opening = next(c.metadata.papermill["duration"] for c in code if "start(" in c.source)
        kernel = {"kernel start, until the first cell runs": (first - began).total_seconds(),
                  "the cell that imports workbench, loads the workspace and validates": opening,
                  f"the other {len(cells) - 1} cells (parameters, sections, results)":
                      sum(c["duration"] for c in cells) - opening,
                  "after the last cell (kernel stopped, notebook written)": times["execute"][-1] - (last - began).total_seconds()}
        for key, value in {**kernel, "total": total}.items():
            phases.setdefault(key, []).append(value)
    write(phases, times, args.repeat)


def _timed(fn, series: list[float]):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            series.append(time.perf_counter() - start)
    return timed


def write(phases: dict, times: dict, repeat: int) -> None:
    total = statistics.median(phases["total"])
    rows = [(name, statistics.median(values)) for name, values in phases.items() if name != "total"]
    rows += [(STEPS[name], statistics.median(values)) for name, values in times.items() if name != "execute"]
    rows.append(("everything else (validate, compare, write files)", total - statistics.median(times["execute"])
                 - sum(statistics.median(v) for k, v in times.items() if k != "execute")))
    lines = [START, "## Where the time of one evidence goes (`bench/profile_run.py`)", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}, workbench {workbench.__version__}. "
             f"A risk assessment with 20 risks, run cold (a new kernel); medians of {repeat} runs.", "",
             "| phase | seconds | share |", "|---|---:|---:|"]
    lines += [f"| {name} | {seconds:.3f} | {seconds / total:.0%} |" for name, seconds in rows]
    lines += [f"| **total** | {total:.3f} | 100% |", END]
    write_section(START, END, "\n".join(lines))


if __name__ == "__main__":
    main()

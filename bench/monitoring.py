"""Benchmark: a monitoring run over a 1,000,000-row prediction log.

Target (issue 17): under 30 s on this machine. The baseline, in the same run, is reading the log's
monitored columns alone (what the run reads); then the measurement a run makes (the checks before
the run and the assessment in the kernel, each reading the log: performance, fairness per group and
drift of every feature and the score), each in a fresh process; then the whole run as a user starts
it (``run_process``: checks, a real kernel, rendering and archiving).

Run: ``.venv/bin/python bench/monitoring.py`` (rewrites its section of BENCHMARKS.md).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import write_section  # noqa: E402

ROWS, RUNS = 1_000_000, 3
START, END = "<!-- monitoring:start -->", "<!-- monitoring:end -->"
SYSTEM, PERIOD = "credit-scoring", "2026-10"

STEP = """
import json, resource, sys, time
from pathlib import Path
from workbench.demo.monitoring import ANSWERS
from workbench.processes.monitoring.log import read_columns
from workbench.workspace import Workspace
root, step = Path(sys.argv[1]), sys.argv[2]
answers = {**ANSWERS, "reference": {"path": "data/reference.csv"}}
c = answers["columns"]
began = time.perf_counter()
if step == "read":
    rows = len(read_columns(root / "logs/credit-scoring/2026-10.csv",
                            [c["timestamp"], c["prediction"], c["score"], c["label"], *c["features"], "sex"]))
    figures = 0
else:
    from workbench.pipeline.request import build_request
    workspace = Workspace(root)
    request = build_request(workspace, "monitoring", "credit-scoring", answers, period="2026-10", assessor="tomas",
                            effective_date="2026-10-31")
    results = request.process.results(request, workspace)
    rows, figures = results.rows, len(results.figures)
seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "rows": rows, "figures": figures,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def workspace(folder: Path, keys: dict[str, Path]):
    """A workspace with the demo people and systems, the scored training set as the reference and a
    seeded October log of ROWS predictions (the demo's drifting month, scaled up)."""
    from workbench.demo import SYSTEMS, demo_configuration
    from workbench.demo.data_governance import applications
    from workbench.demo.monitoring import month_log, scored
    from workbench.workspace import init_workspace

    ws = init_workspace(folder / "ws", config=demo_configuration(keys))
    ws.add_systems(SYSTEMS)
    (ws.root / "data").mkdir()
    scored(applications()).drop(columns=["note"]).to_csv(ws.root / "data/reference.csv", index=False)
    (ws.root / "logs" / SYSTEM).mkdir(parents=True)
    month_log(date(2026, 10, 1), 4, rows=ROWS).to_csv(ws.root / f"logs/{SYSTEM}/{PERIOD}.csv", index=False)
    return ws


def step(root: Path, name: str) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, str(root), name], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import pandas as pd

    from workbench.demo import demo_keys
    from workbench.demo.monitoring import ANSWERS
    from workbench.pipeline.run import run_process
    from workbench.signing import KEY_VAR

    with tempfile.TemporaryDirectory() as tmp:
        keys = demo_keys(Path(tmp) / "keys")
        os.environ[KEY_VAR] = os.pathsep.join(str(p) for p in keys.values())  # the demo people act, in each step too
        ws = workspace(Path(tmp), keys)
        size = (ws.root / f"logs/{SYSTEM}/{PERIOD}.csv").stat().st_size / 1e6
        runs = {name: [step(ws.root, name) for _ in range(RUNS)] for name in ("read", "measure")}
        whole = []
        for _ in range(RUNS):
            began = time.perf_counter()
            run_process(ws, "monitoring", SYSTEM, {**ANSWERS, "reference": {"path": "data/reference.csv"}},
                        period=PERIOD, assessor="tomas", effective_date="2026-10-31")
            whole.append(time.perf_counter() - began)
    read = median(r["seconds"] for r in runs["read"])
    measured = median(r["seconds"] for r in runs["measure"])
    full = median(whole)
    load = os.getloadavg()[0]
    section = "\n".join([
        START, "## Monitoring a large prediction log (`bench/monitoring.py`)", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (load average {load:.1f} at the end), Python "
        f"{platform.python_version()}, pandas {pd.__version__}. A seeded CSV prediction log of {ROWS:,} rows "
        f"({size:.0f} MB): timestamp, decision, score, true label (a quarter unknown), four features and a "
        f"sensitive attribute; {runs['measure'][0]['figures']} figures (2 performance metrics, 3 disparities "
        f"for each of 2 attributes, the PSI and two-sample test of 4 features and the score). Medians of {RUNS} "
        "runs, the first two steps each in a fresh process. Target: a run under 30 s.", "",
        "| what | median (s) | ratio to reading | peak memory (MB) |", "|---|---:|---:|---:|",
        f"| baseline: read the log's monitored columns (pyarrow) | {read:.1f} | 1.00 | "
        f"{max(r['peak_mb'] for r in runs['read']):.0f} |",
        f"| the checks before a run and the assessment (each reads the log) | {measured:.1f} | {measured / read:.2f} "
        f"| {max(r['peak_mb'] for r in runs['measure']):.0f} |",
        f"| a whole run: checks, a real kernel, evidence rendered and archived | {full:.1f} | {full / read:.2f} | |",
        "", f"Target {'met' if full < 30 else 'NOT met'}: {full:.1f} s for the whole run.", END])
    write_section(START, END, section)


if __name__ == "__main__":
    main()

"""Benchmark: the data quality measurement of a 1,000,000-row, 30-column dataset.

Target (issue 16): under 30 s and 2 GB on this machine. The baseline, in the same run, is reading
the file with pandas alone; the figure that counts is reading plus measuring (``read_frame`` and
``measure``, what a run of the data quality assessment does in its kernel). Peak memory is the
process's maximum resident size, measured in a child process per step.

Run: ``.venv/bin/python bench/data_quality.py`` (rewrites its section of BENCHMARKS.md).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import write_section  # noqa: E402

ROWS, COLUMNS, RUNS = 1_000_000, 30, 3
START, END = "<!-- data_quality:start -->", "<!-- data_quality:end -->"

STEP = """
import json, resource, sys, time
from pathlib import Path
from workbench.processes.data_quality.quality import QualityChecks, measure, read_frame
path, step = Path(sys.argv[1]), sys.argv[2]
checks = QualityChecks.model_validate(json.loads(Path(sys.argv[3]).read_text()))
began = time.perf_counter()
frame = read_frame(path)
figures = len(measure(frame, checks).figures) if step == "measure" else 0
seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "figures": figures,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def dataset(folder: Path) -> tuple[Path, Path]:
    """A seeded 1,000,000 x 30 CSV (ids, numbers with gaps and outliers, categories, a label, text)
    and the checks of every column; return their paths."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(30)
    data = {"id": np.arange(ROWS)}
    checks = [{"column": "id", "type": "integer", "unique": True}]
    for i in range(12):
        values = rng.normal(100, 15, ROWS)
        values[rng.choice(ROWS, 500, replace=False)] = np.nan
        values[rng.choice(ROWS, 50, replace=False)] = 1_000
        data[f"n{i}"] = values.round(2)
        checks.append({"column": f"n{i}", "type": "number", "minimum": 0, "maximum": 500, "completeness": 0.99})
    for i in range(12):
        data[f"c{i}"] = rng.choice(["a", "b", "c", "d", "e"], ROWS, p=[0.4, 0.3, 0.2, 0.08, 0.02])
        checks.append({"column": f"c{i}", "type": "category", "allowed": ["a", "b", "c", "d"]})
    data["group"] = rng.choice(["x", "y", "z"], ROWS, p=[0.6, 0.35, 0.05])
    data["label"] = (rng.random(ROWS) < 0.3).astype(int)
    data["start"] = rng.integers(0, 100, ROWS)
    data["end"] = data["start"] + rng.integers(-1, 50, ROWS)
    data["note"] = rng.choice(["ok", "follow up", "reach me at someone@example.org", "fine"], ROWS,
                              p=[0.5, 0.3, 0.0001, 0.1999])
    frame = pd.DataFrame(data)
    assert len(frame.columns) == COLUMNS
    path = folder / "large.csv"
    frame.to_csv(path, index=False)
    spec = {"columns": checks, "row_checks": [{"left": "start", "operator": "<=", "right": "end"}],
            "label": "label", "duplicates": 0.0,
            "representation": [{"attribute": "group", "reference": {"x": 0.5, "y": 0.3, "z": 0.2}}],
            "free_of_direct_identifiers": True, "text_columns": ["note"]}
    checks_path = folder / "checks.json"
    checks_path.write_text(json.dumps(spec))
    return path, checks_path


def step(path: Path, name: str, checks: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, str(path), name, str(checks)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        path, checks = dataset(Path(tmp))
        size = path.stat().st_size / 1e6
        runs = {name: [step(path, name, checks) for _ in range(RUNS)] for name in ("read", "measure")}
    read = median(r["seconds"] for r in runs["read"])
    full = median(r["seconds"] for r in runs["measure"])
    peak = max(r["peak_mb"] for r in runs["measure"])
    met = full < 30 and peak < 2048
    section = "\n".join([
        START, "## Data quality of a large dataset (`bench/data_quality.py`)", "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, pandas {pd.__version__}. "
        f"A seeded CSV of {ROWS:,} rows and {COLUMNS} columns ({size:.0f} MB) with 27 column checks, a row rule, "
        f"label balance, representation and an identifier scan ({runs['measure'][0]['figures']} figures); "
        f"medians of {RUNS} runs, each in a "
        "fresh process. Target: under 30 s and 2 GB.", "",
        "| what | median (s) | ratio to reading | peak memory (MB) |", "|---|---:|---:|---:|",
        f"| baseline: read the CSV with pandas | {read:.1f} | 1.00 | "
        f"{max(r['peak_mb'] for r in runs['read']):.0f} |",
        f"| read and measure every figure (what a run does) | {full:.1f} | {full / read:.2f} | {peak:.0f} |", "",
        f"Target {'met' if met else 'NOT met'}: {full:.1f} s and {peak:.0f} MB.", END])
    write_section(START, END, section)


if __name__ == "__main__":
    main()

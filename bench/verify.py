"""Benchmark: ``workbench verify`` over 10,000 archived files against ``sha256sum -c`` over the same files.

Builds a workspace whose archive holds 3,334 risk-assessment records (10,002 files) through the real
archive and register code: the notebook and results.json of one real run, and its evidence HTML with the
inlined plotly.js left out (4.7 MB each would make a 16 GB archive). Then, side by side in one process,
with the page cache warm for everyone:

- ``sha256sum -c --quiet SHA256SUMS`` in the evidence folder (hashes every file; nothing else);
- ``verify(workspace)``: recovery check, register reconcile, every file re-hashed, the chain walked, extras found;
- the ``workbench verify`` CLI (the same, plus starting Python).

Writes the results into BENCHMARKS.md (section between the markers) and prints them.
Usage: ``.venv/bin/python bench/verify.py [--records N] [--repeat N]``
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import workbench
from workbench.pipeline.archive import MANIFEST_FILE, archive_locked, locked
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.pipeline.run import HTML_FILE, NOTEBOOK_FILE, RESULTS_FILE, run_process
from workbench.pipeline.recovery import index_entry
from workbench.pipeline.render import plotly_js
from workbench.pipeline.verify import verify
from workbench.records.identity import acting_person
from workbench.workspace import init_workspace

from benchmarks_md import hold_demo_keys, write_section

BIN = Path(sys.executable).parent
START, END = "<!-- verify:start -->", "<!-- verify:end -->"


def build(tmp: Path, records: int):
    ws = init_workspace(tmp / "ws", config=demo_configuration(hold_demo_keys()))
    ws.add_systems(SYSTEMS)
    real = run_process(ws, "risk-assessment", "credit-scoring", copy.deepcopy(ANSWERS["credit-scoring"]), assessor="amara")
    files = {NOTEBOOK_FILE: real.notebook.read_bytes(), RESULTS_FILE: real.results.read_bytes(),
             HTML_FILE: real.html.read_bytes().replace(plotly_js().encode(), b"/* plotly.js left out */")}
    facts = {k: v for k, v in real.ledger_entry.items() if k not in ("path", "files", "seq", "prev", "hash")}
    amara = acting_person(ws, "amara")
    with locked(ws.evidence_dir):
        for i in range(records - 1):
            run_id = f"ra-20261127T000000Z-{i:06x}"
            staging = ws.staging_dir / run_id
            staging.mkdir(parents=True)
            for name, data in files.items():
                (staging / name).write_bytes(data)
            entry = archive_locked(ws.evidence_dir, staging, f"credit-scoring/risk-assessment/{run_id}",
                                   {**facts, "run_id": run_id}, amara)
            index_entry(ws, entry)
    return ws, files


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=3334)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-verify-"))
    try:
        ws, files = build(tmp, args.records)
        count = sum(1 for _ in open(ws.evidence_dir / MANIFEST_FILE))
        size = sum(p.stat().st_size for p in ws.evidence_dir.rglob("*") if p.is_file())

        def sha256sum():
            subprocess.run(["sha256sum", "-c", "--quiet", MANIFEST_FILE], cwd=ws.evidence_dir, check=True)

        def in_process():
            assert verify(ws).ok

        def cli():
            subprocess.run([str(BIN / "workbench"), "verify", "-w", str(ws.root)], check=True, capture_output=True)

        contenders = (("sha256sum", sha256sum), ("function", in_process), ("cli", cli))
        for _, fn in contenders:
            fn()  # warm the page cache and imports for everyone
        results = {name: [] for name, _ in contenders}
        for _ in range(args.repeat):  # interleaved, so drift hits all three alike
            for name, fn in contenders:
                results[name].append(timed(fn, 1))
        write({k: statistics.median(v) for k, v in results.items()}, count, size, args.repeat,
              {k: len(v) for k, v in files.items()})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write(results: dict, count: int, size: int, repeat: int, sizes: dict) -> None:
    base = results["sha256sum"]
    coreutils = subprocess.run(["sha256sum", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    lines = [
        START,
        "## Verifying the archive (`bench/verify.py`)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"workbench {workbench.__version__}, {coreutils}. {count:,} archived files "
        f"({size / 1e6:,.0f} MB: per record notebook {sizes[NOTEBOOK_FILE] // 1000} kB, results "
        f"{sizes[RESULTS_FILE] // 1000} kB, evidence HTML {sizes[HTML_FILE] // 1000} kB without plotly.js), "
        f"page cache warm; medians of {repeat} interleaved runs. Target: verify at most 1.3x sha256sum.",
        "",
        "| what | median (s) | ratio to sha256sum |",
        "|---|---:|---:|",
        f"| `sha256sum -c --quiet SHA256SUMS` | {base:.2f} | 1.00 |",
        f"| `verify(workspace)` in process (recover, re-hash, chain, extras, every signature and role, the register "
        f"rebuilt in memory and compared) | {results['function']:.2f} | {results['function'] / base:.2f} |",
        f"| `workbench verify` CLI | {results['cli']:.2f} | {results['cli'] / base:.2f} |",
        "",
        f"Target {'met' if max(results['function'], results['cli']) <= 1.3 * base else 'NOT met'}: "
        f"the CLI takes {results['cli'] / base:.2f}x and the function {results['function'] / base:.2f}x sha256sum's time.",
        "Beyond hashing, `verify` now checks one Ed25519 signature per entry and builds the register the "
        "ledger implies (reading every results.json) to compare it with `register.db`; that comparison is "
        "most of the difference (profile: `python -m cProfile` on `verify`).",
        END,
    ]
    section = "\n".join(lines)
    write_section(START, END, section)


if __name__ == "__main__":
    main()

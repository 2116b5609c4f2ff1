"""Benchmark: one risk-assessment evidence end to end against its floor and a hand-made script.

Measured side by side in one process on one machine:

- floor: papermill runs an empty notebook (kernel start, one empty cell, kernel stop);
- workbench: ``run_process`` for a risk assessment with 20 risks (validate, papermill, render, archive, register);
- CLI pair: the papermill CLI runs the same template, then the nbconvert CLI renders it (what a user scripts by hand).

Writes the results into BENCHMARKS.md (section between the markers) and prints them.
Usage: ``.venv/bin/python bench/evidence_run.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

import workbench
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.pipeline.run import run_process
from workbench.processes import get_process
from workbench.resources import templates_dir
from workbench.workspace import init_workspace

from benchmarks_md import hold_demo_keys, write_section

BIN = Path(sys.executable).parent
START, END = "<!-- evidence_run:start -->", "<!-- evidence_run:end -->"


def twenty_risks() -> dict:
    base = ANSWERS["credit-scoring"]["risks"]
    risks = [{**base[i % len(base)], "id": f"R{i + 1}"} for i in range(20)]
    return {"scope": "Benchmark assessment with 20 risks.", "risks": risks}


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    ws = init_workspace(tmp / "ws", config=demo_configuration(hold_demo_keys()))
    ws.add_systems(SYSTEMS)
    answers = twenty_risks()
    answers_file = tmp / "answers.json"
    answers_file.write_text(json.dumps(answers))

    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    empty_path = tmp / "empty.ipynb"
    nbformat.write(empty, empty_path)

    def floor():
        papermill.execute_notebook(str(empty_path), str(tmp / "empty-out.ipynb"), kernel_name="python3",
                                   progress_bar=False)

    def evidence():
        run_process(ws, "risk-assessment", "credit-scoring", answers, assessor="amara")

    params = {"workspace": str(ws.root), "system_id": "credit-scoring", "answers": json.dumps(answers),
              "assessor": "amara"}

    def cli_pair():
        out = tmp / "cli-out.ipynb"
        cmd = [str(BIN / "papermill"), str(get_process("risk-assessment").template), str(out), "-k", "python3",
               "--no-progress-bar"]
        for key, value in params.items():
            cmd += ["-p", key, value]
        subprocess.run(cmd, check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        f"--TemplateExporter.extra_template_basedirs={templates_dir()}",
                        "--template", "evidence", str(out)], check=True, capture_output=True)

    floor()  # warm the kernel spec and imports once for every contender
    evidence()
    results = {}
    for name, fn, repeat in (("floor", floor, args.repeat), ("workbench", evidence, args.repeat),
                             ("cli_pair", cli_pair, max(2, args.repeat // 2))):
        results[name] = statistics.median(timed(fn, repeat))
    write(results, args.repeat)


def write(results: dict, repeat: int) -> None:
    floor = results["floor"]
    lines = [
        START,
        "## One evidence end to end (`bench/evidence_run.py`)",
        "",
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
        f"workbench {workbench.__version__}, papermill {papermill.__version__}, nbconvert {_version('nbconvert')}. "
        f"Medians of {repeat} runs (the CLI pair: {max(2, repeat // 2)}).",
        "",
        "| what | median (s) | ratio to floor |",
        "|---|---:|---:|",
        f"| floor: papermill, empty notebook | {floor:.2f} | 1.00 |",
        f"| workbench: risk assessment, 20 risks (validate, run, render, archive, register) | {results['workbench']:.2f} | {results['workbench'] / floor:.2f} |",
        f"| papermill CLI + nbconvert CLI, same template | {results['cli_pair']:.2f} | {results['cli_pair'] / floor:.2f} |",
        "",
        f"The workbench produces one evidence {results['cli_pair'] / results['workbench']:.1f}x faster than the CLI pair.",
        END,
    ]
    section = "\n".join(lines)
    write_section(START, END, section)


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()

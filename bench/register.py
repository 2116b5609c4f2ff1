"""Benchmark: the register on PostgreSQL next to SQLite: register operations, and a periodic review of
N systems (``workbench review --all --force --workers 2``, real papermill runs) on each.

PostgreSQL is Debian's, started in a temporary folder on a free port as the tests start it
(tests/postgres.py), on this machine: no network between the workbench and the database. The review
workspace is built once on SQLite, then copied (folder, and register with ``workbench register copy``)
for each backend. Writes its section of BENCHMARKS.md. Usage: ``.venv/bin/python bench/register.py
[--systems 50] [--rows 2000]``
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

import workbench
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.pipeline.run import run_process
from workbench.pipeline.verify import verify_register
from workbench.register import Register
from workbench.register_copy import copy_register
from workbench.workspace import Workspace, init_workspace

from benchmarks_md import hold_demo_keys, write_section

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from postgres import Server  # noqa: E402  (the tests' PostgreSQL server)

BIN = Path(sys.executable).parent
START, END = "<!-- register:start -->", "<!-- register:end -->"
AT = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


def timed(action, repeat: int = 1) -> float:
    """Seconds ``action`` takes: the best of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def systems(count: int) -> list[dict]:
    return [{**SYSTEMS[i % len(SYSTEMS)], "id": f"{SYSTEMS[i % len(SYSTEMS)]['id']}-{i:03d}",
             "name": f"{SYSTEMS[i % len(SYSTEMS)]['name']} #{i}"} for i in range(count)]


def evidence_rows(count: int, system_ids: list[str]) -> list[dict]:
    """``count`` evidence records with two risks each, spread over the systems and periods."""
    batches = []
    for n in range(count):
        run_id = f"ra-bench-{n:06d}"
        batches.append({"evidence": [{
            "run_id": run_id, "process": "risk-assessment", "system_id": system_ids[n % len(system_ids)],
            "item_id": "", "period": f"P{n // len(system_ids):04d}", "effective_date": date(2026, 1, 15),
            "assessor": "tomas", "status": "submitted", "recorded_at": AT, "path": run_id, "answers_sha256": "0" * 64,
            "workbench_version": workbench.__version__, "headline": "", "review_round": 1}],
            "risks": [{"run_id": run_id, "risk_id": f"R{k}", "system_id": system_ids[n % len(system_ids)],
                       "title": "A risk", "risk_source": "ai", "inherent_score": 12, "inherent_band": "High",
                       "residual_score": 4, "residual_band": "Low", "treatment": "modify", "owner": "tomas",
                       "due_date": date(2026, 6, 30), "above_appetite": False, "controls": ["A.6.2.4"]}
                      for k in (1, 2)]})
    return batches


def register_operations(url: str, root: Path, count: int, rows: int) -> dict[str, float]:
    """Seconds of each register operation on the database at ``url`` (empty: a file in the workspace)."""
    config = {**demo_configuration(hold_demo_keys()), "register_url": url}
    results = {}
    start = time.perf_counter()
    workspace = init_workspace(root, config=config)
    url = workspace.register_url
    results["init a workspace (schema made and versioned)"] = time.perf_counter() - start
    results["open the register (schema version checked), best of 20"] = timed(lambda: Register(url).close(), 20)
    listed = systems(count)
    results[f"register {count} systems (signed ledger entries, indexed)"] = timed(lambda: workspace.add_systems(listed))
    register = workspace.register
    batches = evidence_rows(rows, [s["id"] for s in listed])
    results[f"index {rows} evidence records with 2 risks each (one transaction)"] = timed(lambda: register.index(batches))
    results[f"list the {rows} evidence records, best of 5"] = timed(register.evidence_list, 5)
    results[f"latest evidence of each of {count} systems"] = timed(
        lambda: [register.latest_evidence(s["id"], "risk-assessment") for s in listed])
    results["the evidence table as a DataFrame, best of 5"] = timed(lambda: register.frame("evidence"), 5)
    results[f"one record by id, {min(200, rows)} times"] = timed(lambda: [register.evidence(f"ra-bench-{n:06d}") for n in range(min(200, rows))])
    register.close()
    return results


def review(root: Path, env: dict) -> float:
    """Seconds of ``workbench review --all --force --workers 2`` in its own process."""
    start = time.perf_counter()
    subprocess.run([str(BIN / "workbench"), "review", "-w", str(root), "--all", "--period", "2026-Q4", "--force",
                    "--workers", "2", "--no-progress"], env=env, capture_output=True)
    return time.perf_counter() - start


def review_workspace(root: Path, count: int) -> Workspace:
    """``count`` systems, each with one risk assessment, the only reviewed process."""
    config = demo_configuration(hold_demo_keys())
    config["review"]["processes"] = ["risk-assessment"]
    workspace = init_workspace(root, config=config)
    listed = systems(count)
    workspace.add_systems(listed)
    for system in listed:
        run_process(workspace, "risk-assessment", system["id"], ANSWERS[system["id"].rsplit("-", 1)[0]],
                    assessor="tomas", effective_date="2026-01-15", period="2026-Q1", refresh_index=False)
    workspace.register.close()
    return workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=50)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-register-"))
    server = Server().start()
    try:
        urls = {"SQLite": lambda: "", "PostgreSQL": lambda: server.new_database(register=False)}
        operations = {backend: register_operations(url(), tmp / f"ops-{backend}", args.systems, args.rows)
                      for backend, url in urls.items()}
        base = review_workspace(tmp / "base", args.systems)
        reviews, checks, copies = {}, {}, {}
        for backend in urls:
            root = Path(shutil.copytree(base.root, tmp / f"review-{backend}"))
            env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_REGISTER_URL"}
            if backend == "PostgreSQL":
                url = server.new_database(register=False)
                source = Register(f"sqlite:///{root / 'register.db'}")
                copies[backend] = timed(lambda: copy_register(source, url))
                source.close()
                (root / "register.db").unlink()
                env["WORKBENCH_REGISTER_URL"] = os.environ["WORKBENCH_REGISTER_URL"] = url
            reviews[backend] = review(root, env)
            workspace = Workspace(root)
            findings = []
            checks[backend] = timed(lambda: findings.extend(verify_register(workspace)))
            assert not findings, [str(f) for f in findings][:5]
            runs = len(workspace.register.evidence_list(process="risk-assessment"))
            assert runs == 2 * args.systems, runs
            workspace.register.close()
            os.environ.pop("WORKBENCH_REGISTER_URL", None)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    write(operations, reviews, checks, copies, args.systems, args.rows)


def write(operations, reviews, checks, copies, count: int, rows: int) -> None:
    backends = list(operations)
    lines = [START, "## The register on PostgreSQL next to SQLite (`bench/register.py`)", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"workbench {workbench.__version__}; PostgreSQL is Debian's on this machine (no network in between), "
             f"SQLite is a file in the workspace. Load average at the end: {os.getloadavg()[0]:.1f} (other work on the "
             "machine slows both columns alike). Seconds; lower is better.", "",
             "| operation | " + " | ".join(backends) + " |", "|---|" + "---:|" * len(backends)]
    for name in operations[backends[0]]:
        lines.append(f"| {name} | " + " | ".join(f"{operations[b][name]:.3f}" for b in backends) + " |")
    lines.append(f"| copy the review workspace's register into it (`register copy`, checked) | – | "
                 f"{copies['PostgreSQL']:.2f} |")
    lines.append(f"| `workbench review --all --force --workers 2`, {count} systems (real papermill runs) | "
                 + " | ".join(f"{reviews[b]:.1f}" for b in backends) + " |")
    lines.append(f"| verify's register comparison after the review ({2 * count} records) | "
                 + " | ".join(f"{checks[b]:.2f}" for b in backends) + " |")
    ratio = reviews["PostgreSQL"] / reviews["SQLite"]
    lines += ["", f"The {count}-system review takes {ratio:.2f}x the SQLite time on PostgreSQL.", END]
    write_section(START, END, "\n".join(lines))


if __name__ == "__main__":
    main()

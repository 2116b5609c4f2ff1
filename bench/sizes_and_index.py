"""Benchmark: the size of each kind of evidence file, and building the portfolio index for many systems.

Sizes come from a fresh demo workspace (every process the demo runs). The index is built for
N synthetic systems (default 5,000) whose register rows are written directly, since only the
index build is measured. Writes its section of BENCHMARKS.md.
Usage: ``.venv/bin/python bench/sizes_and_index.py [--systems 5000]``
"""

from __future__ import annotations

import argparse
import gzip
import platform
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import workbench
from workbench.demo import SYSTEMS, demo_configuration, run_demo
from workbench.pipeline.portfolio import build_index
from workbench.processes.risk_assessment.tables import RiskRow
from workbench.register import EvidenceRow, SystemRow
from workbench.workspace import init_workspace

from benchmarks_md import hold_demo_keys, write_section

START, END = "<!-- sizes:start -->", "<!-- sizes:end -->"


def evidence_sizes(root: Path) -> list[tuple[str, str, int, int]]:
    """(process, file, median bytes, median gzip bytes) over the demo's evidence."""
    run_demo(root, progress=lambda _m: None)
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for path in sorted((root / "evidence").glob("*/*/*/*")):
        if path.is_file():
            data = path.read_bytes()
            found.setdefault((path.parent.parent.name, path.name), []).append((len(data), len(gzip.compress(data))))
    index = (root / "evidence" / "index.html").read_bytes()
    found[("portfolio", "index.html")] = [(len(index), len(gzip.compress(index)))]
    return [(p, f, int(statistics.median(s for s, _ in v)), int(statistics.median(g for _, g in v)))
            for (p, f), v in sorted(found.items())]


def synthetic_portfolio(root: Path, count: int):
    """A register with ``count`` systems, each with a risk assessment of four risks."""
    from sqlalchemy.orm import Session

    workspace = init_workspace(root, config=demo_configuration(hold_demo_keys()))
    now = datetime.now(timezone.utc)
    with Session(workspace.register.engine) as session:
        for i in range(count):
            base = SYSTEMS[i % len(SYSTEMS)]
            system_id = f"{base['id']}-{i:05d}"
            session.add(SystemRow(**{**base, "id": system_id, "name": f"{base['name']} #{i}"}, registered_at=now))
            run_id = f"ra-bench-{i:05d}"
            session.add(EvidenceRow(run_id=run_id, process="risk-assessment", system_id=system_id, period="2026-Q3",
                                    effective_date=date(2026, 9, 1) - timedelta(days=i % 200), assessor="tomas",
                                    status="submitted", recorded_at=now, path=f"{system_id}/risk-assessment/{run_id}",
                                    answers_sha256="0" * 64, workbench_version=workbench.__version__))
        session.flush()  # the evidence rows exist before the risk rows that reference them
        for i in range(count):
            system_id, run_id = f"{SYSTEMS[i % len(SYSTEMS)]['id']}-{i:05d}", f"ra-bench-{i:05d}"
            for r, band in enumerate(("Low", "Medium", "High", "Medium")):
                session.add(RiskRow(run_id=run_id, risk_id=f"R{r + 1}", system_id=system_id, title="t",
                                    risk_source="C.3.4", inherent_score=12, inherent_band="High", residual_score=6,
                                    residual_band=band, treatment="mitigate", owner="tomas", due_date=date(2027, 1, 1),
                                    above_appetite=band == "High", controls=["A.6.2.4"]))
        session.commit()
    return workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=5000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-sizes-"))
    sizes = evidence_sizes(tmp / "demo")
    workspace = synthetic_portfolio(tmp / "big", args.systems)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        path = build_index(workspace)
        times.append(time.perf_counter() - start)
    index_bytes = Path(path).stat().st_size
    lines = [START, "## Evidence sizes and the portfolio index (`bench/sizes_and_index.py`)", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}, workbench {workbench.__version__}. "
             "Median sizes over the demo's evidence.", "",
             "| process | file | bytes | gzip bytes |", "|---|---|---:|---:|"]
    lines += [f"| {p} | {f} | {b:,} | {g:,} |" for p, f, b, g in sizes]
    lines += ["", f"Portfolio index for {args.systems:,} systems: median {statistics.median(times):.2f} s over 3 builds, "
              f"{index_bytes / 1e6:.1f} MB.", END]
    section = "\n".join(lines)
    write_section(START, END, section)


if __name__ == "__main__":
    main()

"""The workbench's papermill engine (workbench/kernels.py) changes how fast a run is, not what it says:
the same answers through it and through papermill's own engine leave the same files, byte for byte,
apart from run ids, times, paths, the id papermill gives the parameters cell, and the hashes
that cover them."""

from __future__ import annotations

import re

import pytest

import workbench.pipeline.kernels
from keys import KEYS
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.pipeline.run import HTML_FILE, NOTEBOOK_FILE, RESULTS_FILE, run_process
from workbench.workspace import init_workspace

pytestmark = pytest.mark.kernel
VARYING = [
    (re.compile(r"\b[a-z]{1,8}-\d{8}T\d{6}Z-[0-9a-f]{6}\b"), "RUN-ID"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"), "TIME"),
    (re.compile(r'"duration": [0-9.e-]+'), '"duration": SECONDS'),
    (re.compile(r"\b[0-9a-f]{64}\b"), "SHA256"),
    (re.compile(r'("id": "|cell-id=)[0-9a-f]{8}\b'), r"\1CELL-ID"),  # papermill's parameters cell gets a new id
]


def _run(tmp_path, name: str) -> dict[str, str]:
    ws = init_workspace(tmp_path / name / "ws", config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
    evidence = run_process(ws, "risk-assessment", "credit-scoring", ANSWERS["credit-scoring"], assessor="amara",
                           effective_date="2026-11-02")
    files = {}
    for file in (NOTEBOOK_FILE, RESULTS_FILE, HTML_FILE):
        text = (evidence.folder / file).read_text(encoding="utf-8").replace(str(tmp_path / name), "ROOT")
        for pattern, token in VARYING:
            text = pattern.sub(token, text)
        files[file] = text
    ws.register.close()
    return files


def test_the_engine_leaves_the_evidence_as_papermills_own_engine_does(tmp_path, monkeypatch):
    ours = _run(tmp_path, "workbench-engine")
    monkeypatch.setattr(workbench.pipeline.kernels, "ENGINE", "nbclient")  # papermill's default engine
    theirs = _run(tmp_path, "papermill-engine")
    for file in ours:
        assert ours[file] == theirs[file], f"{file} differs between the engines"
    assert "RUN-ID" in ours[HTML_FILE] and "TIME" in ours[NOTEBOOK_FILE]  # the normalising did apply

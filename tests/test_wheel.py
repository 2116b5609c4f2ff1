"""The built wheel carries the templates: install it into a fresh venv and run the demo from there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from evidence_checks import offline, pictures

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {
    **{f"workbench/processes/{name}/template.ipynb": ROOT / "workbench" / "processes" / name / "template.ipynb"
       for name in ("risk_assessment", "impact_assessment", "soa", "internal_audit", "gap_analysis", "management_review")},
    "workbench/_notebooks/periodic_review.ipynb": ROOT / "notebooks" / "periodic_review.ipynb",
    "workbench/_templates/portfolio/index.html.j2": ROOT / "templates" / "portfolio" / "index.html.j2",
    "workbench/_templates/evidence/index.html.j2": ROOT / "templates" / "evidence" / "index.html.j2",
    "workbench/_templates/evidence/conf.json": ROOT / "templates" / "evidence" / "conf.json",
    "workbench/_templates/evidence/static/evidence.css": ROOT / "templates" / "evidence" / "static" / "evidence.css",
    "workbench/content/annex_a.yaml": ROOT / "workbench" / "content" / "annex_a.yaml",
    "workbench/processes/impact_assessment/questionnaire.yaml":
        ROOT / "workbench" / "processes" / "impact_assessment" / "questionnaire.yaml",
}


def run(cmd: list, cwd: Path, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def clean_env(tmp_path: Path, venv: Path | None = None) -> dict:
    """The environment without anything pointing at the checkout or its venv; a private Jupyter data dir."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_DATA_DIR",
                        "JUPYTER_CONFIG_DIR", "WORKBENCH_WORKSPACE", "WORKBENCH_REGISTER_URL")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
        env["VIRTUAL_ENV"] = str(venv)
    # a user-level kernel spec must not send the demo's kernel to another interpreter
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-data")
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "jupyter-config")
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT], cwd=out,
        env=clean_env(out))
    wheels = sorted(out.glob("aims_workbench-*-py3-none-any.whl"))
    assert len(wheels) == 1, sorted(out.iterdir())
    return wheels[0]


def test_wheel_ships_templates_and_content(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for inside, source in SHIPPED.items():
            assert inside in names, inside
            assert archive.read(inside) == source.read_bytes(), f"{inside} differs from {source}"
        # the shipped template is a valid notebook with its parameters cell, committed without outputs
        nb = nbformat.reads(archive.read("workbench/processes/risk_assessment/template.ipynb").decode(), as_version=4)
        assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "workbench = workbench.cli:main" in archive.read(entry_points).decode()
    assert not [n for n in names if n.startswith(("tests/", ".venv/", "notebooks/", "templates/"))]


def test_installed_wheel_runs_the_demo(wheel, tmp_path):
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path, env=clean_env(tmp_path))
    python, env = venv / "bin" / "python", clean_env(tmp_path, venv)
    run([python, "-m", "pip", "install", "--quiet", wheel], cwd=tmp_path, env=env)

    # the installed package, not the checkout, is what the venv imports, and it finds its own templates
    probe = run([python, "-c", "import json, workbench, workbench.resources as r; print(json.dumps("
                 "[workbench.__file__, str(r.notebooks_dir()), str(r.templates_dir())]))"], cwd=tmp_path, env=env)
    package, notebooks, templates = (Path(p).parent if p.endswith("__init__.py") else Path(p)
                                     for p in json.loads(probe.stdout))
    site = venv / "lib"
    for path in (package, notebooks, templates):
        assert path.is_relative_to(site) and not path.is_relative_to(ROOT), path
    assert notebooks.name == "_notebooks" and templates.name == "_templates"
    specs = json.loads(run([venv / "bin" / "jupyter", "kernelspec", "list", "--json"], cwd=tmp_path, env=env).stdout)
    assert Path(specs["kernelspecs"]["python3"]["resource_dir"]).is_relative_to(venv)

    demo = tmp_path / "demo"
    proc = run([venv / "bin" / "workbench", "demo", demo], cwd=tmp_path, env=env)
    html = {process: sorted(demo.glob(f"evidence/*/{process}/*/evidence.html"))
            for process in ("risk-assessment", "impact-assessment")}
    assert [len(files) for files in html.values()] == [3, 3], proc.stdout + proc.stderr
    for path in html["risk-assessment"] + html["impact-assessment"]:
        assert str(path) in proc.stdout
        # the default: charts drawn by the run as SVG images, no script at all, a small file
        assert pictures(offline(path))
        # the run used the template inside the installed package
        nb = nbformat.read(str(path.parent / "notebook.ipynb"), as_version=4)
        template = package / "processes" / path.parts[-3].replace("-", "_") / "template.ipynb"
        assert Path(nb.metadata["papermill"]["input_path"]) == template
        assert nb.metadata["workbench"]["run_id"] == path.parent.name
    for process in ("soa", "internal-audit", "gap-analysis", "management-review"):
        path = next(demo.glob(f"evidence/organisation/{process}/*/notebook.ipynb"))
        template = package / "processes" / process.replace("-", "_") / "template.ipynb"
        assert Path(nbformat.read(str(path), as_version=4).metadata["papermill"]["input_path"]) == template
    sums = run(["sha256sum", "-c", "SHA256SUMS"], cwd=demo / "evidence", env=env)
    assert sums.stdout.count(": OK") == 30  # 3 systems x 2 processes, 4 organisation-wide runs; 3 files each

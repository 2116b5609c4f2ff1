"""The built wheel carries the templates: install it into a fresh venv and run the demo from there."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import nbformat
import pytest
from evidence_checks import offline, pictures

from subprocesses import ROOT, fresh_venv, run

pytestmark = pytest.mark.wheel

SHIPPED = {
    **{f"workbench/processes/{name}/template.ipynb": ROOT / "workbench" / "processes" / name / "template.ipynb"
       for name in ("risk_assessment", "impact_assessment", "soa", "internal_audit", "gap_analysis", "management_review")},
    "workbench/_notebooks/periodic_review.ipynb": ROOT / "notebooks" / "periodic_review.ipynb",
    "workbench/_templates/portfolio/index.html.j2": ROOT / "templates" / "portfolio" / "index.html.j2",
    "workbench/_templates/evidence/index.html.j2": ROOT / "templates" / "evidence" / "index.html.j2",
    "workbench/_templates/evidence/conf.json": ROOT / "templates" / "evidence" / "conf.json",
    "workbench/_templates/evidence/static/evidence.css": ROOT / "templates" / "evidence" / "static" / "evidence.css",
    **{f"workbench/_templates/voila/templates/workbench/{name}": ROOT / "templates" / "voila" / "templates" / "workbench" / name
       for name in ("conf.json", "index.html.j2")},
    "workbench/content/annex_a.yaml": ROOT / "workbench" / "content" / "annex_a.yaml",
    "workbench/processes/impact_assessment/questionnaire.yaml":
        ROOT / "workbench" / "processes" / "impact_assessment" / "questionnaire.yaml",
}


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
    venv, env = fresh_venv(tmp_path, wheel)
    python = venv / "bin" / "python"

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
    # the periodic review's notebook for jupyter-scheduler, from the template the wheel ships
    review = nbformat.read(str(demo / "scheduled" / "periodic_review.ipynb"), as_version=4)
    assert f'workspace: str = "{demo.resolve()}"' in review.cells[1].source
    for process in ("soa", "internal-audit", "gap-analysis", "management-review"):
        path = next(demo.glob(f"evidence/organisation/{process}/*/notebook.ipynb"))
        template = package / "processes" / process.replace("-", "_") / "template.ipynb"
        assert Path(nbformat.read(str(path), as_version=4).metadata["papermill"]["input_path"]) == template
    sums = run(["sha256sum", "-c", "SHA256SUMS"], cwd=demo / "evidence", env=env)
    assert sums.stdout.count(": OK") == 110  # every archived file of the demo: each run's evidence, notebook and results (a system card's public card too), each sign-off's, the recorded configuration

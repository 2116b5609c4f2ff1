"""environment.yml (conda) declares exactly the dependencies of pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).parent.parent
IGNORED = {"python", "pip", "nodejs"}  # nodejs builds the JupyterLab extension


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _pairs(specs) -> set[tuple[str, str]]:
    pairs = set()
    for spec in specs:
        req = Requirement(spec)
        if req.name.lower() not in IGNORED:
            pairs.add((req.name.lower(), str(req.specifier)))
    return pairs


def _conda_specs() -> list[str]:
    return [d for d in _environment()["dependencies"] if isinstance(d, str)]


def test_environment_lists_the_project_dependencies_with_their_specifiers():
    expected = _pairs(_pyproject()["project"]["dependencies"])
    assert len(expected) == 33
    assert _pairs(_conda_specs()) == expected


def test_environment_lists_each_dependency_once():
    names = [Requirement(s).name.lower() for s in _conda_specs()]
    assert len(names) == len(set(names))


def test_environment_python_matches_requires_python():
    assert f"python{_pyproject()['project']['requires-python']}" in _conda_specs()
    assert "pip" in _conda_specs()


def test_environment_name_channel_and_editable_install():
    env = _environment()
    assert env["name"] == "aims-workbench"
    assert env["channels"] == ["conda-forge"]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_sections == [["-e .", "./extensions/jupyterlab-aims-workbench"]]

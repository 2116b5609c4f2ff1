"""The periodic review's notebook in a workspace (``scheduled/periodic_review.ipynb``): written from
the template with its workspace named, kept while it is that, refused when it is anything else."""

from __future__ import annotations

import shutil

import nbformat
import papermill
import pytest

from workbench.exceptions import InputError
from workbench.resources import notebooks_dir
from workbench.scheduling.notebook import REVIEW_NOTEBOOK, review_notebook
from workbench.workspace import Workspace


def code(path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_the_notebook_is_the_template_naming_its_workspace(workspace):
    path = review_notebook(workspace)
    assert path == workspace.root / "scheduled" / "periodic_review.ipynb"
    parameters = papermill.inspect_notebook(str(path))
    assert parameters["workspace"]["default"] == f'"{workspace.root}"'
    template = papermill.inspect_notebook(str(notebooks_dir() / "periodic_review.ipynb"))
    assert {k: v["default"] for k, v in parameters.items() if k != "workspace"} == {
        k: v["default"] for k, v in template.items() if k != "workspace"}
    assert code(path)[1:] == code(notebooks_dir() / "periodic_review.ipynb")[1:]
    nb = nbformat.read(path, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells) and nb.metadata.kernelspec.name == "python3"
    assert [p.name for p in path.parent.iterdir()] == ["periodic_review.ipynb"]  # no temporary file left


def test_a_notebook_that_is_still_the_template_is_kept_with_its_outputs(workspace):
    path = review_notebook(workspace)
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="review 2026-Q4: 2 recalculated")]
    nbformat.write(nb, path)
    assert review_notebook(workspace) == path
    assert "2 recalculated" in path.read_text(encoding="utf-8")


def test_an_edited_notebook_is_refused_and_left_until_replace(workspace):
    path = review_notebook(workspace)
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source += "\nopen('pwned', 'w')"
    nbformat.write(nb, path)
    with pytest.raises(InputError, match="not the periodic review's for this workspace.*--replace"):
        review_notebook(workspace)
    assert "pwned" in path.read_text(encoding="utf-8")
    review_notebook(workspace, replace=True)
    assert "pwned" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("planted", ["{}", "[]", '{"cells": 5}', "null", "not json"])
def test_a_file_that_is_no_notebook_is_refused_and_left(workspace, planted):
    path = workspace.root / REVIEW_NOTEBOOK
    path.parent.mkdir()
    path.write_text(planted, encoding="utf-8")
    with pytest.raises(InputError, match="not the periodic review's"):
        review_notebook(workspace)
    assert path.read_text(encoding="utf-8") == planted


def test_a_moved_workspace_refuses_the_notebook_that_reviews_the_old_place(workspace, tmp_path):
    review_notebook(workspace)
    moved = Workspace(shutil.copytree(workspace.root, tmp_path / "moved"))
    with pytest.raises(InputError, match="not the periodic review's for this workspace"):
        review_notebook(moved)
    path = review_notebook(moved, replace=True)
    assert papermill.inspect_notebook(str(path))["workspace"]["default"] == f'"{moved.root}"'


def test_a_linked_folder_is_refused_before_anything_is_written(workspace, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace.root / REVIEW_NOTEBOOK.parent).symlink_to(outside)
    with pytest.raises(InputError, match="is a link to"):
        review_notebook(workspace, replace=True)
    assert list(outside.iterdir()) == []
